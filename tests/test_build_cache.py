"""The build cache can only make a build faster: with and without it, the same bytes.

The judge is a build without cache, compared output by output (path, bytes, title, sitemap
flag) or, for broken records, report by report, after every step of random edit sequences:
record edits, additions, deletions, renames and breakages, a post-mortem, a translation,
template overrides, settings and languages, "now" moving, and a new statusgen version. Each
cached build runs once from the cache on disk (a new process) and once from the memory of the
last build (`serve`). Then what a cache must survive (truncated, garbage, another version's
or program's files, concurrent builds) and the command line's options.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jinja2
import pydantic
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config

from statusgen import derive, loader, parallel, record_memo, settled, templating
from statusgen.cache import file_digests, page_lists, store
from statusgen.cache import outputs as kept_outputs
from statusgen.cache import pages as page_cache
from statusgen.cache import records as record_cache
from statusgen.cli import main
from statusgen.errors import ContentError
from statusgen.pipeline import build_site
from statusgen.publish import feeds as feeds_module
from statusgen.publish import pages as pages_module
from statusgen.publish import schemas as schemas_module
from statusgen.settings import Settings
from statusgen.templating import templates_dir
from statusgen.wording import ENGLISH

from sites.files import BASE, POSTMORTEM, record_text, write_config, write_site

NOW = datetime(2021, 10, 20, 12, 0, tzinfo=timezone.utc)
IDS = ("alpha", "beta", "gamma", "delta", "api-errors")
TITLES = st.text(alphabet="ab <>&\"'é·\u00a0-statusgen", min_size=1, max_size=20).filter(lambda text: text.strip() == text)


def forget_this_process() -> None:
    """What a new process starts with: no memo of the records, no cache in memory."""
    record_memo._last = None
    loader._listed = None
    record_cache._memory = {}
    record_cache._stored = {}
    record_cache._origins = {}
    file_digests._known = {}
    file_digests._stored = {}
    page_cache._memory = {}
    page_cache._described = {}
    page_cache._keys = {}
    page_cache._kept_entries = {}
    kept_outputs._memory = {}
    settled._kept, settled._before = {}, {}


def fork_every_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Beside forks, as on a history of 10,000 incidents."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("children are forked")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")


@pytest.fixture(autouse=True)
def keeping_settled_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    """As under `serve`: settled incidents' facts kept from one derivation to the next."""
    monkeypatch.setattr(settled, "_keeping", True)


def build(site: Settings, now: datetime) -> Any:
    """Every output as comparable values, or the problem report of a build that fails."""
    record_memo._last = None  # the record cache is what is tested, not the memo in front of it
    try:
        outputs = build_site(site, now)
    except ContentError as error:
        return error.report()
    return [(output.path, output.content, output.title, output.in_sitemap, output.at_site_root) for output in outputs]


def assert_same_with_and_without(site: Settings, cache: Path, now: datetime) -> Any:
    expected = build(replace(site, cache_dir=None), now)
    # As `serve` does after an edit: from what the last build of this process kept in memory.
    assert build(replace(site, cache_dir=cache), now) == expected, "from the memory of the last build"
    forget_this_process()
    assert build(replace(site, cache_dir=cache), now) == expected, "from the cache on disk"
    assert build(replace(site, cache_dir=cache), now) == expected, "from the cache in memory"
    return expected


