"""Markdown from records, rendered and sanitized: the only way record text becomes HTML.

Records are hostile until sanitized. Python-Markdown passes raw HTML through, so every
rendering goes through nh3 with an explicit allowlist: no script, event handler, style,
form, frame or dangerous URL scheme survives, wherever the HTML is published.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "q", "s", "samp", "small", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
    "code": {"class"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

MAX_BRACKETS = 2_000
"""Python-Markdown's link parser takes time quadratic in unclosed '[': a text with more than
this many is shown as written (no legitimate text comes near it; 2,000 take about a second)."""

_DEEP_INDENT = re.compile(r"^[ \t]{200}", re.MULTILINE)
"""Lists nested 50 deep: Python-Markdown would spend seconds recursing before it gives up."""

_COMMON_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
_EXTENSIONS = [*_COMMON_EXTENSIONS, "abbr", "def_list"]

_MAY_DEFINE = re.compile(r"<|\*\[|(?:\A|[\r\n])[ \t>*+\-0-9.)]*:[ \t]")
"""Text that abbr or def_list may act on; any other renders alike without them, in about 7%
less time (both test every block of every text). An abbreviation is defined on a line that
starts with `*[`. A definition is a line starting with `:` and a space once the blocks it sits
in are taken apart: behind indentation, quote markers or list markers, all of which the
pattern lets precede it; or behind raw HTML, which Python-Markdown ends with a block break:
so any `<` counts too. Tabs and carriage returns are what Python-Markdown makes them: spaces
and line ends; STX and ETX it removes (":\x02 " becomes ": "), so a text holding either may
define (_may_define). (tests/test_markup.py renders random texts both ways.)"""


_DEFINITION_FIRST = re.compile(r"[ \t>*+\-0-9.)]*:[ \t]")
_DEFINITION_AFTER_BREAK = re.compile(r"[\r\n][ \t>*+\-0-9.)]*:[ \t]")
"""_MAY_DEFINE's definition line, at the text's start and after a line break: a pattern that
opens with a set of characters is searched for by skipping to them, where one that opens with
an alternative is tried at every character (14 us a text of 600 characters, 1.5 us so)."""


def _may_define(text: str) -> bool:
    """Whether abbr or def_list may act on `text`: _MAY_DEFINE, told in parts, each cheaply
    (tests/test_markup.py checks that they agree); or STX or ETX, which Python-Markdown
    removes before it looks."""
    return ("<" in text or "*[" in text or "\x02" in text or "\x03" in text
            or (":" in text and (_DEFINITION_FIRST.match(text) is not None or _DEFINITION_AFTER_BREAK.search(text) is not None)))


_PARTS_UNUSED_UNLESS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("inline:backtick",), ("`",)),
    (("inline:escape", "tree:unescape"), ("\\",)),
    (("inline:reference", "inline:link", "inline:short_reference", "block:reference"), ("[",)),
    (("inline:image_link", "inline:image_reference", "inline:short_image_ref"), ("![",)),
    (("inline:autolink", "inline:automail", "inline:html"), ("<",)),
    (("inline:entity",), ("&",)),
    (("pre:html_block",), ("<", "&")),
    (("pre:fenced_code_block",), ("```", "~~~")),
    (("inline:linebreak",), ("  \n", "  \r", "\t")),
    (("inline:em_strong",), ("*", "_")),
    (("block:table",), ("|",)),
    (("block:hashheader",), ("#",)),
    (("block:setextheader",), ("=", "-")),
    (("block:hr",), ("-", "_", "*")),
    (("block:ulist",), ("*", "+", "-")),
    (("block:quote",), (">",)),
    (("block:code", "block:indent"), ("    ", "\t")),
)
"""Parts of Python-Markdown (registry:name), by family, and what a text must hold for any of
them to act: one of the strings beside them. Python-Markdown runs a regex search of every
inline pattern over every run of text, tests every block with every block processor and parses
every text for raw HTML, and most texts hold few of these characters: an instance without the
families that cannot act renders the same HTML in about half the time. The strings are what
Python-Markdown sees once it has normalized the text: carriage returns become line ends
("  \r"), tabs become spaces (so a tab may end a line in two spaces or indent it by four), and
STX and ETX are removed, which may join "!" to "[": a text holding either keeps every part.
Nothing a part makes gives another something to act on: what they make is elements,
placeholders (STX, letters, digits, ETX) and text taken from the text (tests/test_markup.py
renders random texts both ways). The html_block preprocessor runs Python's HTML parser, which
rewrites a character reference ("&#35" becomes "&#35;"): it needs an "&" as well as a "<"."""

_REGISTRIES = {
    "inline": lambda instance: instance.inlinePatterns,
    "block": lambda instance: instance.parser.blockprocessors,
    "pre": lambda instance: instance.preprocessors,
    "tree": lambda instance: instance.treeprocessors,
}

MAX_INSTANCES = 64
"""How many differently pruned instances a renderer keeps: a few dozen serve real texts, and a
text that would need one more is rendered by the instance that keeps every part."""


_FAMILIES_OF_MARK = tuple(
    (mark, sum(1 << index for index, (_, marks) in enumerate(_PARTS_UNUSED_UNLESS) if mark in marks))
    for mark in dict.fromkeys(mark for _, marks in _PARTS_UNUSED_UNLESS for mark in marks)
)
"""Each mark of _PARTS_UNUSED_UNLESS once, with the families it lets act (as bits): a text is
searched once per mark, not once per family."""
_EVERY_FAMILY = (1 << len(_PARTS_UNUSED_UNLESS)) - 1


def _unused_families(text: str) -> int:
    """The families of parts that cannot act on text (see _PARTS_UNUSED_UNLESS), as bits of
    their index there: 0 keeps every part."""
    if "\x02" in text or "\x03" in text:
        return 0
    used = 0
    for mark, families in _FAMILIES_OF_MARK:
        if mark in text:
            used |= families
    return _EVERY_FAMILY & ~used


def _markdown(every_extension: bool, unused_families: int) -> markdown.Markdown:
    instance = markdown.Markdown(extensions=_EXTENSIONS if every_extension else _COMMON_EXTENSIONS, output_format="html")
    for index, (parts, _) in enumerate(_PARTS_UNUSED_UNLESS):
        if unused_families & 1 << index:
            for part in parts:
                registry, name = part.split(":")
                _REGISTRIES[registry](instance).deregister(name, strict=False)
    return instance


class MarkdownRenderer:
    """Reused Python-Markdown instances (building one per text costs more than rendering),
    each without what the texts it renders give nothing to do: the abbr and def_list
    extensions (_MAY_DEFINE) and the parts that cannot act (_PARTS_UNUSED_UNLESS). Instances
    are made as texts need them, up to MAX_INSTANCES."""

    def __init__(self) -> None:
        self._instances: dict[tuple[bool, int], markdown.Markdown] = {}

    def render(self, text: str) -> Markup:
        """Markdown -> sanitized HTML, safe to place in a page, a feed or JSON."""
        if text.count("[") > MAX_BRACKETS or _DEEP_INDENT.search(text):
            return plain_paragraphs(text)
        key = (_may_define(text), _unused_families(text))
        if key not in self._instances and len(self._instances) >= MAX_INSTANCES:
            key = (True, 0)
        instance = self._instances.get(key)
        if instance is None:
            instance = self._instances[key] = _markdown(*key)
        try:
            html = instance.reset().convert(text)
        except RecursionError:
            # Python-Markdown recurses once per nesting level (and per definition-list
            # entry): a hostile text must not crash the build, so it is shown as written.
            # An instance left mid-conversion is not reused.
            del self._instances[key]
            return plain_paragraphs(text)
        return Markup(sanitize_html(html))

    def render_inline(self, text: str) -> Markup:
        """Markdown for a single line (a timeline event, a list item): no wrapping <p>."""
        html = str(self.render(text))
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)


def plain_paragraphs(text: str) -> Markup:
    """Text shown as written, escaped, one <p> per paragraph: for texts Markdown cannot take."""
    paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(part) for part in paragraphs)


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes; links get rel=noopener."""
    cleaner = _cleaner()
    return cleaner.clean(html) if cleaner is not None else nh3.clean(html, **_sanitizer_options())


def _sanitizer_options() -> dict[str, Any]:
    return {
        "tags": set(ALLOWED_TAGS),
        "attributes": {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        "url_schemes": set(ALLOWED_URL_SCHEMES),
        "link_rel": "noopener noreferrer nofollow",
        "strip_comments": True,
        "attribute_filter": _keep_attribute,
    }


@functools.cache
def _cleaner() -> Any:
    # One Cleaner per process (nh3 >= 0.2.18) skips converting the allowlists on each of the
    # tens of thousands of calls of a long history: a third of sanitizing's cost.
    return nh3.Cleaner(**_sanitizer_options()) if hasattr(nh3, "Cleaner") else None


_CODE_CLASS = re.compile(r"^language-[A-Za-z0-9_+-]{1,40}$")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # The page must load nothing from a third party, so an image may only come from the site
    # itself: a relative src is kept, an absolute or protocol-relative one is dropped.
    if tag == "img" and attribute == "src":
        lowered = value.strip().lower()
        if lowered.startswith("//") or ":" in lowered.split("/", 1)[0]:
            return None
    # Only fenced code's language class: any other class would let a record dress its text
    # in the theme's own styles (a fake "operational" badge, say).
    if attribute == "class" and not _CODE_CLASS.match(value):
        return None
    return value
