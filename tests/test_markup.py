"""Markdown rendering: texts that give abbr and def_list nothing to do skip them, texts that give
a family of Python-Markdown's patterns and processors nothing to act on skip that family, and
both render exactly as with every extension and every part."""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen import markup
from statusgen.markup import MarkdownRenderer

# Texts as lines: what may stand before a line's content (indentation, quote and list markers,
# raw HTML), then content that defines something or looks as if it might.
PREFIXES = ["", "", "  ", "    ", "\t", "> ", ">", "> > ", "- ", "* ", "+ ", "1. ", "2) ", "<div>x</div>", "<b>y</b> ", "#"]
CONTENTS = [
    "word", "Term", "API errors", "Note: see", "12:30 UTC", ": its definition", ":\tits definition", ":  two", ":x",
    "*[HTML]: Hyper Text", "The HTML page", "[link](https://example.com)", "*stress*", "`code`", "&amp;", "---",
    "| a | b |", "|---|---|", "```", "",
]
BREAKS = ["\n", "\n", "\n\n", "\r", "\r\n"]
lines = st.tuples(st.sampled_from(PREFIXES), st.sampled_from(CONTENTS), st.sampled_from(BREAKS)).map("".join)
texts = st.lists(lines, max_size=12).map("".join)


# Texts as runs of what Python-Markdown's patterns, processors and normalization act on: every
# part's characters, whole constructs they match, line starts that open blocks, and the
# whitespace that becomes a line break or an indentation.
PIECES = [
    *"ab :*_[]()!<>&;#`\\/.@|-+=~1\t\r\n\x02\x03", "  ", "  \n", " \t\n", "  \r\n", "\n\n", "    ", "\n    ",
    "https://x.example", "<https://x.example>", "<ops@x.example>", "![alt](i.png)", "[text](/a)", "[ref]", "[ref]: /r",
    "&amp;", "&#35;", "&#35", "&copy", "`code`", "``", "\\*", "\\[", "**bold**", "__b__", "*em*", "_em_", "<b>raw</b>", "<!-- c -->",
    "\n# Title", "\n===", "\n---", "\n***", "\n| a | b |\n|---|---|\n| 1 | 2 |", "\n> quoted", "\n- item", "\n+ item",
    "\na|b\n-|-\n", "\n* item", "\n1. item", "\n```\nfenced\n```\n", "\n~~~\ntilde\n~~~\n", "\n<div>block</div>\n",
]
pieced = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


def _with_every_extension(text: str) -> str:
    return markdown.Markdown(extensions=markup._EXTENSIONS, output_format="html").convert(text)


def _with_common_extensions(text: str) -> str:
    return markdown.Markdown(extensions=markup._COMMON_EXTENSIONS, output_format="html").convert(text)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(texts, pieced, st.text()))
def test_what_may_define_is_told_as_its_pattern_says(text: str) -> None:
    # _may_define is _MAY_DEFINE (or STX, ETX) told in cheaper parts.
    assert markup._may_define(text) == ("\x02" in text or "\x03" in text or markup._MAY_DEFINE.search(text) is not None)


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_a_text_that_may_not_define_renders_alike_without_abbr_and_def_list(text: str) -> None:
    if not markup._may_define(text):
        assert _with_common_extensions(text) == _with_every_extension(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_the_renderer_gives_what_every_extension_gives(text: str) -> None:
    renderer = MarkdownRenderer()
    expected = markup.Markup(markup.sanitize_html(_with_every_extension(text)))
    assert renderer.render(text) == expected
    assert renderer.render(text) == expected  # the instances are reset between texts


@settings(max_examples=2000, deadline=None)
@given(pieced)
def test_leaving_out_the_patterns_a_text_cannot_use_renders_it_alike(text: str) -> None:
    assert MarkdownRenderer().render(text) == markup.Markup(markup.sanitize_html(_with_every_extension(text)))


def test_what_python_markdown_normalizes_first_is_accounted_for() -> None:
    # A tab or a carriage return may end a line in two spaces (a line break); STX and ETX are
    # removed, which may join "!" to "[" (an image) or ":" to a space (a definition).
    renderer = MarkdownRenderer()
    cases = {"a\t\nb": "<br>", "a  \r\nb": "<br>", "!\x02[alt](i.png)": "<img", "!\x03[alt](i.png)": "<img",
             "a  \n:\x02 ": "<dl>", "term\n:\x03 definition": "<dl>"}
    for text, tag in cases.items():
        assert tag in renderer.render(text), text
        assert renderer.render(text) == markup.Markup(markup.sanitize_html(_with_every_extension(text))), text


def test_prose_is_rendered_without_the_patterns_it_cannot_use() -> None:
    renderer = MarkdownRenderer()
    renderer.render("We are investigating errors on the API.")
    renderer.render("Pushes fail: see [the docs](https://docs.example/) and `docker push`.")
    parts = [
        (sorted(item.name for item in instance.inlinePatterns._priority), sorted(item.name for item in instance.parser.blockprocessors._priority))
        for instance in renderer._instances.values()
    ]
    assert parts == [
        ([], ["empty", "olist", "paragraph"]),
        (["backtick", "link", "reference", "short_reference"], ["empty", "olist", "paragraph", "reference"]),
    ]


def test_a_renderer_keeps_a_bounded_number_of_instances() -> None:
    renderer = MarkdownRenderer()
    # Every combination of eight marks: 256 differently pruned texts.
    marks = ["`", "\\", "[", "<", "&", "*", "|", "#"]
    texts = ["word " + " ".join(mark for bit, mark in enumerate(marks) if combination & 1 << bit) for combination in range(256)]
    for text in texts:
        assert renderer.render(text) == markup.Markup(markup.sanitize_html(_with_every_extension(text))), text
    assert len(renderer._instances) == markup.MAX_INSTANCES + 1


def test_definitions_and_abbreviations_still_render_wherever_they_sit() -> None:
    renderer = MarkdownRenderer()
    cases = {
        "Term\n: its definition": "<dl>",
        "- item\n\n    Term\n    : nested in a list": "<dl>",
        "> Term\n> : in a quote": "<dl>",
        "Term\r: after a carriage return": "<dl>",
        "Term\n:\tafter a tab": "<dl>",
        "<div>raw</div>: after raw HTML": "<dl>",
        "The HTML page.\n\n*[HTML]: Hyper Text Markup Language": "<abbr",
    }
    for text, tag in cases.items():
        assert markup._may_define(text), text
        assert tag in renderer.render(text), text
        assert renderer.render(text) == markup.Markup(markup.sanitize_html(_with_every_extension(text))), text


def test_ordinary_prose_takes_the_shorter_road() -> None:
    # Colons inside a line, emphasis, links and lists are common; none of them can define.
    for text in ["We are investigating: the API fails.", "At 12:30 UTC **pushes** failed.\n\n- one: two\n- [docs](https://x.example/)"]:
        assert not markup._may_define(text)
