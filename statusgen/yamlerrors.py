"""YAML's syntax errors in words a record's author can act on.

libyaml's messages name parser states ("while parsing a block mapping"); these say what to
change on the line they point at. Chosen by the problem libyaml reports, with its wording
kept as a fallback so that nothing is ever hidden.
"""

from __future__ import annotations

from typing import Any

import yaml


class ValueProblem(yaml.constructor.ConstructorError):
    """A value YAML can parse but not construct; its problem is already a user's message."""


def points_at_opening(error: yaml.MarkedYAMLError) -> bool:
    """True for an unclosed quote or bracket, best shown where it was opened."""
    context = error.context or ""
    return "quoted scalar" in context or context.startswith("while parsing a flow") or "end of stream" in (error.problem or "")


def describe_yaml_error(error: yaml.MarkedYAMLError, yaml_text: str, mark: Any) -> str:
    """A YAML syntax error in words a record's author can act on."""
    problem = error.problem or "invalid YAML"
    context = error.context or ""
    if isinstance(error, ValueProblem):
        return problem
    if "could not determine a constructor" in problem:
        tag = problem.split("tag", 1)[-1].strip().replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag {tag} is not allowed: records hold plain values only"
    if mark is not None and "\t" in _indent_of(yaml_text, mark.line):
        return "a tab character cannot indent YAML: use spaces"
    if "quoted scalar" in context:
        return "this quoted text is never closed: end it with the same quote mark"
    if context.startswith("while parsing a flow"):
        opening = "[" if "sequence" in context else "{"
        closing = "]" if opening == "[" else "}"
        return f"the '{opening}' opened on this line is not closed properly: separate items with ',' and end with '{closing}'"
    if "mapping values are not allowed" in problem:
        return "invalid YAML: unexpected 'key: value' here: check this line's indentation, or quote a value that contains ': '"
    if "could not find expected ':'" in problem:
        return "invalid YAML: expected 'key: value' on this line (a colon followed by a space)"
    if "found another document" in problem:
        return "a second YAML document starts here: a file holds one ('---' ends a record's front matter)"
    if "found character '\\t'" in problem or "found character '\t'" in problem:
        return "a tab character cannot indent YAML: use spaces"
    if "expected '-' indicator" in problem:
        return "invalid YAML: this line is not lined up with the list items above it: check its indentation"
    if "did not find expected key" in problem:
        return ("invalid YAML: expected a 'key: value' line: check the indentation, and end a quoted "
                "value with its quote (or quote the whole value)")
    if "undefined alias" in problem or "scanning an alias" in context:
        return "invalid YAML: '*' starts an alias to an anchor that is not defined: put text that starts with * in quotes"
    if "cannot start any token" in problem and mark is not None:
        character = _character_at(yaml_text, mark)
        return f"invalid YAML: a value cannot start with {character!r}: put the value in quotes"
    if "recursive" in problem:
        return "an alias refers to the value that contains it: records cannot be recursive"
    return f"invalid YAML: {problem}" + (f" ({context})" if context else "")


def _character_at(text: str, mark: Any) -> str:
    lines = text.split("\n")
    line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
    return line[mark.column] if 0 <= mark.column < len(line) else "?"


def _indent_of(text: str, line_index: int) -> str:
    lines = text.split("\n")
    if not 0 <= line_index < len(lines):
        return ""
    line = lines[line_index]
    return line[: len(line) - len(line.lstrip())]