def incident(title: str, day: int, updates: int, resolved: bool) -> str:
    started = datetime(2021, 10, 1, 8, tzinfo=timezone.utc) + timedelta(days=day)
    front: dict[str, Any] = {
        "title": title, "impact": "minor", "components": {"api": "degraded_performance"},
        "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updates": [{"at": (started + timedelta(hours=hour + 1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "status": "identified", "body": f"Update *{hour}* of {title}."} for hour in range(updates)],
    }
    if resolved:
        front["resolved"] = (started + timedelta(hours=updates + 2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        front["updates"].append({"at": front["resolved"], "status": "resolved", "body": "Fixed."})
    return record_text(front, f"What happened to {title}.\n")


EDITS = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(IDS), TITLES, st.integers(0, 30), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("delete"), st.sampled_from(IDS)),
    st.tuples(st.just("rename"), st.sampled_from(IDS), st.sampled_from(IDS)),
    st.tuples(st.just("break"), st.sampled_from(IDS)),
    st.tuples(st.just("body"), st.sampled_from(IDS), TITLES),
    st.tuples(st.just("postmortem"), TITLES),
    st.tuples(st.just("translate"), st.sampled_from(IDS), TITLES),
    st.tuples(st.just("template"), st.sampled_from(("incident.html", "partials/macros.html", "history.html", "base.html", None)), TITLES),
    st.tuples(st.just("retemplate"), TITLES),
    st.tuples(st.just("settings"), TITLES, st.sampled_from((1, 2, 25)), st.booleans(), st.booleans()),
    st.tuples(st.just("now"), st.integers(-12, 240)),
    st.tuples(st.just("version"), TITLES),
)


def apply(edit: tuple[Any, ...], root: Path, site: Settings, now: datetime, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, datetime]:
    incidents = root / "content" / "incidents"
    kind = edit[0]
    if kind == "write":
        _, name, title, day, updates, resolved = edit
        (incidents / f"{name}.md").write_text(incident(title, day, updates, resolved), encoding="utf-8")
    elif kind == "delete" and edit[1] != "api-errors":  # the post-mortem refers to it
        (incidents / f"{edit[1]}.md").unlink(missing_ok=True)
    elif kind == "rename" and (incidents / f"{edit[1]}.md").exists() and edit[1] != "api-errors":
        (incidents / f"{edit[1]}.md").rename(incidents / f"{edit[2]}.md")
    elif kind == "break" and (incidents / f"{edit[1]}.md").exists():
        path = incidents / f"{edit[1]}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("impact: ", "impact: colossal", 1), encoding="utf-8")
    elif kind == "body" and (incidents / f"{edit[1]}.md").exists():
        path = incidents / f"{edit[1]}.md"
        front = path.read_text(encoding="utf-8").rsplit("---\n", 1)[0]
        path.write_text(front + "---\n" + edit[2] + "\n", encoding="utf-8")
    elif kind == "retemplate" and site.template_dirs:
        # The same file overridden, with other content: its path alone tells nothing.
        for path in site.template_dirs[0].rglob("*.html"):
            path.write_text(path.read_text(encoding="utf-8").replace("</p>", " " + edit[1].replace("{", "") + "</p>", 1),
                            encoding="utf-8")
    elif kind == "postmortem":
        path = root / "content" / "postmortems" / "api-errors-review.md"
        path.write_text(BASE["content/postmortems/api-errors-review.md"].replace("A bad deploy.", edit[1].replace('"', "")), encoding="utf-8")
    elif kind == "translate":
        _, name, title = edit
        (incidents / f"{name}.de.md").write_text(record_text({"title": title}, f"Was mit {title} geschah.\n"), encoding="utf-8")
    elif kind == "template":
        _, name, text = edit
        user = root / "overrides"
        shutil.rmtree(user, ignore_errors=True)
        if name is not None:
            original = (templates_dir() / name).read_text(encoding="utf-8")
            (user / name).parent.mkdir(parents=True, exist_ok=True)
            marker = "</h1>" if "</h1>" in original else "</main>"
            (user / name).write_text(original.replace(marker, "<p>" + text.replace("{", "") + "</p>" + marker, 1), encoding="utf-8")
        site = replace(site, template_dirs=(user,) if name is not None else ())
    elif kind == "settings":
        _, name, page_size, german, mounted = edit
        site = replace(site, site_name=name, history_page_size=page_size, languages=("en", "de") if german else ("en",),
                       standalone=not mounted, prefix="status/" if mounted else "")
    elif kind == "now":
        now = NOW + timedelta(hours=edit[1])
    elif kind == "version":
        # Another statusgen: what it writes differs (here, a different page around the same
        # content), and so must be the cache it reads.
        monkeypatch.setattr(store, "code_digest", lambda: "other-" + str(abs(hash(edit[1]))))
        monkeypatch.setattr(pages_module, "code_digest", store.code_digest)
    return site, now


@settings(max_examples=int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=2, max_size=8))
def test_any_sequence_of_edits_builds_the_same_with_the_cache(tmp_path_factory: pytest.TempPathFactory,
                                                               edits: list[tuple[Any, ...]]) -> None:
    root = tmp_path_factory.mktemp("site")
    content = write_site(root)
    cache = root / ".statusgen-cache"
    site, now = Settings(content_dir=content, history_page_size=2), NOW
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert isinstance(assert_same_with_and_without(site, cache, now), list)
        for edit in edits:
            site, now = apply(edit, root, site, now, monkeypatch)
            assert_same_with_and_without(site, cache, now)
    forget_this_process()


def test_the_edits_make_sites_that_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The property above compares sites, not only error reports: its edits build, and each
    one changes what is published."""
    content = write_site(tmp_path)
    site, now = Settings(content_dir=content, history_page_size=2), NOW
    last = build(site, now)
    for edit in [("write", "alpha", "A <b>", 3, 2, True), ("write", "beta", "B", 4, 1, False), ("rename", "alpha", "gamma"),
                 ("postmortem", "Why"), ("settings", "Other", 1, True, False), ("translate", "beta", "Bee"),
                 ("translate", "beta", "Biene"), ("template", "history.html", "Custom"), ("template", "base.html", "Mine"),
                 ("now", 30), ("settings", "Other", 1, True, True), ("body", "beta", "New words")]:
        site, now = apply(edit, tmp_path, site, now, monkeypatch)
        built = build(site, now)
        assert isinstance(built, list), edit
        assert built != last, edit
        last = built


def _component_renamed(root: Path) -> None:
    path = root / "content" / "components.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: API", "name: Public API"), encoding="utf-8")


def _body_only(root: Path) -> None:
    path = root / "content" / "incidents" / "api-errors.md"
    path.write_text(path.read_text(encoding="utf-8").replace("The API returned errors.", "The API *mostly* failed."), encoding="utf-8")


def _template_content(root: Path) -> None:
    path = root / "overrides" / "incident.html"
    path.write_text(path.read_text(encoding="utf-8").replace("<p>first</p>", "<p>second</p>"), encoding="utf-8")


def _partial_content(root: Path) -> None:
    path = root / "overrides" / "partials" / "macros.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    original = (templates_dir() / "partials" / "macros.html").read_text(encoding="utf-8")
    path.write_text(original.replace('<div class="sg-update-head">', '<div class="sg-update-head"><b>!</b>'), encoding="utf-8")


def _translation_body(root: Path) -> None:
    path = root / "content" / "incidents" / "api-errors.de.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Fehler.", "Viele Fehler."), encoding="utf-8")


def _same_words_translated(root: Path) -> None:
    path = root / "content" / "incidents" / "api-errors.de.md"
    path.write_text(record_text({"title": "API errors"}, "Fehler.\n"), encoding="utf-8")


def _same_words_untranslated(root: Path) -> None:
    # Translated with the original's very words, then not translated: the same text, but now
    # a fallback, marked as English on the German page.
    path = root / "content" / "incidents" / "api-errors.de.md"
    path.write_text(record_text({}, "Fehler.\n"), encoding="utf-8")


def _postmortem_removed(root: Path) -> None:
    (root / "content" / "postmortems" / "api-errors-review.md").unlink()


def _update_written_ahead(root: Path) -> None:
    path = root / "content" / "incidents" / "api-errors.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    body: Fixed.\n", "    body: Fixed.\n  - at: 2021-10-21T00:00:00Z\n    status: resolved\n    body: A later note.\n"),
        encoding="utf-8")


def archived_pages(outputs: list[Any]) -> dict[str, bytes]:
    """The incident and maintenance pages (and the history) of a build, in both languages."""
    return {path: content for path, content, *_ in outputs if path.removeprefix("de/").startswith(("incidents/", "maintenance/"))}


WINDOW = datetime(2021, 10, 10, 1, tzinfo=timezone.utc)
"""An hour before the base site's maintenance window starts."""

SCENARIOS = {
    # name: (change to the files, now before, now after)
    "a component renamed in components.yml": (_component_renamed, NOW, NOW),
    "only the Markdown body of an incident": (_body_only, NOW, NOW),
    "an overridden template's content, at the same path": (_template_content, NOW, NOW),
    "a partial every page includes, overridden": (_partial_content, NOW, NOW),
    "a translation's body": (_translation_body, NOW, NOW),
    "a post-mortem removed (the incident page links it)": (_postmortem_removed, NOW, NOW),
    "a title translated with the original's words, then not": (_same_words_untranslated, NOW, NOW),
    "now passes an update written ahead": (_update_written_ahead, NOW, NOW + timedelta(hours=24)),
    "now passes a maintenance window's start": (lambda root: None, WINDOW, WINDOW + timedelta(hours=2)),
    "now passes a maintenance window's end": (lambda root: None, WINDOW + timedelta(hours=2), WINDOW + timedelta(hours=4)),
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_what_an_archived_page_is_made_of_is_in_its_key(tmp_path: Path, scenario: str) -> None:
    """Each input an archived page shows, changed alone: the cached build still equals the
    build without cache (and so shows the change)."""
    content = write_site(tmp_path, {"content/incidents/api-errors.de.md": record_text({"title": "API-Fehler"}, "Fehler.\n")})
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    original = (templates_dir() / "incident.html").read_text(encoding="utf-8")
    (overrides / "incident.html").write_text(original.replace("</h1>", "</h1><p>first</p>", 1), encoding="utf-8")
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache", languages=("en", "de"), template_dirs=(overrides,))
    change, now, later = SCENARIOS[scenario]
    if change is _same_words_untranslated:
        _same_words_translated(tmp_path)
    before = build(site, now)
    assert isinstance(before, list)
    change(tmp_path)
    expected = build(replace(site, cache_dir=None), later)
    assert archived_pages(expected) != archived_pages(before), "the scenario changes an archived page"
    forget_this_process()
    assert build(site, later) == expected


def _maintenance_edit(old: str, new: str) -> Any:
    def edit(root: Path) -> None:
        path = root / "content" / "maintenance" / "db-upgrade.md"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return edit


def _incident_added(root: Path) -> None:
    (root / "content" / "incidents" / "new-one.md").write_text(incident("New one", 3, 1, False), encoding="utf-8")


KEPT_FILES_SCENARIOS: dict[str, tuple[Any, Any, str]] = {
    # name: (change to the files, change to the settings, the file that changes)
    "a window's text": (_maintenance_edit("Short downtime.", "A longer downtime."), None, "maintenance.ics"),
    "a window cancelled": (_maintenance_edit("scheduled_end:", "status: cancelled\nscheduled_end:"), None, "maintenance.ics"),
    "a window's components": (_maintenance_edit("[api, web]", "[api]"), None, "maintenance.ics"),
    "a component renamed": (_component_renamed, None, "maintenance.ics"),
    "the site's name": (None, {"site_name": "Other status"}, "maintenance.ics"),
    "the site's address": (None, {"site_url": "https://elsewhere.example.org/status/"}, "sitemap.xml"),
    "a page added": (_incident_added, None, "sitemap.xml"),
    "a language added": (None, {"languages": ("en", "de")}, "sitemap.xml"),
    "an incident added to a component's feed": (_incident_added, None, "components/api/feed.xml"),
    "a window's text in the site's feed": (_maintenance_edit("Short downtime.", "A longer downtime."), None, "atom.xml"),
    "the site's name in the JSON feed": (None, {"site_name": "Other status"}, "feed.json"),
    "the site's address in a schema": (None, {"site_url": "https://elsewhere.example.org/status/"}, "schema/incident.json"),
}


@pytest.mark.parametrize("scenario", KEPT_FILES_SCENARIOS, ids=list(KEPT_FILES_SCENARIOS))
def test_what_a_kept_file_is_made_of_is_in_its_key(tmp_path: Path, scenario: str) -> None:
    """The calendar, the sitemap, the feeds and the schemas are kept whole (cache/outputs.py): each of their inputs,
    changed alone, makes them again, from the cache on disk as from the memory of the last build."""
    content = write_site(tmp_path)
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache", site_url="https://status.example.com/")
    change, settings_change, changed_file = KEPT_FILES_SCENARIOS[scenario]
    before = dict((path, content) for path, content, *_ in assert_same_with_and_without(site, tmp_path / "cache", NOW))
    if change is not None:
        change(tmp_path)
    if settings_change is not None:
        site = replace(site, **settings_change)
    after = dict((path, content) for path, content, *_ in assert_same_with_and_without(site, tmp_path / "cache", NOW))
    assert after[changed_file] != before[changed_file], "the scenario changes the file"


def counting_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """The first argument of each call to module.name from now on."""
    calls: list[Any] = []
    original = getattr(module, name)

    def counted(*arguments: Any, **options: Any) -> Any:
        calls.append(arguments[0])
        return original(*arguments, **options)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_rebuild_writes_again_only_the_feeds_and_schemas_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 1, True) for day in range(6)})
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache", site_url="https://status.example.com/", feed_items=2)
    build(site, NOW)
    forget_this_process()  # the feeds kept on disk, as a new process finds them
    made: list[str] = []
    for name in ("rss_feed", "atom_feed", "json_feed"):
        original = getattr(feeds_module, name)

        def counted(*arguments: Any, original: Any = original) -> bytes:
            made.append(arguments[4])  # the feed's own URL
            return bytes(original(*arguments))

        monkeypatch.setattr(feeds_module, name, counted)
    # Later, and an incident too old for any feed of two entries retitled: no feed changes.
    (content / "incidents" / "old-0.md").write_text(incident("Old zero, retitled", 0, 1, True), encoding="utf-8")
    schemas_module.schema_files.cache_clear()
    described = counting_calls(monkeypatch, schemas_module, "record_schema")
    build(site, NOW + timedelta(hours=1))
    assert made == []
    assert described == [], "the schemas are kept too: pydantic does not describe the models again"
    # The newest incident retitled: the site's feeds and the feed of the component it affects.
    (content / "incidents" / "old-5.md").write_text(incident("Old five, retitled", 5, 1, True), encoding="utf-8")
    outputs = dict((path, data) for path, data, *_ in build(site, NOW + timedelta(hours=1)))
    assert sorted(url.removeprefix("https://status.example.com/") for url in made) == [
        "atom.xml", "components/api/feed.xml", "feed.json", "feed.xml"]
    assert b"Old five, retitled" in outputs["components/api/feed.xml"] and b"Old five" not in outputs["components/web/feed.xml"]
    assert build(site, NOW + timedelta(hours=1)) == build(replace(site, cache_dir=None), NOW + timedelta(hours=1))


