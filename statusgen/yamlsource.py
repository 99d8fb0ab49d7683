"""Reading record files: front matter split, safe YAML, and line numbers for any field.

Loading is the hot path (10,000 records), so YAML is parsed once with libyaml when it is
available and positions are looked up only for the few files that have a problem, by
composing that file's YAML again and walking its nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000
"""A record larger than this is refused: records are short texts, and the limit bounds the
memory a hostile or broken file can take."""
MAX_VALUES = 50_000
"""Most values one file may expand to, aliases included (a "billion laughs" file stops here)."""

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RecordYamlError(Exception):
    """A file's YAML cannot be read; `line` is 1-based in the file, 0 if unknown."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _RecordLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML, plus: numbers with a point are Decimal (money is never a float), and a key
    given twice in one mapping is an error rather than silently the last one."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node).replace("_", "")
    if text.lower().lstrip("+-") in (".inf", ".nan"):
        return float(text.replace(".", "", 1)) if "inf" in text.lower() else float("nan")
    return Decimal(text)


def _construct_mapping_once(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in this mapping", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_RecordLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_RecordLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping_once)


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown record split in two: YAML text (starting at `first_line`) and the body."""

    yaml_text: str
    first_line: int
    """1-based line in the file where the YAML starts (2: just after the opening ---)."""
    body: str


def decode(raw: bytes) -> str:
    """Bytes -> text, refusing anything but UTF-8 with the line of the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise RecordYamlError("the file is not UTF-8 text: save it as UTF-8", line) from None
    return text.replace("\r\n", "\n")


def split_front_matter(text: str) -> FrontMatter:
    """Split '---\\nYAML\\n---\\nbody'; a record without both fences is an error."""
    if not text.strip():
        raise RecordYamlError("the file is empty: a record starts with front matter between '---' lines", 1)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise RecordYamlError("no front matter: the first line of a record must be '---'", 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return FrontMatter("\n".join(lines[1:index]) + "\n", 2, "\n".join(lines[index + 1 :]).strip("\n"))
    raise RecordYamlError("the front matter is not closed: add a line '---' after it", 1)


def load_yaml(yaml_text: str, first_line: int = 1) -> Any:
    """Parse YAML safely; errors carry the line in the file (offset by `first_line`)."""
    try:
        data = yaml.load(yaml_text, Loader=_RecordLoader)  # noqa: S506 - _RecordLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark is not None and "end of stream" in (error.problem or ""):
            mark = error.context_mark  # an unclosed quote or bracket: point at where it opened
        line = mark.line + first_line if mark is not None else 0
        raise RecordYamlError(_describe_yaml_error(error, yaml_text, mark), line) from None
    except yaml.YAMLError as error:
        raise RecordYamlError(f"invalid YAML: {error}", first_line) from None
    _check_size(data, first_line)
    return data


def _describe_yaml_error(error: yaml.MarkedYAMLError, yaml_text: str, mark: Any) -> str:
    problem = error.problem or "invalid YAML"
    if "could not determine a constructor" in problem:
        tag = problem.split("tag", 1)[-1].strip().replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag {tag} is not allowed: records hold plain values only"
    if "appears twice" in problem:
        return problem
    if mark is not None and "\t" in _indent_of(yaml_text, mark.line):
        return "a tab character cannot indent YAML: use spaces"
    context = f" ({error.context})" if error.context else ""
    return f"invalid YAML: {problem}{context}"


def _indent_of(text: str, line_index: int) -> str:
    lines = text.split("\n")
    if not 0 <= line_index < len(lines):
        return ""
    line = lines[line_index]
    return line[: len(line) - len(line.lstrip())]


def _check_size(data: Any, first_line: int) -> None:
    # Aliases let a tiny file stand for billions of values; every later stage walks them,
    # so count what the data expands to and stop early.
    budget = MAX_VALUES
    stack = [data]
    while stack:
        value = stack.pop()
        budget -= 1
        if budget < 0:
            raise RecordYamlError(
                f"the YAML expands to more than {MAX_VALUES} values (aliases?): records are small", first_line
            )
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def line_of(yaml_text: str, loc: tuple[object, ...], first_line: int = 1, key: bool = False) -> int:
    """The 1-based file line of the value at `loc` (or of its key, with key=True).

    Falls back to the deepest node found, then to the first line of the YAML."""
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return first_line
    best = node.start_mark.line if node is not None else 0
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if found is None:
                break
            node = found[0] if (last and key) else found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            break
        best = node.start_mark.line
    return best + first_line
