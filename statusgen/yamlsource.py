"""Reading record files: front matter split, safe YAML 1.2, and line numbers for any field.

Plain values mean what YAML 1.2 says (see yaml12.py): `02100` is 2100, `18:30` and `yes` are
text. Loading is the hot path (10,000 records), so YAML is parsed once with libyaml when it is
available and positions are looked up only for the few files that have a problem, by
composing that file's YAML again and walking its nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from .yaml12 import IMPLICIT_RESOLVERS, as_written, construct_float, construct_int
from .yamlerrors import ValueProblem, describe_yaml_error, points_at_opening

"""A record larger than this is refused: records are short texts, and the limit bounds the
memory a hostile or broken file can take."""
MAX_VALUES = 50_000
"""Most values one file may expand to, aliases included (a "billion laughs" file stops here)."""

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings in one file (records nest four or five levels)."""

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters that XML (feeds, sitemaps) cannot carry and no record needs."""


class RecordYamlError(Exception):
    """A file's YAML cannot be read; `line` is 1-based in the file, 0 if unknown."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _RecordLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML read as YAML 1.2, plus: numbers with a point are Decimal (money is never a
    float), and a key given twice in one mapping is an error rather than silently the last one."""

    yaml_implicit_resolvers = IMPLICIT_RESOLVERS


def _construct_checked(base: Any, what: str) -> Any:
    # PyYAML's own constructors raise bare ValueErrors (month 13, an int of 5,000 digits)
    # with no position; this turns them into errors at the value's line.
    def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return base(loader, node)
        except (ValueError, OverflowError) as error:
            reason = "it has too many digits" if "limit" in str(error) else str(error).split(";")[0].split(" (")[0]
            message = f"{_short(node.value)} is not a valid {what}: {reason}"
            raise ValueProblem(None, None, message, node.start_mark) from None

    return construct


def _construct_mapping_once(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            duplicate = key in seen
        except TypeError:
            raise ValueProblem(None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        if duplicate:
            written = key_node.value if isinstance(key_node, yaml.ScalarNode) else key
            raise ValueProblem(None, None, f"key {written!r} appears twice in this mapping", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


_RecordLoader.add_constructor("tag:yaml.org,2002:float", _construct_checked(construct_float, "number"))
_RecordLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping_once)
_RecordLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _construct_checked(yaml.SafeLoader.construct_yaml_timestamp, "date or time")
)
_RecordLoader.add_constructor("tag:yaml.org,2002:int", _construct_checked(construct_int, "number"))


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown record split in two: YAML text (starting at `first_line`) and the body."""

    yaml_text: str
    first_line: int
    """1-based line in the file where the YAML starts (2: just after the opening ---)."""
    body: str


