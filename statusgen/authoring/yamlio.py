"""Round-trip YAML for files people edit by hand: comments, key order and layout survive.

ruamel.yaml keeps what it read (comments, quoting, folded text); what we add is written in
the style of the example records: plain RFC 3339 timestamps, plain dates, block text for
multi-line Markdown. Text is quoted whenever a YAML reader would take it for something else:
ruamel.yaml quotes what YAML 1.2, which the loader speaks, would misread (`0o7`, `1e3`), and
`text` adds what YAML 1.1 tools would (`yes`, `on`, `1:20`), so that a file statusgen writes
means the same in an editor or an older tool.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from itertools import pairwise
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString

from ..yamlsource import RecordYamlError, front_matter_end

__all__ = ["CommentedMap", "CommentedSeq", "RecordText", "dump_yaml", "load_yaml_rt", "new_record_text", "stamp", "text"]


class Stamp(str):
    """A timestamp already formatted as RFC 3339 in UTC, written as a plain YAML timestamp."""


def _represent_stamp(representer: RoundTripRepresenter, value: Stamp) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", str(value))


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    # Money is a decimal; the loader reads numbers with a point back as Decimal, never float.
    return representer.represent_scalar("tag:yaml.org,2002:" + ("int" if value == value.to_integral_value() and "." not in str(value) else "float"), str(value))


def stamp(moment: datetime) -> Stamp:
    """An aware datetime -> `2020-07-05T19:00:00Z` (UTC, whole seconds unless it has more)."""
    moment = moment.astimezone(timezone.utc)
    spec = "%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return Stamp(moment.strftime(spec))


def text(value: str) -> Any:
    """Text as YAML will keep it: a literal block when it has several lines, quoted when a
    plain scalar would be read as a number, a boolean or a date."""
    value = value.replace("\r\n", "\n")
    if "\n" in value.strip("\n") and not re.search(r"[ \t]\n|^\s|\s$", value):
        return LiteralScalarString(value)
    if "\n" in value:
        return value  # leading or trailing blanks: ruamel falls back to a quoted scalar
    try:
        plain = yaml.safe_load(value)
    except yaml.YAMLError:
        return value  # ruamel quotes what it could not read back itself
    return value if plain == value else SingleQuotedScalarString(value)


def _yaml(mapping_indent: int = 2, sequence_indent: int = 4, offset: int = 2) -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a line someone wrote
    rt.indent(mapping=mapping_indent, sequence=sequence_indent, offset=offset)
    rt.representer.add_representer(Stamp, _represent_stamp)
    rt.representer.add_representer(Decimal, _represent_decimal)
    return rt


def _guess_indents(yaml_text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation the file already uses; the defaults otherwise.

    ruamel.yaml applies one indentation to the whole document, so it is read from the
    first nested mapping (or block of text) and the first nested list of the file."""
    mapping: int | None = None
    offset: int | None = None
    lines = [line for line in yaml_text.split("\n") if line.strip() and not line.lstrip().startswith("#")]
    for previous, line in pairwise(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        key_indent = len(previous) - len(previous.lstrip(" -"))
        opens_block = re.search(r":\s*(#.*)?$", previous)
        opens_text = re.search(r":\s*[>|][-+0-9]*\s*(#.*)?$", previous)
        if stripped.startswith("- ") and opens_block and offset is None:
            offset = max(indent - key_indent, 0)
        elif (opens_block or opens_text) and not stripped.startswith("- ") and mapping is None and indent > key_indent:
            mapping = indent - key_indent
    mapping = mapping or 2
    offset = 2 if offset is None else offset
    return mapping, offset + 2, offset


def load_yaml_rt(yaml_text: str) -> Any:
    """Parse YAML keeping comments, order and style, for `dump_yaml` to write back."""
    return _yaml().load(yaml_text)


def dump_yaml(data: Any, like: str = "") -> str:
    """YAML text of `data`, indented as `like` (the file's previous text) was."""
    stream = io.StringIO()
    _yaml(*_guess_indents(like)).dump(data, stream)
    return _restore_spacing(like, stream.getvalue()) if like else stream.getvalue()


def _restore_spacing(original: str, written: str) -> str:
    """`written` with each line that differs from `original` only in spacing put back as it was.

    ruamel.yaml normalises the blanks between tokens (`key:   value` becomes `key: value`);
    lines we did not change must stay byte for byte as their author left them."""
    old, new = original.splitlines(keepends=True), written.splitlines(keepends=True)
    result: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1 and all(a.split() == b.split() for a, b in zip(old[i1:i2], new[j1:j2], strict=True)):
            result.extend(old[i1:i2])
        else:
            result.extend(new[j1:j2])
    return "".join(result)


@dataclass(frozen=True)
class RecordText:
    """A Markdown record cut in three, so that the YAML can change and the rest cannot."""

    yaml_text: str
    rest: str
    """The closing fence and everything after it, exactly as read."""
    newline: str = "\n"

    @classmethod
    def parse(cls, content: str) -> RecordText:
        """Split a record's text; raises ValueError when it has no front matter."""
        newline = "\r\n" if "\r\n" in content else "\n"
        lines = content.replace("\r\n", "\n").split("\n")
        try:
            end = front_matter_end(lines)
        except RecordYamlError as error:
            raise ValueError(error.message) from None
        return cls("\n".join(lines[1:end]) + "\n", "\n".join(lines[end:]), newline)

    def with_yaml(self, yaml_text: str) -> str:
        """The whole record again, with new YAML between the fences."""
        return ("---\n" + yaml_text + self.rest).replace("\n", self.newline)


def new_record_text(front_matter: dict[str, Any], body: str = "", comment: str | None = None) -> str:
    """The text of a new Markdown record: front matter in the house style, then the body."""
    data = CommentedMap(front_matter)
    if comment:
        data.yaml_set_start_comment(comment)
    yaml_text = dump_yaml(data)
    body = body.strip("\n")
    return "---\n" + yaml_text + "---\n" + (body + "\n" if body else "")
