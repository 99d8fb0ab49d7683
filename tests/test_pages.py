"""The HTML pages, read as a reader and a browser read them: parsed with an HTML5 parser,
links followed, statuses found as text, hostile record text neutralised."""

from __future__ import annotations

import gzip
import os
import posixpath
import re
import subprocess
import sys

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from statusgen import urls

from sites.files import write_config
from sites.pages import HOSTILE_TITLE, render, site_records
from sites.records import incident

# Files of the status section made by the other render stages, which pages may link to.
OTHER_STAGES = {urls.RSS_FEED, urls.ATOM_FEED, urls.JSON_FEED, urls.CALENDAR, urls.BADGE,
                urls.UPTIME_MONTHLY_API, urls.UPTIME_MONTHLY_CSV, urls.SLA_API}
OTHER_STAGE_PATTERN = re.compile(r"^components/[a-z0-9-]+/(feed\.xml|badge\.svg)$")


def parse(output):
    """Parse strictly: any HTML5 parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(output.content, transport_encoding="utf-8")


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def html_pages(outputs):
    return {path: output for path, output in outputs.items() if path.endswith(".html")}


@pytest.fixture(scope="module")
def outputs():
    return render()


@pytest.fixture(scope="module")
def trees(outputs):
    return {path: parse(output) for path, output in html_pages(outputs).items()}


def stylesheet_path(outputs):
    """The one stylesheet, under its fingerprinted name."""
    (path,) = [path for path in outputs if re.fullmatch(r"assets/statusgen\.[0-9a-f]{12}\.css", path)]
    return path


def test_every_page_kind_is_rendered(outputs):
    expected = {
        "index.html", "incidents/index.html", "incidents/2021-09-30-cdn/index.html",
        "postmortems/index.html", "postmortems/cdn-postmortem/index.html",
        "maintenance/db-upgrade/index.html", "announcements/index.html",
        "announcements/retention/index.html", "pricing/index.html",
        "components/registry-cdn/index.html", "404.html",
    }
    assert expected <= set(outputs)
    assert [path for path in outputs if path.startswith("assets/")] == [stylesheet_path(outputs)]
    assert outputs["index.html"].in_sitemap and not outputs["404.html"].in_sitemap
    assert outputs["incidents/2021-09-30-cdn/index.html"].title == "CDN drops pulls"


def test_every_page_has_the_head_and_landmarks_a_reader_needs(trees):
    for path, tree in trees.items():
        assert tree.get("lang") == "en", path
        head = tree.find("head")
        assert head.find("meta[@charset='utf-8']") is not None, path
        assert head.find("meta[@name='viewport']") is not None, path
        assert text_of(head.find("title")), path
        assert head.find("meta[@name='description']").get("content"), path
        og_url = head.find("meta[@property='og:url']").get("content")
        assert og_url.startswith("https://status.example.com/status/"), path
        alternates = {link.get("type"): link.get("href") for link in head.iter("link") if link.get("rel") == "alternate"}
        assert set(alternates) == {"application/rss+xml", "application/atom+xml", "application/feed+json"}, path
        assert head.find("link[@rel='icon']").get("href").startswith("data:image/svg+xml,"), path
        assert len(list(tree.iter("h1"))) == 1, path
        for landmark in ("header", "nav", "main", "footer"):
            assert tree.find(f".//{landmark}") is not None, (path, landmark)
        skip = tree.find(".//a[@class='sg-skip']").get("href")
        assert tree.find(f".//*[@id='{skip[1:]}']").tag == "main", path
        assert not list(tree.iter("script")), path


def test_every_timestamp_is_a_time_element_with_a_machine_readable_value(trees):
    # A day, a UTC moment, a duration, or a month (HTML's month string, as the uptime pages use).
    stamp = re.compile(r"^\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}Z)?)?$|^PT\d+H\d+M\d+S$")
    for path, tree in trees.items():
        for element in tree.iter("time"):
            assert stamp.match(element.get("datetime", "")), (path, element.get("datetime"))
        # No bare "UTC" time outside a <time>: every shown time carries its datetime.
        body_text = "".join(tree.find("body").itertext())
        tagged = "".join(text_of(element) for element in tree.iter("time"))
        shown_time = re.compile(r"\d{2}:\d{2} UTC")
        assert len(shown_time.findall(body_text)) == len(shown_time.findall(tagged)), path


def resolve(page_path: str, href: str) -> tuple[str, str]:
    """The produced file a relative link points to, and its fragment."""
    target, _, fragment = href.partition("#")
    if not target:
        return page_path, fragment
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), target))
    assert not joined.startswith(".."), (page_path, href)
    if target.endswith("/") or target in (".", "./"):
        return urls.page_file("" if joined == "." else joined + "/"), fragment
    return joined, fragment


def test_relative_links_and_fragments_resolve_to_produced_files(outputs, trees):
    for path, tree in trees.items():
        if path == "404.html":
            continue
        for element in list(tree.iter("a")) + list(tree.iter("link")):
            href = element.get("href")
            if href is None:  # a link whose unsafe URL the sanitizer removed
                continue
            if href.startswith(("data:", "https:", "http:", "mailto:")):
                continue
            assert not href.startswith("/"), (path, href)
            resolved, fragment = resolve(path, href)
            if resolved in OTHER_STAGES or OTHER_STAGE_PATTERN.match(resolved):
                continue
            assert resolved in outputs, (path, href, resolved)
            if fragment:
                assert trees[resolved].find(f".//*[@id='{fragment}']") is not None, (path, href)


def test_front_page_shows_overall_status_components_and_what_is_open(trees):
    tree = trees["index.html"]
    assert text_of(tree.find(".//h1")) == "Minor Service Outage"
    rows = {text_of(row.find("a")): text_of(row.find("span")) for row in tree.iterfind(".//div[@class='sg-row']")}
    assert rows["Automated builds"] == "Degraded performance"
    assert rows["Registry <CDN>"] == "Operational"
    assert rows["Registry (us-east-1)"] == "Under maintenance"
    group = tree.find(".//h3[@class='sg-row']")
    assert text_of(group) == "Registry Under maintenance"
    sections = {text_of(h2) for h2 in tree.iter("h2")}
    assert {"Open incidents", "Maintenance in progress", "Scheduled maintenance", "Announcements"} <= sections
    body = text_of(tree.find("body"))
    assert "Investigating." in body  # the open incident's latest update
    assert "New terms" in body


def test_uptime_bars_carry_date_and_figure_as_text(trees):
    tree = trees["components/registry-us/index.html"]
    bars = tree.find(".//ol[@class='sg-bars']")
    days = list(bars)
    assert len(days) == 30
    for day in days:
        shown = text_of(day)
        assert shown == day.get("title")
        assert re.match(r"^\d{1,2} [A-Z][a-z]{2} 2021: (\d+(\.\d+)?%|no data)$", shown)
    # The component counts from 20 Sep 2021: earlier days have no figure.
    assert text_of(days[0]).endswith("no data") and days[0].get("class") == "sg-u-none"
    assert text_of(days[-1]).endswith("%")


def test_incident_page_has_anchored_updates_figures_and_postmortem_link(trees):
    tree = trees["incidents/2021-09-30-cdn/index.html"]
    items = tree.find(".//ol[@class='sg-timeline']")
    assert [item.get("id") for item in items] == ["update-3", "update-2", "update-1"]
    assert all(item.find(".//time") is not None for item in items)
    facts = {text_of(div.find("dt")): text_of(div.find("dd")) for div in tree.iterfind(".//dl/div")}
    assert facts["Time to resolve"] == "11 h 30 min"
    assert facts["First update after"] == "6 h 45 min"
    links = {a.get("href") for a in tree.iter("a")}
    assert "../../postmortems/cdn-postmortem/" in links
    assert "Partial outage" in text_of(tree.find(".//section[@aria-labelledby='affected']"))


def test_hostile_record_text_never_becomes_markup(outputs, trees):
    for path, output in html_pages(outputs).items():
        page = output.content.decode()
        assert "<script" not in page and "onerror" not in page and "onclick" not in page, path
        assert "javascript:" not in page, path
    tree = trees["incidents/2021-10-04-hostile/index.html"]
    assert text_of(tree.find(".//h1")) == HOSTILE_TITLE  # shown as text, escaped
    assert "Hub <Status>" in text_of(tree.find(".//title"))


def test_history_is_newest_first_grouped_by_month_and_paginated_from_the_oldest():
    outputs = render(history_page_size=2)
    # Five incidents, two a page, cut from the oldest: page 1 holds the two oldest, the front
    # of the history the three newest.
    pages = [outputs[urls.page_file(urls.incident_history_page(n))] for n in (0, 1)]
    assert urls.incident_history_page(0) == "incidents/" and urls.page_file(urls.incident_history_page(2)) not in outputs
    titles, months = [], []
    for page in pages:
        tree = parse(page)
        titles += [text_of(h3) for h3 in tree.iter("h3")]
        months += [text_of(h2) for h2 in tree.iter("h2")]
    assert titles == [HOSTILE_TITLE, "CDN drops pulls", "Old incident 7", "Old incident 6", "Old incident 5"]
    assert months == ["October 2021", "September 2021", "July 2021", "June 2021", "May 2021"]
    front, first = (parse(page) for page in pages)
    assert {a.get("rel"): a.get("href") for a in front.iterfind(".//nav[@class='sg-pager']/a")} == {"next": "page/1/"}
    assert {a.get("rel"): a.get("href") for a in first.iterfind(".//nav[@class='sg-pager']/a")} == {"prev": "../../"}
    assert text_of(first.find(".//h1")) == "Incident history, page 1"


def test_front_page_costs_its_own_content_not_the_history():
    many = [
        incident(f"2019-01-{day:02d}-old", title=f"Old {day}", impact="minor",
                 components=["builds"], started=f"2019-01-{day:02d}T10:00:00Z",
                 resolved=f"2019-01-{day:02d}T11:00:00Z",
                 updates=[{"at": f"2019-01-{day:02d}T11:00:00Z", "status": "resolved", "body": "x"}])
        for day in range(1, 29)
    ]
    few = render()
    more = render(site_records(extra=many))
    assert few["index.html"].content == more["index.html"].content
    # One page each; 33 incidents are one to two pages' worth: all on the history's front page.
    assert len(more) == len(few) + len(many)


def test_pricing_page_compares_plans_with_their_notices(trees):
    tree = trees["pricing/index.html"]
    header = [text_of(th) for th in tree.iterfind(".//thead/tr/th")]
    assert header == ["Free", "Pro", "Team"]
    cells = list(tree.find(".//tbody/tr").iterfind("td"))
    prices = [text_of(td).split("From ")[0] for td in cells]
    assert prices == ["$0 per month", "$5 per month", "$7 per month, per user"]
    # The price in force first, then each announced change with the day it takes effect.
    upcoming = [text_of(paragraph) for paragraph in cells[2].iterfind("p")]
    assert upcoming == ["From 1 Nov 2021: $9 (existing customers: from their next renewal; notice)"]
    assert not list(cells[0].iterfind("p"))
    team = text_of(tree.find(".//section[@aria-labelledby='notices-team']"))
    assert "$7 → $9" in team and "next renewal" in team
    assert "6 months" in text_of(tree.find(".//section[@aria-labelledby='notices-free']"))
    assert "New terms" in text_of(tree.find(".//section[@aria-labelledby='notices-all']"))


def test_no_pricing_page_without_plans():
    outputs = render(site_records(with_plans=False))
    assert "pricing/index.html" not in outputs
    assert 'href="pricing/"' not in outputs["index.html"].content.decode()


def test_postmortem_page_has_every_part(trees):
    tree = trees["postmortems/cdn-postmortem/index.html"]
    headings = [text_of(h2) for h2 in tree.iter("h2")]
    assert headings[:6] == ["Summary", "Impact", "Trigger", "Root cause", "Detection", "Resolution"]
    assert {"Third parties involved", "Timeline", "Action items", "Lessons learned", "Full account"} <= set(headings)
    # The article's own "## The long story" nests under "Full account" in the outline.
    account = tree.find(".//section[@aria-labelledby='account']")
    assert [text_of(h3) for h3 in account.iter("h3")] == ["The long story"]
    actions = [text_of(td) for td in tree.find(".//section[@aria-labelledby='actions']//tbody/tr")]
    assert actions == ["Alert on per-OS errors", "Detect", "Planned", "registry team"]


def test_announcement_page_names_plans_and_retention(trees):
    tree = trees["announcements/retention/index.html"]
    facts = {text_of(div.find("dt")): text_of(div.find("dd")) for div in tree.iterfind(".//dl/div")}
    assert facts["Plans"] == "Free" and facts["Inactive after"] == "6 months" and facts["Then"] == "Delete"
    assert facts["Effective"] == "1 Nov 2021"


def test_maintenance_page_shows_window_and_state(trees):
    tree = trees["maintenance/db-upgrade/index.html"]
    assert "In progress" in text_of(tree.find(".//main"))
    assert [t.get("datetime") for t in tree.find(".//dl").iter("time")] == ["2021-10-04T17:00:00Z", "2021-10-04T19:00:00Z"]


def test_fragment_mode_has_no_document_chrome():
    outputs = render(standalone=False)
    assert "404.html" not in outputs
    for path, output in html_pages(outputs).items():
        page = output.content.decode()
        for tag in ("<html", "<head", "<body", "<header", "<footer", "<!doctype"):
            assert tag not in page.lower(), (path, tag)
        fragment = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(page)
        assert len(list(fragment.iter("h1"))) == 1, path


def test_404_links_to_the_absolute_base_url(trees, outputs):
    tree = trees["404.html"]
    assert "https://status.example.com/status/" in {a.get("href") for a in tree.iter("a")}
    assert tree.find(".//head/style") is not None  # works at any depth: no relative stylesheet


def test_front_page_fits_the_weight_budget(outputs):
    stylesheet = outputs[stylesheet_path(outputs)]
    weight = len(gzip.compress(outputs["index.html"].content)) + len(gzip.compress(stylesheet.content))
    assert weight < 14000


def test_css_has_both_schemes_and_print():
    outputs = render()
    css = outputs[stylesheet_path(outputs)].content.decode()
    assert "prefers-color-scheme: dark" in css and "@media print" in css and "@import" not in css
    assert "url(" not in css  # nothing loaded from anywhere


def test_same_input_gives_same_bytes():
    assert render() == render()


def test_relative_link_shortcut_agrees_with_the_url_layout(outputs):
    pages = ["", "incidents/", "incidents/page/2/", "incidents/x/", "components/a/", "pricing/"]
    targets = pages + ["feed.xml", "assets/statusgen.css", "components/a/feed.xml", "incidents"]
    for page in pages:
        for target in targets:
            assert urls.relative(page, target) == urls.relative_by_paths(page, target), (page, target)


@given(st.lists(st.sampled_from(["a", "b", "ab", "", ".", ".."]), max_size=5),
       st.lists(st.sampled_from(["a", "b", "ab", "", ".", ".."]), max_size=5), st.booleans(), st.booleans())
def test_relative_paths_by_segments_are_posixpaths(target: list[str], start: list[str], rooted_target: bool, rooted_start: bool):
    target_path = ("/" if rooted_target else "") + "/".join(target) or "."
    start_path = ("/" if rooted_start else "") + "/".join(start) or "."
    assert urls._relpath(target_path, start_path) == posixpath.relpath(target_path, start_path)


def test_theme_layout_wraps_the_sites_other_markdown_pages(tmp_path):
    """main.html: a plain Markdown page of a statusgen-themed site gets the same chrome."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "components.yml").write_text("components:\n  - id: api\n    name: API\n")
    (content / "about.md").write_text("Who runs this <em>site</em>.\n")
    write_config(tmp_path, site_name="Example <Status>")
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1633370400"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "mkdocs.yml"),
                    "-d", str(tmp_path / "site")], check=True, env=environment, capture_output=True, timeout=120)
    page = tmp_path / "site" / "about" / "index.html"
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page.read_bytes())
    assert tree.get("lang") == "en"
    assert [text_of(h1) for h1 in tree.iter("h1")] == ["About"]
    assert text_of(tree.find(".//a[@class='sg-brand']")) == "Example <Status>"
    stylesheet = tree.find(".//link[@rel='stylesheet']").get("href")
    assert (page.parent / stylesheet).resolve().is_file()
    assert tree.find(".//main[@id='main']") is not None


def test_a_live_page_goes_where_the_sitemap_was_told_it_would() -> None:
    # Live pages are listed in the sitemap before they are made (pages.Later.path): one made
    # elsewhere is a bug, refused rather than published under a sitemap that misses it.
    from statusgen.publish.page_context import Page
    from statusgen.publish.pages import Later, _made

    page = Page(path="uptime/", template="uptime.html", title="Uptime", description="")
    assert _made(Later(lambda: page, "uptime/")) is page
    with pytest.raises(ValueError, match="said to go to 'sla/' goes to 'uptime/'"):
        _made(Later(lambda: page, "sla/"))