def counting_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered from now on (serially, so the count is seen here)."""
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")
    rendered: list[str] = []
    original = pages_module.render_page

    def render_page(environment: Any, site: Any, page: Any) -> Any:
        rendered.append(page.path)
        return original(environment, site, page)

    monkeypatch.setattr(pages_module, "render_page", render_page)
    return rendered


def test_a_rebuild_renders_only_the_pages_that_changed_and_the_live_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 1, True) for day in range(6)})
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache", history_page_size=2)
    build(site, NOW)
    forget_this_process()
    rendered = counting_renders(monkeypatch)
    build(site, NOW + timedelta(hours=1))
    live = set(rendered)
    assert "incidents/old-3/" not in live and "incidents/" not in live and "postmortems/api-errors-review/" not in live
    assert {"", "uptime/", "components/api/"} <= live  # what shows "now" is made again
    rendered.clear()
    # Seven incidents, two a page from the oldest: page 1 old-0 and api-errors, page 2 old-1
    # and old-2, the front of the history old-3 to old-5.
    (content / "incidents" / "old-1.md").write_text(incident("Old one, retitled", 1, 1, True), encoding="utf-8")
    build(site, NOW + timedelta(hours=1))
    # The incident and the history page listing it; nothing else but the live pages.
    assert set(rendered) - live == {"incidents/old-1/", "incidents/page/2/"}
    # A new incident (the newest) changes the history's front page, and when the front is
    # full, starts page 3 below it (to which page 2's "newer" link now leads): the numbered
    # pages are cut from the oldest incident on and keep their incidents.
    for day, expected in ((7, {"incidents/", "incidents/page/3/", "incidents/page/2/"}), (8, {"incidents/"})):
        rendered.clear()
        (content / "incidents" / f"new-{day}.md").write_text(incident(f"New {day}", day, 1, True), encoding="utf-8")
        build(site, NOW + timedelta(hours=1))
        assert set(rendered) - live == {f"incidents/new-{day}/"} | expected


def test_build_and_serve_on_one_cache_keep_each_others_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """serve's pages differ from build's (their policy lets the reload script run): each kind
    keeps its own pages, so switching between them renders only the live pages."""
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 1, True) for day in range(6)})
    built = Settings(content_dir=content, cache_dir=tmp_path / "cache", history_page_size=2)
    served = replace(built, live_reload=True)
    build(built, NOW)
    build(served, NOW)
    rendered = counting_renders(monkeypatch)
    for kind in (built, served, built):
        forget_this_process()
        build(kind, NOW)
        assert rendered and not [path for path in rendered if path.startswith(("incidents/", "postmortems/"))]
        rendered.clear()


def test_the_pages_of_kinds_of_build_no_longer_made_are_removed(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    pages = tmp_path / "cache" / store.code_digest() / "pages"
    counts = []
    for number in range(page_lists.KEPT_USES + 3):
        build(replace(site, site_name=f"Status {number}"), NOW)  # every page of a kind differs
        counts.append(len(list(pages.iterdir())))
    per_kind = counts[0]
    assert counts[: page_lists.KEPT_USES] == [per_kind * number for number in range(1, page_lists.KEPT_USES + 1)]
    assert counts[page_lists.KEPT_USES:] == [per_kind * page_lists.KEPT_USES] * 3


def test_a_first_build_looks_for_no_page_in_a_store_that_holds_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A store of this code without a page yet (a first build, a new version): every lookup
    # would fail to open a file. The next build, in a new process, finds every archived page.
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 1, True) for day in range(3)})
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    forget_this_process()  # no page of an earlier build in memory either
    opened: list[str] = []
    read = store.CacheStore.read
    monkeypatch.setattr(store.CacheStore, "read", lambda self, name: opened.append(name) or read(self, name))
    first = build(site, NOW)
    assert not [name for name in opened if name.startswith(page_lists.FOLDER + "/")]
    forget_this_process()
    opened.clear()
    rendered = counting_renders(monkeypatch)
    assert build(site, NOW) == first
    assert len([name for name in opened if name.startswith(page_lists.FOLDER + "/")]) >= 5
    assert "incidents/old-1/" not in rendered, "the archived pages come from the store"


def test_a_process_lists_the_pages_it_stored_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve`'s rebuilds remove the pages that went out of use without listing the 11,000
    entries of a long history's folder again; what they do not know of (another process's)
    is left to the next process's first build."""
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 1, True) for day in range(3)})
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    pages = tmp_path / "cache" / store.code_digest() / "pages"
    listed: list[str] = []
    scan = store._scan
    monkeypatch.setattr(store, "_scan", lambda folder: listed.append(Path(folder).name) or scan(folder))
    build(site, NOW)
    assert listed.count("pages") == 1
    before = set(pages.iterdir())
    foreign = pages / ("0" * 40)
    foreign.write_bytes(b"another process's page")
    (content / "incidents" / "old-1.md").write_text(incident("Renamed", 1, 1, True), encoding="utf-8")
    build(site, NOW)
    assert listed.count("pages") == 1
    after = set(pages.iterdir())
    assert before - after and foreign in after, "the renamed incident's old pages went; the foreign entry stays"
    forget_this_process()
    build(site, NOW)
    assert listed.count("pages") == 2 and not foreign.exists()
    assert set(pages.iterdir()) == after - {foreign}, "what a listing keeps, and no more"


