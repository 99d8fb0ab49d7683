"""Markdown rendering: texts that give abbr and def_list nothing to do skip them, and render
exactly as with every extension."""

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


def _with_every_extension(text: str) -> str:
    return markdown.Markdown(extensions=markup._EXTENSIONS, output_format="html").convert(text)


def _with_common_extensions(text: str) -> str:
    return markdown.Markdown(extensions=markup._COMMON_EXTENSIONS, output_format="html").convert(text)


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_a_text_that_may_not_define_renders_alike_without_abbr_and_def_list(text: str) -> None:
    if not markup._MAY_DEFINE.search(text):
        assert _with_common_extensions(text) == _with_every_extension(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_the_renderer_gives_what_every_extension_gives(text: str) -> None:
    renderer = MarkdownRenderer()
    expected = markup.Markup(markup.sanitize_html(_with_every_extension(text)))
    assert renderer.render(text) == expected
    assert renderer.render(text) == expected  # the instances are reset between texts


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
        assert markup._MAY_DEFINE.search(text), text
        assert tag in renderer.render(text), text
        assert renderer.render(text) == markup.Markup(markup.sanitize_html(_with_every_extension(text))), text


def test_ordinary_prose_takes_the_shorter_road() -> None:
    # Colons inside a line, emphasis, links and lists are common; none of them can define.
    for text in ["We are investigating: the API fails.", "At 12:30 UTC **pushes** failed.\n\n- one: two\n- [docs](https://x.example/)"]:
        assert not markup._MAY_DEFINE.search(text)
