"""feed.xml, atom.xml, feed.json and the per-component feeds, parsed as readers parse them."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from markupsafe import Markup

from statusgen.cache.store import CacheStore
from statusgen.markup import MarkdownRenderer
from statusgen.publish import feed_items
from statusgen.publish.feed_items import ItemSource
from statusgen.publish.feeds import render_feeds
from statusgen.records import Records

from sites.corpus import BASE_URL, NOW, by_path, corpus_records, corpus_site, many_incidents
from sites.records import incident, update

PULLS = BASE_URL + "incidents/2024-05-01-pulls-failing/"
WEB = BASE_URL + "incidents/2024-06-10-web-slow/"
# 6 incident updates + 4 maintenance windows + 1 post-mortem + 1 announcement, all known by NOW.
EXPECTED_IDS = {
    *(f"{PULLS}#update-{n}" for n in range(1, 5)),
    *(f"{WEB}#update-{n}" for n in range(1, 3)),
    *(BASE_URL + f"maintenance/{key}/" for key in ("2024-06-01-db", "2024-06-10-cdn", "2024-06-20-search",
                                                   "2024-06-25-cancelled")),
    BASE_URL + "postmortems/pulls-failing/",
    BASE_URL + "announcements/2024-05-15-retention/",
}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def feeds(**options) -> dict[str, bytes]:
    site = corpus_site(**options)
    return by_path(render_feeds(site.records, site.state, site.settings))


@pytest.fixture(scope="module")
def published() -> dict[str, bytes]:
    return feeds()


def parse(content: bytes):
    parsed = feedparser.parse(content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("path", ["feed.xml", "atom.xml"])
def test_one_entry_per_update_window_postmortem_and_announcement(published, path):
    parsed = parse(published[path])
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(EXPECTED_IDS) and set(ids) == EXPECTED_IDS
    for entry in parsed.entries:
        assert entry.link == entry.id  # each update links to its own anchor on the incident page
    times = [entry.published_parsed for entry in parsed.entries]
    assert times == sorted(times, reverse=True), "newest first"


def test_entries_say_what_happened(published):
    entries = {entry.id: entry for entry in parse(published["atom.xml"]).entries}
    assert entries[f"{PULLS}#update-2"].title == "Pulls failing outside one region — Identified"
    assert "<strong>failed</strong>" in entries[f"{PULLS}#update-1"].content[0].value
    assert entries[f"{PULLS}#update-1"].published == "2024-05-02T01:45:00+00:00"
    assert "Cancelled" in entries[BASE_URL + "maintenance/2024-06-25-cancelled/"].title


def test_feed_links_are_absolute_and_timestamps_come_from_records(published):
    rss = parse(published["feed.xml"]).feed
    atom = parse(published["atom.xml"]).feed
    assert rss.link == BASE_URL
    assert {link.href for link in atom.links if link.rel == "self"} == {BASE_URL + "atom.xml"}
    assert {link.href for link in rss.links if link.rel == "self"} == {BASE_URL + "feed.xml"}
    # The newest entry (the upcoming window starting 25 June), not the build clock nor now.
    assert atom.updated == "2024-06-25T01:00:00+00:00"
    assert rss.updated == "Tue, 25 Jun 2024 01:00:00 +0000"


def test_same_records_and_now_give_the_same_bytes(published):
    assert feeds() == published


def test_json_feed_follows_version_1_1(published):
    document = json.loads(published["feed.json"])
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] and document["home_page_url"] == BASE_URL
    assert document["feed_url"] == BASE_URL + "feed.json"
    assert {item["id"] for item in document["items"]} == EXPECTED_IDS
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["url"].startswith(BASE_URL)
        assert isinstance(item["content_html"], str) and item["content_html"]
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
    atom_order = [entry.id for entry in parse(published["atom.xml"]).entries]
    assert [item["id"] for item in document["items"]] == atom_order


def xml_texts(content: bytes) -> list[str]:
    return [element.text or "" for element in ET.fromstring(content).iter()]


def test_hostile_html_does_not_survive_in_any_feed(published):
    # Parsed with a plain XML parser: feedparser sanitizes on its own and would hide a leak.
    hostile = f"{WEB}#update-2"
    texts = {path: "\n".join(xml_texts(published[path])) for path in ("feed.xml", "atom.xml")}
    texts["feed.json"] = "\n".join(item["content_html"] for item in json.loads(published["feed.json"])["items"])
    texts["components/web/feed.xml"] = "\n".join(xml_texts(published["components/web/feed.xml"]))
    for path, text in texts.items():
        assert "details</a>" in text, path  # the update is there ...
        for bad in ("<script", "onclick", "alert(", "steal()"):
            assert bad not in text, f"{bad} in {path}"  # ... without its script
    assert hostile in published["feed.json"].decode()


def test_feeds_are_capped_at_the_newest_items(published):
    capped = feeds(feed_items=5)
    everything = [entry.id for entry in parse(published["feed.xml"]).entries]
    for path in ("feed.xml", "atom.xml"):
        assert [entry.id for entry in parse(capped[path]).entries] == everything[:5]
    assert len(json.loads(capped["feed.json"])["items"]) == 5


def test_each_component_has_its_own_feed(published):
    def ids(component_id):
        parsed = parse(published[f"components/{component_id}/feed.xml"])
        assert parsed.feed.link == BASE_URL + f"components/{component_id}/"
        return {entry.id for entry in parsed.entries}

    assert ids("pulls") == {*(f"{PULLS}#update-{n}" for n in range(1, 5)), BASE_URL + "maintenance/2024-06-10-cdn/"}
    assert ids("pushes") == {BASE_URL + "maintenance/2024-06-01-db/", BASE_URL + "maintenance/2024-06-10-cdn/"}
    assert ids("web") == {f"{WEB}#update-1", f"{WEB}#update-2", BASE_URL + "maintenance/2024-06-20-search/",
                          BASE_URL + "maintenance/2024-06-25-cancelled/"}


def test_updates_after_now_are_not_yet_published():
    earlier = feeds(now=datetime.fromisoformat("2024-05-02T03:00:00+00:00"))
    ids = {entry.id for entry in parse(earlier["feed.xml"]).entries}
    assert f"{PULLS}#update-2" in ids and f"{PULLS}#update-3" not in ids
    assert BASE_URL + "postmortems/pulls-failing/" not in ids


def rendered_texts(records: Records, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, bytes], int]:
    """The feeds of `records`, and how many Markdown texts were rendered to make them."""
    renders = []
    render = MarkdownRenderer.render

    def counted(self: MarkdownRenderer, text: str) -> Markup:
        renders.append(text)
        return render(self, text)

    with monkeypatch.context() as patch:
        patch.setattr(MarkdownRenderer, "render", counted)
        # As a new process: what the last build rendered would otherwise be reused, uncounted.
        patch.setattr(feed_items, "_last_rendered", {})
        site = corpus_site(now=NOW, records=records)
        files = by_path(render_feeds(site.records, site.state, site.settings))
    return files, len(renders)


def test_a_rebuild_in_the_same_process_renders_no_text_again(monkeypatch: pytest.MonkeyPatch):
    # `serve`: the next build reuses the texts the last one rendered, and gives the same bytes.
    monkeypatch.setattr(feed_items, "_last_rendered", {})
    site = corpus_site(now=NOW, records=many_incidents(100))
    first = by_path(render_feeds(site.records, site.state, site.settings))
    again: list[str] = []
    render = MarkdownRenderer.render
    monkeypatch.setattr(MarkdownRenderer, "render", lambda self, text: again.append(text) or render(self, text))
    assert by_path(render_feeds(site.records, site.state, site.settings)) == first
    assert again == [] and feed_items._last_rendered


@pytest.mark.parametrize("damage", [None, b"{not json", b'{"abc": 42}', b"[]"])
def test_a_new_process_takes_the_texts_from_the_build_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                            damage: bytes | None):
    # A warm build: the texts the last build rendered come from the cache, with the same
    # bytes; an entry that cannot be read only means rendering them again.
    site = corpus_site(now=NOW, records=many_incidents(100))
    settings = replace(site.settings, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(feed_items, "_last_rendered", {})
    first = by_path(render_feeds(site.records, site.state, settings))
    if damage is not None:
        store = CacheStore.open(tmp_path / "cache")
        assert store is not None
        store.write("texts/feeds", damage)
    monkeypatch.setattr(feed_items, "_last_rendered", {})  # as a new process
    again: list[str] = []
    render = MarkdownRenderer.render
    monkeypatch.setattr(MarkdownRenderer, "render", lambda self, text: again.append(text) or render(self, text))
    assert by_path(render_feeds(site.records, site.state, settings)) == first
    assert (again == []) == (damage is None), again


def test_a_long_history_is_capped_and_only_what_is_published_is_rendered(monkeypatch: pytest.MonkeyPatch):
    # The cost of a long history: the feeds pick their 50 newest items before rendering any,
    # so 10,000 incidents render exactly as many texts as 100 do. (Seconds: benchmarks/stages.py.)
    history = many_incidents(10_000)
    assert NOW - timedelta(days=1) > history.incidents[-1].started  # all of it is public
    files, renders = rendered_texts(history, monkeypatch)
    entries = parse(files["feed.xml"]).entries
    assert len(entries) == 50 and entries[0].id.startswith(BASE_URL + "incidents/incident-09999/")
    assert len(parse(files["components/web/feed.xml"]).entries) == 50
    _, few_renders = rendered_texts(many_incidents(100), monkeypatch)
    assert renders == few_renders and 0 < renders <= 2 * 50


def test_a_status_section_under_a_prefix_links_there():
    files = feeds(prefix="status/")
    parsed = parse(files["atom.xml"])
    assert {link.href for link in parsed.feed.links if link.rel == "self"} == {BASE_URL + "status/atom.xml"}
    assert all(entry.id.startswith(BASE_URL + "status/") for entry in parsed.entries)
    assert json.loads(files["feed.json"])["home_page_url"] == BASE_URL + "status/"


def test_an_incident_without_updates_still_has_an_entry():
    quiet = incident("2024-06-09-quiet", "Opened *without* an update yet.", title="Quiet incident", impact="minor",
                     components=["web"], started="2024-06-09T08:00:00Z")
    records = corpus_records()
    records = replace(records, incidents=(*records.incidents, quiet))
    site = corpus_site(now=NOW, records=records)
    published = by_path(render_feeds(site.records, site.state, site.settings))
    entries = {entry.id: entry for entry in parse(published["feed.xml"]).entries}
    entry = entries[BASE_URL + "incidents/2024-06-09-quiet/"]
    assert entry.title == "Quiet incident" and "<em>without</em>" in entry.summary


@st.composite
def incident_histories(draw):
    """Incidents in any order, some open for weeks with their newest update far after their
    start; times on whole days, so that entries often tie and their ids decide."""
    items = []
    for number in range(draw(st.integers(0, 12))):
        start = NOW - timedelta(days=draw(st.integers(1, 40)))
        offsets = sorted(draw(st.lists(st.integers(0, (NOW - start).days - 1), max_size=4)))
        items.append(incident(f"i{number:02d}", started=start.isoformat(),
                              updates=[update((start + timedelta(days=days)).isoformat()) for days in offsets]))
    return draw(st.permutations(items)), draw(st.integers(0, 6))


@hypothesis_settings(max_examples=60, deadline=None)
@given(incident_histories())
def test_recent_passes_over_no_incident_holding_one_of_the_newest_entries(history):
    incidents, limit = history
    site = corpus_site(records=replace(corpus_records(), incidents=tuple(sorted(incidents, key=lambda i: (i.started, i.id)))))
    source = ItemSource(site.records, site.state, site.settings)

    def newest(chosen):
        candidates = [candidate for item in chosen for candidate in source.incident(item)]
        return [item.id for item in source.pick(candidates, limit)]

    assert newest(source.recent(incidents, limit)) == newest(incidents)


@hypothesis_settings(max_examples=60, deadline=None)
@given(incident_histories(), st.data())
def test_a_feed_of_some_incidents_stops_early_and_misses_none_of_the_newest_entries(history, data):
    # A component's feed: some of the site's incidents, looked for in the order of the site's
    # newest entries, stopping at the first that cannot hold one of the `limit` newest.
    incidents, limit = history
    site = corpus_site(records=replace(corpus_records(), incidents=tuple(sorted(incidents, key=lambda i: (i.started, i.id)))))
    source = ItemSource(site.records, site.state, site.settings)
    some = data.draw(st.lists(st.sampled_from(site.records.incidents), unique_by=id) if site.records.incidents else st.just([]))

    def newest(chosen):
        candidates = [candidate for item in chosen for candidate in source.incident(item)]
        return [item.id for item in source.pick(candidates, limit)]

    assert newest(source.recent_among(some, limit)) == newest(some)
    # The site-wide feeds: every incident, and the other records.
    assert [item.id for item in source.newest(limit)] == [item.id for item in source.pick(source.everything(site.records), limit)]
