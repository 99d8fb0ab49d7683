"""Hostile records built into a whole site: no file published carries live script (issue 6).

Every string a record can hold gets the text payloads, every Markdown field the Markdown and
HTML payloads too; the site is built by the real command, then every file is parsed as what
it is (HTML with html5lib, XML with ElementTree, JSON with json, iCalendar) and searched.
"""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.markup import MarkdownRenderer

from live_script import html_problems, site_problems, xml_problems
from sites.hostile import write_hostile_site


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_hostile_site(tmp_path_factory.mktemp("hostile"))
    result = CliRunner().invoke(main, ["build", "-q", "-f", str(root / "mkdocs.yml"), "--now", "2021-10-04T18:00:00Z",
                                       "--site-dir", str(root / "site")])
    assert result.exit_code == 0, result.output
    return root / "site"


def test_no_published_file_carries_live_script(built_site: Path) -> None:
    assert site_problems(built_site) == []


def test_the_hostile_text_is_published_as_text(built_site: Path) -> None:
    # The payloads are shown, escaped, rather than silently dropped: a reader sees what the
    # record says, and the test above is not passing because nothing was published.
    page = (built_site / "incidents/api-errors/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page or "&lt;script&gt;alert('xss')&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page  # never evaluated as a template


def test_feeds_badges_and_calendar_parse_and_keep_the_text(built_site: Path) -> None:
    assert (built_site / "feed.xml").is_file() and (built_site / "atom.xml").is_file()
    assert b"&lt;script&gt;" in (built_site / "components/api/badge.svg").read_bytes()
    calendar = icalendar.Calendar.from_ical((built_site / "maintenance.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2  # a title cannot smuggle in another event
    assert all("<script>alert('xss')</script>" in str(event["SUMMARY"]) for event in events)
    assert not any(str(event["SUMMARY"]) == "injected" for event in events)


CAUGHT = {
    "script": "<p>x</p><script>alert(1)</script>",
    "handler": "<img src=a.png onerror=alert(1)>",
    "javascript url": "<a href=' JaVa\tScRiPt:alert(1)'>x</a>",
    "data url": "<img src='data:image/svg+xml,<svg onload=alert(1)>'>",
    "iframe": "<iframe src=https://a.example></iframe>",
    "object": "<object data=a></object>",
    "embed": "<embed src=a>",
    "form": "<form><button>x</button></form>",
    "style": "<p><style>p{}</style></p>",
    "meta refresh": "<meta http-equiv=Refresh content='0;url=https://a.example'>",
    "svg script": "<svg><script>alert(1)</script></svg>",
}


@pytest.mark.parametrize("case", sorted(CAUGHT))
def test_the_checker_finds_live_script(case: str) -> None:
    assert list(html_problems(CAUGHT[case], case, fragment=True))


def test_the_checker_finds_script_in_feeds_and_svg() -> None:
    rss = b"<rss><channel><item><description>&lt;img src=x onerror=alert(1)&gt;</description></item></channel></rss>"
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    assert list(xml_problems(rss, "feed.xml")) and list(xml_problems(svg, "badge.svg"))


def test_the_checker_finds_third_party_resources() -> None:
    assert list(html_problems("<img src='https://a.example/t.png'>", "x", fragment=True))
    assert list(html_problems("<img src='//a.example/t.png'>", "x", fragment=True))
    assert not list(html_problems("<img src='../diagram.png'>", "x", fragment=True))


def test_record_html_keeps_no_class_but_a_code_language() -> None:
    html = str(MarkdownRenderer().render('```python\nx = 1\n```\n\n<code class="status-major">x</code> <p class="ok">y</p>'))
    assert 'class="language-python"' in html and "status-major" not in html and 'class="ok"' not in html


@pytest.mark.parametrize("text", [
    "a\n: b\n" * 1000,  # a definition list Python-Markdown recurses into, entry by entry
    "\n".join("    " * depth + "- x" for depth in range(500)),  # lists nested 500 deep
    "[ " * 5000 + "\n\n<script>alert('xss')</script>",  # quadratic in Python-Markdown's link parser
])
def test_markdown_that_python_markdown_cannot_take_is_shown_as_text(text: str) -> None:
    renderer = MarkdownRenderer()
    html = str(renderer.render(text))
    assert html.startswith("<p>") and not list(html_problems(html, "render", fragment=True))
    assert str(renderer.render("**still** fine")) == "<p><strong>still</strong> fine</p>"
