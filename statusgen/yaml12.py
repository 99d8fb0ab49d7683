"""What a plain YAML value means: YAML 1.2's core schema, read by PyYAML's fast loader.

PyYAML speaks YAML 1.1, where `02100` is octal (1088), `18:30` is sexagesimal (1110) and
`yes`, `no`, `on` and `off` are booleans: a price or a time that silently means another
thing than the file says. These resolvers give plain scalars the meaning YAML 1.2 gives
them, exactly as ruamel.yaml reads them (the tests compare the two): `02100` is 2100, `18:30`
and `yes` are text, `0x10` and `0o10` are 16 and 8, and only true/false are booleans.
ruamel.yaml itself is ten times slower than libyaml on 10,000 records, so only the meaning
of scalars is taken from it, not the parser.

Timestamps stay (ruamel.yaml keeps them in 1.2 as well): records are full of them. A lone
`=` is text, as in the 1.2 core schema (PyYAML and ruamel.yaml would refuse it as a tag).

Numbers remember how they were written whenever that differs from how Python prints them
(`0x10`, `1_000`, `007`, `.5`, `.inf`): error messages quote the file, not the conversion,
and a price can refuse every notation but plain decimals.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

_CORE = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:float", r"""^(?:
         [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""", "-+0123456789."),
    ("tag:yaml.org,2002:int", r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", "-+0123456789"),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:timestamp", r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", "0123456789"),
]


def _implicit_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's resolver table (first character -> candidate tags) for the rules above."""
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in _CORE:
        compiled = re.compile(pattern, re.X)
        for character in first:
            table.setdefault(character or None, []).append((tag, compiled))
    return table


IMPLICIT_RESOLVERS = _implicit_resolvers()
"""Set as `yaml_implicit_resolvers` on a PyYAML loader class to read plain scalars as YAML 1.2."""


class WrittenInt(int):
    """An int that keeps the text it was written as (`0x10`, `1_000`, `007`)."""

    written: str


class WrittenDecimal(Decimal):
    """A Decimal that keeps the text it was written as (`.5`, `1e3`)."""

    written: str


class WrittenFloat(float):
    """An infinity or a NaN (`.inf`, `-.Inf`, `.nan`), which has no Decimal in records."""

    written: str


def _remember(value: Any, text: str) -> Any:
    """`value` as is when Python prints it as `text`; else a copy that keeps `text`."""
    if str(value) == text:
        return value
    kind = WrittenInt if isinstance(value, int) else WrittenDecimal if isinstance(value, Decimal) else WrittenFloat
    written = kind(value)
    written.written = text
    return written


def as_written(value: Any) -> str:
    """The text a value was written as in its file, as far as the value knows it."""
    return getattr(value, "written", None) or str(value)


def construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """An int as YAML 1.2 reads it: leading zeros are decimal; 0x, 0o and 0b set the base."""
    text = loader.construct_scalar(node)
    digits = text.replace("_", "")
    sign = -1 if digits[0] == "-" else 1
    digits = digits.lstrip("+-")
    base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2], 10)
    if base != 10:
        digits = digits[2:]
    if not digits:
        raise ValueError("it has no digits")  # `0x_`, `+_`
    value = sign * int(digits, base)
    return _remember(value, text)  # type: ignore[no-any-return]


def construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    """A number with a point or an exponent, as a Decimal (money is never a float)."""
    text = loader.construct_scalar(node)
    digits = text.replace("_", "")
    special = digits.lower().lstrip("+-")
    if special in (".inf", ".nan"):
        return _remember(float(digits.replace(".", "", 1)), text)  # type: ignore[no-any-return]
    try:
        value: Decimal | float = Decimal(digits)
    except InvalidOperation:
        value = float(digits)  # an exponent beyond Decimal's range: infinity, as YAML reads it
    return _remember(value, text)  # type: ignore[no-any-return]
