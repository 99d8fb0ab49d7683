"""Records mean what their author wrote: plain values are read as YAML 1.2 (statusgen/yaml12.py).

The oracle is ruamel.yaml's safe loader in YAML 1.2 mode: for any generated record, every
value the loader returns equals what ruamel.yaml returns (numbers with a point are Decimal
here, float there; they must be the same number).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from statusgen.loader import load_records
from statusgen.models import Plan
from statusgen.yaml12 import WrittenDecimal, WrittenFloat, WrittenInt, as_written
from statusgen.yamlsource import RecordYamlError, decode, load_yaml, split_front_matter

from sites.files import ANNOUNCEMENT, COMPONENTS, PLANS, record_text, replace, write_site

READ_AS = [
    # The examples: YAML 1.1 read these as 1088, 1110, True and 1000.
    ("02100", 2100), ("18:30", "18:30"), ("1:20.5", "1:20.5"), ("yes", "yes"), ("no", "no"),
    ("on", "on"), ("off", "off"), ("Y", "Y"), ("n", "n"),
    ("true", True), ("False", False), ("TRUE", True), ("tRue", "tRue"),
    ("0x10", 16), ("0o10", 8), ("010", 10), ("08", 8), ("0b101", 5), ("1_000", 1000), ("-007", -7),
    ("1e3", Decimal("1e3")), ("4.99", Decimal("4.99")), (".5", Decimal("0.5")), ("5.", Decimal("5")),
    ("2021-10-01", date(2021, 10, 1)), ("~", None), ("null", None), ("=", "="), ("0o", "0o"), ("1.2.3", "1.2.3"),
]


@pytest.mark.parametrize(("text", "expected"), READ_AS)
def test_a_plain_value_means_what_yaml_1_2_says(text: str, expected: Any) -> None:
    value = load_yaml(f"value: {text}\n")["value"]
    assert value == expected and type(value) in (type(expected), WrittenInt, WrittenDecimal)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        assert as_written(value) == text  # what a message quotes


def test_numbers_remember_how_they_were_written() -> None:
    data = load_yaml("a: 0x10\nb: 7\nc: 4.99\nd: .5\ne: .inf\nf: -007\n")
    assert [as_written(data[key]) for key in "abcdef"] == ["0x10", "7", "4.99", ".5", ".inf", "-007"]
    # Written the way Python prints them, numbers stay plain (the common case costs nothing).
    assert type(data["b"]) is int and type(data["c"]) is Decimal
    assert isinstance(data["e"], WrittenFloat) and math.isinf(data["e"])


def test_a_site_reads_prices_and_names_as_written(tmp_path: Path) -> None:
    content = write_site(tmp_path, {
        "content/plans.yml": replace(PLANS, "price: 9", "price: 02100"),
        "content/components.yml": replace(COMPONENTS, "name: Website", "name: no"),
        # The price change then ends at 2100, as the price chain requires.
        "content/announcements/team-price.md": replace(ANNOUNCEMENT, "to: 9", "to: 2100"),
    })
    records = load_records(content)
    assert records.plans is not None and records.plans.plans[1].price == Decimal(2100)
    assert type(records.plans.plans[1].price) is Decimal  # the written form does not travel further
    assert records.components.components[1].name == "no"


# -- Property: the loader agrees with ruamel.yaml (YAML 1.2) on every generated record. --

_TOKENS = st.sampled_from([
    "0", "00", "007", "02100", "-0", "+5", "0x1F", "0X1F", "+0x10", "-0o17", "0o8", "0b102", "1_000", "_1", "1__0",
    "4.99", "04.990", ".5", "5.", "-.5", "1e5", "1E-3", "1.5e+3", ".5e3", ".5e+3", "1_0.5", ".inf", "-.Inf", "+.INF",
    ".nan", ".NaN", "NaN", "inf", "18:30", "1:20:30", "1:20.5", "190:20:30", "yes", "No", "ON", "off", "y", "N",
    "true", "False", "TRUE", "tRUE", "~", "null", "Null", "NULL", "nil", "2021-10-01", "2021-1-1", "2021-10-01T10:00:00Z",
    "2021-10-01t10:00:00.5+02:00", "2021-10-01 10:00:00", "2021-1-1T1:00:00Z", "2021-10-01T10:00:00.123456789Z",
    "2021-10-01 10:00:00 -5", "20211001", "1633082400", "api-errors", "v1.2.3", "1.2.3", "0o", "0x", "0b", "+", ".",
])
_NUMBERISH = st.from_regex(r"[-+]?(0[box])?[0-9a-fA-F_]{1,6}(\.[0-9_]{0,3})?([eE][-+]?[0-9]{1,3})?", fullmatch=True)
_TIMEISH = st.from_regex(r"[0-9]{1,3}(:[0-9]{1,2}){1,2}(\.[0-9]{0,2})?", fullmatch=True)
_WORDISH = st.from_regex(r"[A-Za-z~.][A-Za-z0-9_.~-]{0,8}", fullmatch=True)
_SCALARS = _TOKENS | _NUMBERISH | _TIMEISH | _WORDISH
_KEYS = st.from_regex(r"k_[a-z_]{1,8}", fullmatch=True)


@st.composite
def records(draw: st.DrawFn) -> str:
    """A record's front matter: keys with plain scalars, a list, and a list of mappings."""
    lines = [f"{key}: {draw(_SCALARS)}" for key in draw(st.lists(_KEYS, max_size=6, unique=True))]
    for key in draw(st.lists(_KEYS.map(lambda k: "list_" + k), max_size=2, unique=True)):
        lines += [key + ":"] + [f"  - {item}" for item in draw(st.lists(_SCALARS, min_size=1, max_size=4))]
    if draw(st.booleans()):
        lines.append("updates:")
        for update in draw(st.lists(st.lists(st.tuples(_KEYS, _SCALARS), min_size=1, max_size=3,
                                             unique_by=lambda pair: pair[0]), min_size=1, max_size=3)):
            lines += [("  - " if index == 0 else "    ") + f"{key}: {value}" for index, (key, value) in enumerate(update)]
    return "---\n" + "\n".join(lines) + "\n---\nBody.\n"