def test_records_are_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = write_site(tmp_path)
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    build(site, NOW)
    forget_this_process()
    from statusgen import loader

    parsed: list[str] = []
    original = loader._parse_record
    monkeypatch.setattr(loader, "_parse_record", lambda job: parsed.append(Path(job[1]).name) or original(job))
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")
    (content / "incidents" / "api-errors.md").write_text(incident("Edited", 2, 1, True), encoding="utf-8")
    build(site, NOW)
    assert parsed == ["api-errors.md"]


def test_the_cache_keeps_the_records_before_the_other_core_starts_on_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Kept once each record is valid on its own, before `assembled` (a build forks its figures'
    # child there): written after a fork, a cold build's entries would copy every page they touch.
    refused = {"content/postmortems/api-errors-review.md": POSTMORTEM.replace("incident: api-errors", "incident: no-such-incident")}
    content = write_site(tmp_path, refused)
    cache_dir = tmp_path / "cache"
    packs_when_assembled: list[int] = []

    def assembled(records: Any) -> None:
        packs_when_assembled.append(len(list((store.CacheStore.open(cache_dir).folder / "records").glob("incidents-*.jsonl"))))

    with pytest.raises(ContentError, match="no-such-incident"):
        record_memo.load_records_once(content, None, cache_dir, assembled)
    assert packs_when_assembled and packs_when_assembled[0] > 0
    # A rule refused them, yet each entry is right by its file's bytes: the next process parses
    # only the file that changed.
    forget_this_process()
    from statusgen import loader

    parsed: list[str] = []
    original = loader._parse_record
    monkeypatch.setattr(loader, "_parse_record", lambda job: parsed.append(Path(job[1]).name) or original(job))
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")
    write_site(tmp_path)
    record_memo.load_records_once(content, None, cache_dir)
    assert parsed == ["api-errors-review.md"]


def translated_site(root: Path) -> tuple[Settings, Path]:
    """Three incidents in English and German, two of them translated (title, summary and an update)."""
    files = {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 2, True) for day in range(3)}
    for day in range(2):
        at = (datetime(2021, 10, 1, 9, tzinfo=timezone.utc) + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")
        files[f"content/incidents/old-{day}.de.md"] = record_text(
            {"title": f"Alt {day}", "updates": [{"at": at, "body": f"Erste Meldung {day}."}]}, f"Was geschah {day}.\n")
    content = write_site(root, files)
    return Settings(content_dir=content, cache_dir=root / "cache", languages=("en", "de")), content


def test_translations_are_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from statusgen import translation_loader

    site, content = translated_site(tmp_path)
    expected = build(replace(site, cache_dir=None), NOW)
    assert build(site, NOW) == expected
    forget_this_process()
    parsed: list[str] = []
    original = translation_loader._read_text
    monkeypatch.setattr(translation_loader, "_read_text", lambda path, *rest: parsed.append(path.name) or original(path, *rest))
    assert build(site, NOW) == expected
    assert parsed == []
    edited = content / "incidents" / "old-1.de.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Alt 1", "Neu 1"), encoding="utf-8")
    forget_this_process()
    rebuilt = build(site, NOW)
    assert parsed == ["old-1.de.md"]
    assert rebuilt == build(replace(site, cache_dir=None), NOW) != expected