def decode(raw: bytes) -> str:
    """Bytes -> text, refusing anything but UTF-8 (and control characters) with the line."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RecordYamlError("the file is UTF-16 text: save it as UTF-8", 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        byte = raw[error.start]
        raise RecordYamlError(
            f"byte 0x{byte:02x} is not UTF-8 (is the file Latin-1 or Windows-1252?): save it as UTF-8", line
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # Windows and old Mac line ends
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise RecordYamlError(f"control character U+{ord(control.group()):04X} is not allowed in a record", line)
    return text


def split_front_matter(text: str) -> FrontMatter:
    """Split '---\\nYAML\\n---\\nbody'; a record without both fences is an error."""
    if not text.strip():
        raise RecordYamlError("the file is empty: a record starts with front matter between '---' lines", 1)
    lines = text.split("\n")
    end = front_matter_end(lines)
    return FrontMatter("\n".join(lines[1:end]) + "\n", 2, "\n".join(lines[end + 1 :]).strip("\n"))


def front_matter_end(lines: list[str]) -> int:
    """The index of the line ('---' or '...') that closes the front matter opening `lines`.

    The one definition of a record's fences, for the loader and for the commands that edit
    records; raises RecordYamlError when there is no opening fence or nothing closes it."""
    if not lines or lines[0].rstrip() != "---":
        raise RecordYamlError("no front matter: the first line of a record must be '---'", 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index
    raise RecordYamlError("the front matter is not closed: add a line '---' after it", 1)


def load_yaml(yaml_text: str, first_line: int = 1) -> Any:
    """Parse YAML safely; errors carry the line in the file (offset by `first_line`).

    The document is composed first and its node graph checked (size, depth, control
    characters) before any value is constructed, so a hostile file fails fast in bounded
    memory."""
    loader = _RecordLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, first_line, anchors="&" in yaml_text)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark is not None and points_at_opening(error):
            mark = error.context_mark  # an unclosed quote or bracket: point at where it opened
        line = mark.line + first_line if mark is not None else first_line
        raise RecordYamlError(describe_yaml_error(error, yaml_text, mark), line) from None
    except yaml.reader.ReaderError as error:
        line = yaml_text.count("\n", 0, error.position) + first_line
        raise RecordYamlError(f"character U+{error.character:04X} is not allowed in YAML", line) from None
    except yaml.YAMLError as error:
        raise RecordYamlError(f"invalid YAML: {error}", first_line) from None
    except RecursionError:
        raise RecordYamlError(f"the YAML is nested too deeply (at most {MAX_DEPTH} levels)", first_line) from None
    finally:
        loader.dispose()


def plain_value(text: str) -> Any:
    """What a plain (unquoted, untagged) scalar written as `text` means, read as records are."""
    loader = _RecordLoader("")
    try:
        tag = loader.resolve(yaml.ScalarNode, text, (True, False))
        return loader.construct_object(yaml.ScalarNode(tag, text))
    finally:
        loader.dispose()


def compose(text: str) -> yaml.Node | None:
    """The node graph of a YAML document, plain scalars resolved as records read them (YAML
    1.2); tags written in the file (`!ENV`, `!!python/name:`) stay as written, unconstructed."""
    return yaml.compose(text, Loader=_RecordLoader)


def node_value(node: yaml.Node) -> Any:
    """The value of a node made by `compose`, constructed as a record's values are."""
    loader = _RecordLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node, first_line: int, anchors: bool) -> None:
    # Aliases let a tiny file stand for billions of values, or for a value that contains
    # itself; every later stage walks them. Walk the node graph as the constructor would,
    # counting what it expands to, and stop early. A value that contains itself nests
    # without end, so the depth limit stops it too.
    budget = MAX_VALUES
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise RecordYamlError(f"the YAML expands to more than {MAX_VALUES:,} values (aliases?): records are small", first_line)
        if depth > MAX_DEPTH:
            cycle = _cycle_in(root) if anchors else None
            if cycle is not None:
                raise RecordYamlError("an alias refers to the value that contains it: records cannot be recursive",
                                      cycle.start_mark.line + first_line)
            raise RecordYamlError(f"values are nested more than {MAX_DEPTH} levels deep", node.start_mark.line + first_line)
        if isinstance(node, yaml.ScalarNode):
            # decode() already refused control characters in the file; only a double-quoted
            # escape ("\0") can make one.
            if node.style == '"' and _CONTROL.search(node.value):
                control = _CONTROL.search(node.value).group()  # type: ignore[union-attr]
                raise RecordYamlError(f"control character U+{ord(control):04X} is not allowed in a record",
                                      node.start_mark.line + first_line)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        else:
            stack.extend((part, depth + 1) for pair in node.value for part in pair)


def _cycle_in(root: yaml.Node) -> yaml.Node | None:
    """A node found again inside itself (an alias within its own anchor), if any."""
    on_path: set[int] = set()
    done: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if id(node) in on_path:
            return node
        if id(node) in done or isinstance(node, yaml.ScalarNode):
            continue
        on_path.add(id(node))
        stack.append((node, True))
        children = node.value if isinstance(node, yaml.SequenceNode) else [part for pair in node.value for part in pair]
        stack.extend((child, False) for child in children)
    return None


def line_of(yaml_text: str, loc: tuple[object, ...], first_line: int = 1, key: bool = False) -> int:
    """The 1-based file line of the value at `loc` (or of its key, with key=True).

    Falls back to the deepest node found, then to the first line of the YAML."""
    path = _nodes_at(yaml_text, loc, key)
    return (path[-1].start_mark.line if path else 0) + first_line


def written_at(yaml_text: str, loc: tuple[object, ...], key: bool = False) -> str | None:
    """The text of the plain value at `loc` (or of its key) exactly as the file has it.

    Error messages quote this rather than the value YAML made of it (`0x10`, not 16)."""
    path = _nodes_at(yaml_text, loc, key)
    found = len(path) == len(loc) + 1
    return path[-1].value if found and isinstance(path[-1], yaml.ScalarNode) and not path[-1].style else None


def _nodes_at(yaml_text: str, loc: tuple[object, ...], key: bool) -> list[yaml.Node]:
    """The nodes from the root towards `loc`, as far as the file has them."""
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    return [] if node is None else nodes_towards(node, loc, key)


def nodes_towards(node: yaml.Node, loc: tuple[object, ...], key: bool = False) -> list[yaml.Node]:
    """The nodes from `node` towards the field at `loc` (its key's node with `key`), as far
    as the document has them: the last is where a message about that field points."""
    path = [node]
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and _is_key(k.value, part)), None)
            if found is None:
                break
            node = found[0] if (last and key) else found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            break
        path.append(node)
    return path


def _is_key(text: str, part: object) -> bool:
    """Whether a key written as `text` is the key `part` that the loader made of it."""
    if isinstance(part, bool):
        return text.lower() == str(part).lower()  # true, True and TRUE
    return text == as_written(part)