_RUAMEL = YAML(typ="safe", pure=True)
_RUAMEL.version = (1, 2)


def _same(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, dict):
        return isinstance(ours, dict) and ours.keys() == theirs.keys() and all(_same(ours[k], theirs[k]) for k in theirs)
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(map(_same, ours, theirs))
    if isinstance(theirs, bool) or theirs is None or isinstance(theirs, str):
        return type(ours) is type(theirs) and ours == theirs
    if isinstance(theirs, int):
        return isinstance(ours, int) and not isinstance(ours, bool) and ours == theirs
    if isinstance(theirs, float):
        if math.isnan(theirs):
            return isinstance(ours, float) and math.isnan(ours)
        return isinstance(ours, (Decimal, float)) and float(ours) == theirs
    if isinstance(theirs, datetime):
        # Timestamps are not part of YAML 1.2's core schema; both readers keep 1.1's. Past
        # microseconds ruamel.yaml rounds where PyYAML cuts: the loader keeps cutting, so
        # that no published time moves.
        same_offset = isinstance(ours, datetime) and ours.utcoffset() == theirs.utcoffset()
        return same_offset and abs(ours.replace(tzinfo=None) - theirs.replace(tzinfo=None)) <= timedelta(microseconds=1)
    if isinstance(theirs, date):
        return type(ours) is date and ours == theirs
    raise AssertionError(f"unexpected value from ruamel.yaml: {theirs!r}")


@settings(max_examples=500, deadline=None)
@given(records())
def test_the_loader_reads_records_as_ruamel_yaml_1_2_does(text: str) -> None:
    front = split_front_matter(decode(text.encode("utf-8")))
    try:
        theirs = _RUAMEL.load(front.yaml_text)
    except Exception:  # noqa: BLE001 - ruamel.yaml raises several kinds; the loader must refuse too
        with pytest.raises(RecordYamlError):
            load_yaml(front.yaml_text, front.first_line)
        return
    ours = load_yaml(front.yaml_text, front.first_line)
    assert _same(ours, theirs), (ours, theirs)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?", fullmatch=True))
def test_a_price_in_plain_notation_is_the_number_yaml_1_1_read(text: str) -> None:
    # Sites written in plain notation publish exactly what they did before YAML 1.2.
    plan = {"id": "team", "name": "Team", "period": "month"}
    ours = Plan.model_validate({**plan, **load_yaml(f"price: {text}\n")}).price
    before = yaml.load(f"price: {text}\n", Loader=yaml.CSafeLoader)["price"]
    assert type(ours) is Decimal and ours == Decimal(text) and str(ours) == str(Decimal(text))
    assert ours == (before if isinstance(before, int) else Decimal(text))


@pytest.mark.parametrize("text", ["0E0", "0o7", "1e3", "yes", "on", "1:20", "18:30", "=", "0x1F", "TRUE"])
def test_test_sites_write_text_the_loader_reads_back_as_text(text: str) -> None:
    # tests/sites writes records with PyYAML: it must quote what YAML 1.2 would read as a number.
    front = split_front_matter(record_text({"title": text}, "Body.\n"))
    assert load_yaml(front.yaml_text, front.first_line) == {"title": text}