def test_a_cached_translation_is_checked_against_its_original_at_every_build(tmp_path: Path) -> None:
    # The translation's text comes from the cache, but the original it names an update of has
    # changed: the problem is reported as a build without the cache reports it, with its line.
    site, content = translated_site(tmp_path)
    build(site, NOW)
    forget_this_process()
    (content / "incidents" / "old-0.md").write_text(incident("Old 0", 0, 0, True), encoding="utf-8")
    report = build(site, NOW)
    assert isinstance(report, str) and "old-0.de.md:" in report and "the original has no update at" in report
    assert report == build(replace(site, cache_dir=None), NOW)


def test_a_translation_edited_renders_again_only_the_pages_of_its_record_in_its_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, content = translated_site(tmp_path)
    build(site, NOW)
    forget_this_process()
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")
    rendered: list[tuple[str, str]] = []
    original = pages_module.render_page
    monkeypatch.setattr(pages_module, "render_page", lambda environment, site, page: rendered.append(
        (site.language.code, page.path)) or original(environment, site, page))
    build(site, NOW + timedelta(hours=1))
    live = set(rendered)
    assert ("de", "incidents/old-0/") not in live and ("de", "") in live
    rendered.clear()
    edited = content / "incidents" / "old-1.de.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Alt 1", "Neu 1"), encoding="utf-8")
    rebuilt = build(site, NOW + timedelta(hours=1))
    # Its page and the history page listing it, in German; nothing in English, nothing of old-0.
    assert set(rendered) - live == {("de", "incidents/old-1/"), ("de", "incidents/")}
    assert rebuilt == build(replace(site, cache_dir=None), NOW + timedelta(hours=1))


def test_a_translated_record_is_named_in_page_keys_by_what_it_was_made_from(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A page of the German site shows German copies of the records: a fresh process names each
    # by its record and its translation (both by their files' digests), never by writing the
    # copy out field by field (10,000 of them per language took a rebuild a second).
    site, _ = translated_site(tmp_path)
    expected = build(site, NOW)
    forget_this_process()
    written: list[str] = []
    real_to_json = page_cache.to_json
    monkeypatch.setattr(page_cache, "to_json", lambda value, *rest, **options: (
        written.append(type(value).__name__) if isinstance(value, pydantic.BaseModel) else None) or real_to_json(value, *rest, **options))
    assert build(site, NOW) == expected
    assert "Incident" not in written and "IncidentText" not in written, sorted(set(written))


def test_templates_compiled_by_the_live_pages_child_are_kept_for_the_next_rebuild(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `serve` renders the live pages in a forked child at every rebuild: the templates that
    # child compiled come back with the pages, so the next rebuild's child does not compile
    # them again (the front page's template is used by no other page, so only it compiles it).
    content = write_site(tmp_path)
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    fork_every_child(monkeypatch)
    monkeypatch.setattr(templating, "_COMPILED", {})
    expected = build(site, NOW)
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def compile_counted(self: jinja2.Environment, source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_counted)
    environment = templating.make_environment(site, ENGLISH)
    environment.get_template("index.html")
    assert compiled == [], "the front page's template was compiled again"
    assert build(site, NOW) == expected


def test_a_rebuild_in_the_same_process_describes_only_what_changed(tmp_path: Path) -> None:
    # `serve`: a page whose arguments are the same records and equal figures keeps its key
    # from the last build; only the edited incident's pages (its own, the history's) are
    # described again.
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 2, True) for day in range(5)})
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    build(site, NOW)
    first = dict(page_cache._keys)
    build(site, NOW)
    assert page_cache._keys.keys() == first.keys() and all(page_cache._keys[page] is first[page] for page in first)
    (content / "incidents" / "old-2.md").write_text(incident("Edited", 2, 1, True), encoding="utf-8")
    build(site, NOW)
    described = {page[1] for page, known in page_cache._keys.items() if known is not first.get(page)}
    assert "incidents/old-2/" in described and "incidents/" in described
    assert not described & {"incidents/old-0/", "incidents/old-4/", "postmortems/", "announcements/"}, described
    assert build(site, NOW) == build(replace(site, cache_dir=None), NOW)


def damage(cache: Path, how: str) -> None:
    entries = [path for path in cache.rglob("*") if path.is_file() and path.name != store.TAG_FILE]
    assert entries, "the cache holds entries to damage"
    for path in entries:
        data = path.read_bytes()
        if how == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif how == "garbage":
            path.write_bytes(os.urandom(len(data)))
        elif how == "flipped":  # one byte of the payload changed: the checksum no longer matches
            path.write_bytes(data[:-3] + bytes([data[-3] ^ 0x20]) + data[-2:])
        elif how == "empty":
            path.write_bytes(b"")


@pytest.mark.parametrize("how", ["truncated", "garbage", "flipped", "empty"])
def test_a_damaged_cache_is_ignored_and_replaced(tmp_path: Path, how: str) -> None:
    content = write_site(tmp_path)
    cache = tmp_path / "cache"
    site = Settings(content_dir=content, cache_dir=cache)
    expected = build(replace(site, cache_dir=None), NOW)
    build(site, NOW)
    damage(cache, how)
    forget_this_process()
    assert build(site, NOW) == expected
    forget_this_process()
    damaged_again = [path for path in cache.rglob("*") if path.is_file() and store._payload(path.read_bytes()) is None
                     and path.name != store.TAG_FILE]
    assert not damaged_again, "every damaged entry was written anew"
    assert build(site, NOW) == expected


