"""Arbitrary records never crash the loader: valid ones load, invalid ones give ContentError.

Hypothesis writes one record of an otherwise valid site at a time (random bytes, random
text, random YAML structures, valid records with one field replaced) and loads the site.
Anything but a loaded site or a ContentError is a bug. Bounded so the file runs in seconds.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen.errors import ContentError
from statusgen.loader import load_records
from statusgen.pipeline import build_outputs
from statusgen.records import Records
from statusgen.settings import Settings
from statusgen.yaml12 import IMPLICIT_RESOLVERS

from sites.files import BASE, INCIDENT, PLANS, write_site

FUZZ = settings(max_examples=int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
INC = "content/incidents/api-errors.md"
NOW = datetime(2021, 10, 4, 18, tzinfo=timezone.utc)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=30),
    st.decimals(allow_nan=False, allow_infinity=False, places=3), st.dates(),
    st.datetimes(timezones=st.sampled_from([timezone.utc, None, timezone(timedelta(hours=5, minutes=30))])),
    st.sampled_from(["major", "api", "web", "partial_outage", "resolved", "2021-10-01T10:00:00Z", "P6M", "team"]),
)
structures = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.one_of(st.text(max_size=12), st.integers(0, 9)), children, max_size=4),
), max_leaves=12)
field_names = st.sampled_from(["title", "impact", "components", "started", "resolved", "updates", "id", "body", "titel"])


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as YAML numbers, as a person would type a price, and quotes text as
    YAML 1.2 (the loader's reading) requires: `0E0` is a number there, `yes` is text."""

    yaml_implicit_resolvers = {first: list(resolvers) for first, resolvers in IMPLICIT_RESOLVERS.items()}


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, default_flow_style=False)


def front_matter(data: Any) -> str:
    return "---\n" + dump(data) + "---\nBody.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(tmp_path_factory.mktemp("fuzz"))


def load_with(site: Path, relative: str, content: str | bytes) -> Records | None:
    """Load the site with one file replaced; None when it is rejected with a ContentError."""
    path = site.parent / relative
    original = BASE.get(relative)
    try:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        return load_records(site)
    except ContentError as error:
        assert error.problems and all(problem.path for problem in error.problems)
        assert "Traceback" not in error.report()
        return None
    finally:
        path.write_text(original, encoding="utf-8") if original is not None else path.unlink()


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(site: Path, content: bytes) -> None:
    load_with(site, INC, content)


@FUZZ
@given(st.text(max_size=300))
def test_random_text_in_front_matter(site: Path, text: str) -> None:
    load_with(site, INC, "---\n" + text + "\n---\nBody.\n")


@FUZZ
@given(structures)
def test_random_yaml_structures(site: Path, data: Any) -> None:
    load_with(site, INC, front_matter(data))
    load_with(site, "content/plans.yml", dump(data))


@FUZZ
@given(field_names, structures)
def test_valid_incident_with_one_field_replaced(site: Path, name: str, value: Any) -> None:
    data = yaml.safe_load(INCIDENT.split("---\n")[1])
    data[name] = value
    load_with(site, INC, front_matter(data))


@FUZZ
@given(st.sampled_from(["price", "name", "period", "per", "id", "features"]), structures)
def test_valid_plan_with_one_field_replaced(site: Path, name: str, value: Any) -> None:
    data = yaml.safe_load(PLANS)
    data["plans"][1][name] = value
    records = load_with(site, "content/plans.yml", dump(data))
    if records is not None and name == "price":
        price = records.plans.plans[1].price
        assert isinstance(price, Decimal) and price >= 0 and price == price.quantize(Decimal("0.01"))


@st.composite
def valid_incidents(draw: st.DrawFn) -> str:
    """An incident that breaks no rule, with arbitrary text wherever text goes."""
    started = draw(st.datetimes(min_value=datetime(2021, 7, 1), max_value=datetime(2021, 10, 4), timezones=st.just(timezone.utc)))
    gaps = draw(st.lists(st.integers(0, 50_000), max_size=4))
    times = [started + timedelta(seconds=sum(gaps[: index + 1])) for index in range(len(gaps))]
    resolved = draw(st.booleans()) and bool(times)
    statuses = [draw(st.sampled_from(["investigating", "identified", "monitoring"])) for _ in times]
    if resolved:
        statuses[-1] = "resolved"
    # Any character a record may hold: the loader refuses C0 controls (XML cannot carry them).
    allowed = st.characters(blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10)] + ["\ufffe", "\uffff"])
    text = st.text(allowed, min_size=1, max_size=40).filter(str.strip)
    data: dict[str, Any] = {
        "title": draw(text), "impact": draw(st.sampled_from(["none", "minor", "major", "critical"])),
        "components": draw(st.sampled_from([["api"], {"web": "major_outage"}, {"api": "degraded_performance"}])),
        "started": started.isoformat(),
        "updates": [{"at": at.isoformat(), "status": status, "body": draw(text)} for at, status in zip(times, statuses, strict=True)],
    }
    if resolved:
        data["resolved"] = times[-1].isoformat()
    return "---\n" + yaml.dump(data, Dumper=_Dumper, allow_unicode=True) + "---\n" + draw(text) + "\n"


@settings(max_examples=max(15, int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "60")) // 4), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_incidents())
def test_valid_incidents_load_and_build(site: Path, record: str) -> None:
    records = load_with(site, INC, record)
    assert records is not None, record
    outputs = build_outputs(records, Settings(content_dir=site), NOW)
    assert any(output.path == "incidents/api-errors/index.html" for output in outputs)


def test_a_date_is_not_a_timestamp_and_a_naive_time_is_refused(site: Path) -> None:
    assert load_with(site, INC, INCIDENT.replace("started: 2021-10-01T10:00:00Z", "started: 2021-10-01T10:00:00")) is None
    assert load_with(site, INC, INCIDENT.replace("started: 2021-10-01T10:00:00Z", f"started: {date(2021, 10, 1)}")) is None
