"""Hostile records built into a whole site: no file published carries live script (issue 6).

Every string a record can hold gets the text payloads, every Markdown field the Markdown and
HTML payloads too; the site is built by the real command, then every file is parsed as what
it is (HTML with html5lib, XML with ElementTree, JSON with json, iCalendar) and searched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.markup import MarkdownRenderer

from broken_site import write_site
from live_script import html_problems, site_problems, xml_problems

TEXT = (
    "<script>alert('xss')</script> \"><img src=x onerror=alert('xss')> '><svg onload=alert('xss')> "
    "]]></title><script>alert('xss')</script> </textarea><iframe src=javascript:alert('xss')> "
    "javascript:alert('xss') {{ 7*7 }} {% raw %} &amp; &lt;b&gt; \u202e\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected\n"
)
"""For titles, names and every plain string."""
MARKDOWN = TEXT + """

[click](javascript:alert('xss')) [click2](JaVaScRiPt:alert('xss')) [click3](  java\tscript:alert('xss'))
![img](javascript:alert('xss')) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[vb](vbscript:msgbox("xss")) <javascript:alert('xss')> [ref][r] [t](https://ok.example/ "a\\" onmouseover=\\"alert('xss')")

[r]: javascript:alert('xss')

<a href="jav&#x09;ascript:alert('xss')">tab</a> <a href="&#106;avascript:alert('xss')">entity</a>
<img src=x onerror="alert('xss')"> <img src="https://evil.example/track.png"> <img src="//evil.example/t.png">
<svg><script>alert('xss')</script></svg> <svg onload="alert('xss')"></svg>
<iframe src="https://evil.example/xss"></iframe> <object data="https://evil.example/xss"></object>
<embed src="https://evil.example/xss">
<form action="https://evil.example/xss"><input name=q><button formaction="javascript:alert('xss')">go</button></form>
<style>body{background:url("javascript:alert('xss')")}</style>
<meta http-equiv="refresh" content="0;url=https://evil.example/xss">
<div style="background:url(javascript:alert('xss'))" onclick="alert('xss')">div</div>
<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')></style></mglyph></table></mtext></math>
<a href="https://ok.example/" onmouseover="alert('xss')">ok</a>
<details open ontoggle="alert('xss')"><summary>s</summary></details>
<base href="https://evil.example/"> <link rel="stylesheet" href="https://evil.example/xss.css">
<!--<script>alert('xss')</script>--> <![CDATA[<script>alert('xss')</script>]]>
<noscript><p title="</noscript><img src=x onerror=alert('xss')>"></noscript>

```html
<script>alert('xss')</script>
```
"""
"""For every Markdown field: the text payloads, then Markdown and raw HTML ones."""
LINK = "https://tracker.example/?q=\"><script>alert('xss')</script>&x='onmouseover='alert(1)"


def record(front_matter: dict[str, Any], body: str = MARKDOWN) -> str:
    return "---\n" + yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False) + "---\n" + body


def hostile_site(root: Path) -> Path:
    components = {
        "groups": [{"id": "hub", "name": TEXT, "description": TEXT}],
        "components": [{"id": "api", "name": TEXT, "group": "hub", "description": TEXT},
                       {"id": "web", "name": "Web " + TEXT}],
    }
    plans = {"currency": "USD", "plans": [
        {"id": "free", "name": TEXT, "price": 0, "period": "month", "description": TEXT, "features": [TEXT, MARKDOWN]},
        {"id": "team", "name": TEXT, "price": 9, "period": "month", "per": "user", "features": [TEXT]},
    ]}
    update = {"status": "investigating", "body": MARKDOWN}
    files = {
        "content/components.yml": yaml.safe_dump(components, allow_unicode=True),
        "content/plans.yml": yaml.safe_dump(plans, allow_unicode=True),
        "content/incidents/api-errors.md": record({
            "title": TEXT, "impact": "major", "components": {"api": "partial_outage"},
            "started": "2021-10-01T10:00:00Z", "resolved": "2021-10-01T12:00:00Z",
            "updates": [{"at": "2021-10-01T10:30:00Z", **update, "components": {"api": "major_outage"}},
                        {"at": "2021-10-01T12:00:00Z", "status": "resolved", "body": MARKDOWN}]}),
        "content/incidents/still-open.md": record({
            "title": TEXT, "impact": "critical", "components": ["api", "web"], "started": "2021-10-04T10:00:00Z",
            "updates": [{"at": "2021-10-04T10:30:00Z", **update}]}),
        "content/maintenance/db-upgrade.md": record({
            "title": TEXT, "components": ["api"], "scheduled_start": "2021-10-04T17:00:00Z",
            "scheduled_end": "2021-10-04T19:00:00Z", "updates": [{"at": "2021-10-04T17:00:00Z",
                                                                  "status": "in_progress", "body": MARKDOWN}]}),
        "content/maintenance/later.md": record({
            "title": TEXT, "components": ["web"], "scheduled_start": "2021-10-10T02:00:00Z",
            "scheduled_end": "2021-10-10T04:00:00Z"}),
        "content/postmortems/api-errors-review.md": record({
            "title": TEXT, "incident": "api-errors", "published": "2021-10-05", "authors": [TEXT],
            "summary": MARKDOWN, "impact": MARKDOWN, "trigger": MARKDOWN, "root_cause": MARKDOWN,
            "detection": MARKDOWN, "resolution": MARKDOWN, "third_parties": [TEXT],
            "timeline": [{"at": "2021-10-01T10:00:00Z", "event": MARKDOWN}],
            "action_items": [{"title": TEXT, "type": "prevent", "status": "planned", "owner": TEXT, "link": LINK}],
            "lessons": {"went_well": [MARKDOWN], "went_wrong": [MARKDOWN], "got_lucky": [MARKDOWN]}}),
        "content/announcements/team-price.md": record({
            "title": TEXT, "kind": "pricing", "published": "2021-09-20", "effective": "2021-11-01",
            "plans": ["team"], "pricing": [{"plan": "team", "from": 7, "to": 9, "existing_customers": "next_renewal"}]}),
        "content/announcements/retention.md": record({
            "title": TEXT, "kind": "retention", "published": "2021-09-21", "plans": ["free"],
            "retention": {"subject": TEXT, "inactive_after": "P6M", "action": "delete"}}),
    }
    write_site(root, files)
    site_name = yaml.safe_dump({"site_name": TEXT, "site_description": TEXT}, allow_unicode=True)
    (root / "mkdocs.yml").write_text(site_name + "site_url: https://status.example.com/\ndocs_dir: content\n"
                                     "theme:\n  name: statusgen\nplugins:\n  - statusgen\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = hostile_site(tmp_path_factory.mktemp("hostile"))
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