def test_a_rebuild_in_the_same_process_reads_no_pack_of_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `serve`: an edited record misses the memory, and is looked for in the pack its digest
    # picks as this process last read or wrote it, not read from the store (31 MB of packs at
    # 10,000 incidents). A new process reads each folder's packs once.
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 2, True) for day in range(5)})
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    build(site, NOW)
    read: list[str] = []
    real_read = store.CacheStore.read_view  # every read of an entry goes through it
    monkeypatch.setattr(store.CacheStore, "read_view", lambda self, name: read.append(name) or real_read(self, name))
    (content / "incidents" / "old-2.md").write_text(incident("Edited", 2, 1, True), encoding="utf-8")
    assert build(site, NOW) == build(replace(site, cache_dir=None), NOW)
    assert not [name for name in read if name.endswith(".jsonl")]
    forget_this_process()
    assert build(site, NOW) == build(replace(site, cache_dir=None), NOW)
    packs = [name for name in read if name.endswith(".jsonl")]
    assert sorted(packs) == sorted(f"records/{folder}-{shard}.jsonl" for folder in ("incidents", "maintenance", "postmortems", "announcements")
                                   for shard in "0123456789abcdef")


def built_with_cache(root: Path) -> tuple[Settings, Any, store.CacheStore]:
    """The base site built with a cache under root, what it builds to, and the cache's store."""
    site = Settings(content_dir=write_site(root), cache_dir=root / "cache")
    expected = build(replace(site, cache_dir=None), NOW)
    build(site, NOW)
    folder = store.CacheStore.open(root / "cache")
    assert folder is not None
    return site, expected, folder


def incident_packs(folder: store.CacheStore) -> dict[str, bytes]:
    """The incidents' packs of records that hold some (by the first digit of their digests)."""
    packs = {name: folder.read(name) for name in (f"records/incidents-{shard}.jsonl" for shard in "0123456789abcdef")}
    found = {name: pack for name, pack in packs.items() if pack}
    assert found
    return found


def test_a_record_entry_that_no_longer_validates_is_a_miss(tmp_path: Path) -> None:
    """An entry whose checksum holds but whose JSON is not a record (another program's, or a
    model changed without a version change) is parsed from the file instead."""
    site, expected, folder = built_with_cache(tmp_path)
    for name, pack in incident_packs(folder).items():
        digest = pack.split(b"\t", 1)[0]
        folder.write(name, digest + b'\t{"title": 42, "impact": "colossal"}\t"<script>"')
    forget_this_process()
    assert build(site, NOW) == expected


@pytest.mark.parametrize("tampered", [
    b',"id":"another","body":"Another body."}',  # the record's JSON names them itself
    b'}\t"Some body.","id":"another"',  # its body's JSON goes on to name the id
])
def test_a_record_entry_cannot_give_its_record_another_id_or_body(tmp_path: Path, tampered: bytes) -> None:
    """The loader sets a record's id (its file's name) and body (its Markdown): an entry that
    says otherwise is read with the file's, or refused."""
    site, expected, folder = built_with_cache(tmp_path)
    for name, pack in incident_packs(folder).items():
        lines = []
        for line in pack.split(b"\n"):
            digest, record_json, body_json, facts = line.split(b"\t")
            if tampered.startswith(b"}"):
                lines.append(digest + b"\t" + record_json + tampered[1:] + b"\t" + facts)
            else:
                lines.append(digest + b"\t" + record_json[:-1] + tampered + b"\t" + body_json + b"\t" + facts)
        folder.write(name, b"\n".join(lines))
    forget_this_process()
    assert build(site, NOW) == expected


def test_an_entry_is_written_whole_after_a_short_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The system may write fewer bytes than asked (a signal, a pipe's or a file system's
    # limits): the rest follows, and the entry reads back whole.
    folder = store.CacheStore.open(tmp_path / "cache")
    assert folder is not None
    payload = os.urandom(100_000)
    monkeypatch.setattr(store.os, "writev", lambda handle, parts: os.write(handle, parts[0][:7]))
    folder.write("pages/short", payload)
    assert folder.read("pages/short") == payload


def test_a_killed_builds_temporary_files_are_removed_once_old(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    build(site, NOW)
    current = tmp_path / "cache" / store.code_digest()
    left = [tmp_path / "cache" / ".tmp-1-0", current / "pages" / ".tmp-1-1", current / "records" / ".tmp-1-2"]
    fresh = current / "pages" / ".tmp-1-3"  # another build's write, under way
    for path in [*left, fresh]:
        path.write_bytes(b"half an entry")
    for path in left:
        os.utime(path, (1_600_000_000, 1_600_000_000))
    forget_this_process()  # the next build, in a process of its own
    build(site, NOW)
    assert [path.exists() for path in left] == [False, False, False] and fresh.exists()


def test_another_versions_cache_is_removed_and_a_foreign_folder_left_alone(tmp_path: Path) -> None:
    content = write_site(tmp_path)
    cache = tmp_path / "cache"
    site = Settings(content_dir=content, cache_dir=cache)
    expected = build(replace(site, cache_dir=None), NOW)
    old = cache / "0123456789abcdef01234567"
    old.mkdir(parents=True)
    (old / "pages").mkdir()
    (old / "pages" / "x").write_bytes(b"an old version's page")
    (cache / store.TAG_FILE).write_bytes(store.TAG)
    assert build(site, NOW) == expected
    assert not old.exists()
    assert sorted(path.name for path in cache.iterdir()) == sorted([store.TAG_FILE, store.code_digest()])
    # A folder that is not a statusgen cache is never emptied: the build runs without a cache.
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    forget_this_process()
    assert build(replace(site, cache_dir=foreign), NOW) == expected
    assert sorted(path.name for path in foreign.iterdir()) == ["notes.txt"]
    # Nor is a file where the folder should be.
    assert build(replace(site, cache_dir=tmp_path / "mine" / "notes.txt"), NOW) == expected


def test_a_folder_that_is_not_a_cache_is_reported_once(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Each layer of the cache (records, pages, outputs, the published site) opens the store;
    # the user reads why the build runs without a cache once, not once per layer.
    monkeypatch.setattr(store, "_warned", set(), raising=False)  # a new process
    config = write_config(tmp_path)
    write_site(tmp_path)
    foreign = tmp_path / ".statusgen-cache"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.statusgen"):
        assert _build_in_process(str(config), str(tmp_path / "site"), "2021-10-20T12:00:00Z") == 0
    warnings = [record.getMessage() for record in caplog.records if "not a statusgen cache" in record.getMessage()]
    assert warnings == [f"statusgen: {foreign} is not a statusgen cache (no CACHEDIR.TAG in it): building without a cache"]
    assert sorted(path.name for path in foreign.iterdir()) == ["notes.txt"]


def _build_in_process(config: str, site_dir: str, now: str) -> int:
    try:
        main(["build", "-q", "-f", config, "--site-dir", site_dir, "--now", now], standalone_mode=False)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def test_concurrent_builds_in_one_folder_share_the_cache_safely(tmp_path: Path) -> None:
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 2, True) for day in range(30)})
    config = str(write_config(tmp_path))
    reference = tmp_path / "reference"
    assert CliRunner().invoke(main, ["build", "-q", "-f", config, "--no-cache", "--site-dir", str(reference),
                                     "--now", "2021-10-20T12:00:00Z"]).exit_code == 0
    for round_ in range(2):  # an empty cache, then a full one
        if round_ == 1:
            (content / "incidents" / "old-5.md").write_text(incident("Changed", 5, 1, True), encoding="utf-8")
            shutil.rmtree(reference)
            assert CliRunner().invoke(main, ["build", "-q", "-f", config, "--no-cache", "--site-dir", str(reference),
                                             "--now", "2021-10-20T12:00:00Z"]).exit_code == 0
        context = multiprocessing.get_context("spawn")
        with context.Pool(4) as pool:
            codes = pool.starmap(_build_in_process, [(config, str(tmp_path / f"out-{round_}-{n}"), "2021-10-20T12:00:00Z") for n in range(4)])
        assert codes == [0, 0, 0, 0]
        for n in range(4):
            assert tree(tmp_path / f"out-{round_}-{n}") == tree(reference)
    leftovers = [path for path in (tmp_path / ".statusgen-cache").rglob(".tmp-*")]
    assert not leftovers


def test_every_kind_of_build_counts_the_uptime_figures_on_the_other_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The plugin reads the records before MkDocs lists its files and has the figures counted
    # meanwhile (derive.measuring_ahead): under `statusgen build`, whose child it reuses, as
    # under MkDocs' own build (and serve). The site is the one built without any child.
    write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 2, day != 3) for day in range(12)})
    config = str(write_config(tmp_path))
    now = ["--now", "2021-10-20T12:00:00Z"]
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "1")
    assert CliRunner().invoke(main, ["build", "-q", "-f", config, "--no-cache", "--site-dir", str(tmp_path / "serial"), *now]).exit_code == 0
    fork_every_child(monkeypatch)
    counted_here: list[int] = []
    measure = derive.measure
    # A child's calls land in its own copy of the list: only this process's show.
    monkeypatch.setattr(derive, "measure", lambda *arguments: counted_here.append(os.getpid()) or measure(*arguments))
    assert CliRunner().invoke(main, ["build", "-q", "-f", config, "--site-dir", str(tmp_path / "cli"), *now]).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2021, 10, 20, 12, tzinfo=timezone.utc).timestamp())))
    mkdocs_build.build(load_config(config, site_dir=str(tmp_path / "mkdocs")))
    assert counted_here == []
    assert tree(tmp_path / "cli") == tree(tmp_path / "serial")
    assert tree(tmp_path / "mkdocs") == tree(tmp_path / "serial")


def test_the_uptime_figures_are_counted_while_the_rules_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `statusgen build` starts the figures' child as soon as each record is valid on its own:
    # the rules across records, the cache's writes and MkDocs' start overlap it.
    write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 2, day != 3) for day in range(12)})
    config = str(write_config(tmp_path))
    fork_every_child(monkeypatch)
    counting_when_checked: list[bool] = []
    children: list[int] = []
    check_rules = loader.check_rules

    def checked(records: Any) -> Any:
        counting_when_checked.append(derive._ahead is not None and derive._ahead[0][0] is records)
        if derive._ahead is not None and derive._ahead[1]._child is not None:
            children.append(derive._ahead[1]._child[0])
        return check_rules(records)

    monkeypatch.setattr(loader, "check_rules", checked)
    now = ["--now", "2021-10-20T12:00:00Z"]
    assert CliRunner().invoke(main, ["build", "-q", "-f", config, "--site-dir", str(tmp_path / "out"), *now]).exit_code == 0
    assert counting_when_checked == [True]
    # Records a rule refuses: reported as ever, nothing published, and the child stopped.
    write_site(tmp_path, {"content/postmortems/api-errors-review.md": POSTMORTEM.replace("incident: api-errors", "incident: no-such-incident")})
    result = CliRunner().invoke(main, ["build", "-q", "-f", config, "--site-dir", str(tmp_path / "refused"), *now])
    assert result.exit_code == 1 and "no-such-incident" in result.output
    assert counting_when_checked == [True, True] and derive._ahead is None
    assert not (tmp_path / "refused").exists()
    assert len(children) == 2
    with pytest.raises(ChildProcessError):
        os.waitpid(children[1], os.WNOHANG)  # the refused build's child is not left behind, running or unreaped


def tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_command_line_cache_options(tmp_path: Path) -> None:
    write_site(tmp_path)
    config = str(write_config(tmp_path))
    runner = CliRunner()
    now = ["--now", "2021-10-20T12:00:00Z"]
    assert runner.invoke(main, ["build", "-q", "-f", config, "--no-cache", "--site-dir", str(tmp_path / "a"), *now]).exit_code == 0
    assert not (tmp_path / ".statusgen-cache").exists()
    assert runner.invoke(main, ["build", "-q", "-f", config, "--site-dir", str(tmp_path / "b"), *now]).exit_code == 0
    assert (tmp_path / ".statusgen-cache" / store.TAG_FILE).is_file()  # beside mkdocs.yml by default
    assert runner.invoke(main, ["build", "-q", "-f", config, "--cache-dir", str(tmp_path / "elsewhere"),
                                "--site-dir", str(tmp_path / "c"), *now]).exit_code == 0
    assert (tmp_path / "elsewhere" / store.code_digest() / "pages").is_dir()
    assert tree(tmp_path / "a") == tree(tmp_path / "b") == tree(tmp_path / "c")
    # mkdocs.yml's cache_dir, relative to it; "" turns the cache off.
    write_config(tmp_path, plugins=[{"statusgen": {"cache_dir": "build/cache"}}])
    assert runner.invoke(main, ["build", "-q", "-f", config, "--site-dir", str(tmp_path / "d"), *now]).exit_code == 0
    assert (tmp_path / "build" / "cache" / store.TAG_FILE).is_file()
    for command in ("build", "serve"):
        help_text = runner.invoke(main, [command, "--help"]).output
        assert "--cache-dir" in help_text and "--no-cache" in help_text


def test_init_ignores_the_cache_in_git(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new"), "--ci", "none"])
    assert result.exit_code == 0, result.output
    ignored = (tmp_path / "new" / ".gitignore").read_text(encoding="utf-8").split()
    assert ".statusgen-cache/" in ignored


@pytest.mark.parametrize("content", [Path(__file__).resolve().parent.parent / "content", *sorted(
    (Path(__file__).resolve().parent / "golden").glob("*/input/content"))], ids=lambda path: path.parent.parent.name)
def test_every_record_of_the_example_and_golden_sites_comes_back_from_the_cache(tmp_path: Path, content: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A record whose entry does not read back is parsed again: right, but slow. Every kind of
    field the examples use must survive the trip through JSON, as the same model."""
    from statusgen import loader

    languages = ("en", "de", "fr", "es", "ja", "ar")
    fresh = loader.load_records(content, languages)
    first = record_cache.RecordCache(store.CacheStore.open(tmp_path))
    loader.load_records(content, languages, first)
    first.save()
    forget_this_process()
    parsed: list[str] = []
    original = loader._parse_record
    monkeypatch.setattr(loader, "_parse_record", lambda job: parsed.append(Path(job[1]).name) or original(job))
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")
    cached = loader.load_records(content, languages, record_cache.RecordCache(store.CacheStore.open(tmp_path)))
    assert parsed == []
    assert cached == fresh
    for kind in ("incidents", "maintenance", "postmortems", "announcements"):
        for before, after in zip(getattr(fresh, kind), getattr(cached, kind), strict=True):
            assert after.model_fields_set == before.model_fields_set


def test_serve_writes_only_what_changed_and_shows_every_change(tmp_path: Path) -> None:
    """Under serve the section lives in a folder of its own, linked into MkDocs' preview folder:
    an edit shows, a deleted record's page goes, unchanged files are not written again, and the
    folder is removed when serve stops."""
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from test_mount import EPOCH, free_port, interruptible, stop

    root = tmp_path / "live"
    write_site(root, {"content/incidents/old-1.md": incident("Old one", 1, 1, True)})
    write_config(root)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "statusgen"), "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(temporary)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=interruptible)

    def fetch(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, ""

    def wait_for(check: Any, what: str, limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                if check():
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, what
            time.sleep(0.2)

    try:
        wait_for(lambda: "Old one" in fetch("incidents/old-1/")[1], "the first build is served")
        [section] = temporary.glob("statusgen-serve-*")
        unchanged = section / "maintenance" / "db-upgrade" / "index.html"
        written = unchanged.stat().st_mtime_ns
        (root / "content" / "incidents" / "old-1.md").write_text(incident("Old one, renamed", 1, 1, True), encoding="utf-8")
        wait_for(lambda: "Old one, renamed" in fetch("incidents/old-1/")[1], "an edit is served")
        assert "Old one, renamed" in fetch("incidents/")[1]  # and the history page listing it
        (root / "content" / "incidents" / "old-1.md").unlink()
        wait_for(lambda: fetch("incidents/old-1/")[0] == 404, "a deleted record's page is gone")
        assert not (section / "incidents" / "old-1").exists()
        assert unchanged.stat().st_mtime_ns == written  # three rebuilds, never written again
        assert fetch("maintenance/db-upgrade/")[0] == 200
    finally:
        stop(server)
    told = server.stderr.read().decode() if server.stderr else ""
    assert not list(temporary.glob("statusgen-serve-*")), told
    # As `mkdocs serve` does, it says where it serves and each rebuild; and what each took from the cache.
    assert f"Serving on http://127.0.0.1:{port}/" in told
    assert told.count("statusgen: from the build cache, ") >= 3, told


def test_validate_makes_no_cache_but_uses_one_a_build_made(tmp_path: Path) -> None:
    """A pre-commit hook or a CI check runs `validate`: it leaves no folder behind in a
    repository, and reads the cache once a build has made it."""
    write_site(tmp_path)
    config = str(write_config(tmp_path))
    runner = CliRunner()
    forget_this_process()
    assert runner.invoke(main, ["validate", "-f", config]).exit_code == 0
    assert not (tmp_path / ".statusgen-cache").exists()
    assert runner.invoke(main, ["build", "-q", "-f", config, "--site-dir", str(tmp_path / "out"),
                                "--now", "2021-10-20T12:00:00Z"]).exit_code == 0
    forget_this_process()
    from statusgen import loader

    parsed: list[str] = []
    original = loader._parse_record
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "_parse_record", lambda job: parsed.append(Path(job[1]).name) or original(job))
        patch.setenv("STATUSGEN_WORKERS", "1")
        assert runner.invoke(main, ["validate", "-f", config]).exit_code == 0
    assert parsed == []


def test_a_key_is_reused_only_for_what_describes_the_same() -> None:
    # The memo of keys under `serve` (cache/pages.py): the same models, equal values of one
    # class, containers of one shape and order; anything else is described again.
    from statusgen.cache.pages import _same
    from statusgen.models import Component
    from statusgen.translations import Fallback

    component = Component(id="api", name="API")
    assert _same((component, 1, "x", None, {"a": 1, "b": 2}), (component, 1, "x", None, {"a": 1, "b": 2}))
    assert not _same(component, Component(id="api", name="API")), "an equal model, but another: described again"
    assert not _same({"a": 1, "b": 2}, {"b": 2, "a": 1}), "a dict in another order is described otherwise"
    assert not _same((1, 2), [1, 2]) and not _same((1, 2), (1, 2, 3)) and not _same(1, True)
    assert not _same("x", Fallback("x", "en")), "a marked string is told apart from a plain one"
    assert not _same(Fallback("x", "en"), Fallback("x", "de")), "and by what it carries"
    assert not _same(NOW, NOW.replace(tzinfo=None)) and _same(NOW, NOW + timedelta(0))


@pytest.mark.parametrize("late", [3, 10**6], ids=["in by the third check", "never before the lookups end"])
def test_the_live_pages_child_starts_once_the_uptime_figures_are_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    late: int) -> None:
    # The archived pages, which never show the uptime figures, are looked up while they are
    # counted; the child rendering the live pages (which show them) is forked once they are in,
    # checked every few pages, or after the last page at the latest. The same files either way.
    content = write_site(tmp_path, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 1, True) for day in range(6)})
    site = Settings(content_dir=content, cache_dir=tmp_path / "cache")
    expected = build(replace(site, cache_dir=None), NOW)
    fork_every_child(monkeypatch)
    monkeypatch.setattr(pages_module, "_CHECK_EVERY", 1)
    from statusgen.state import Counted

    checks: list[int] = []
    forked_at: list[int] = []
    monkeypatch.setattr(Counted, "ready", lambda self: checks.append(1) is None and len(checks) >= late)
    real_init = parallel.Beside.__init__

    def init(self: Any, function: Any, meanwhile: int) -> None:
        if getattr(function, "__name__", "") == "render_live":
            forked_at.append(len(checks))
        real_init(self, function, meanwhile)

    monkeypatch.setattr(parallel.Beside, "__init__", init)
    assert build(site, NOW) == expected
    if late == 3:
        assert forked_at == [3] and len(checks) == 3, "forked at the check that found them in, and no check after"
    else:
        assert forked_at == [len(checks)] and len(checks) > 10, "every page looked up first, then forked"
