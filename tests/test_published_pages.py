"""`statusgen build` links the pages unchanged since the last build from the site it published.

The judge is the same as for the rest of the cache: a build without it, compared file by file.
Here the builds go through the command (only it publishes by swapping), and between builds
the published site itself is tampered with in every way a file can change: written in place
(with its modification time put back, so that only its change time tells), replaced by
another file, removed, turned into a link, the whole site removed, the record of what was
published damaged.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from pathlib import Path
from typing import Any

import jinja2
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen import files_seen, loader, parallel, plugin, record_memo, swap, templating
from statusgen.cache import file_digests, published, store
from statusgen.cache import pages as page_cache
from statusgen.cache import records as record_cache
from statusgen.cli import main
from statusgen.cli import site as site_command

from golden_compare import files_under
from sites.files import record_text, write_config, write_site
from test_build_cache import IDS, TITLES, _build_in_process, forget_this_process, fork_every_child, incident

NOW = "2021-10-20T12:00:00Z"


def build(root: Path, site: str, *options: str) -> None:
    result = CliRunner().invoke(main, ["build", "-q", "-f", str(root / "mkdocs.yml"), "--site-dir", str(root / site),
                                       "--now", NOW, *options])
    assert result.exit_code == 0, result.output


def assert_as_without_cache(root: Path) -> None:
    """site/ (built with the cache, over the last one) holds what a build without it makes."""
    shutil.rmtree(root / "expected", ignore_errors=True)
    build(root, "expected", "--no-cache")
    actual, expected = root / "site", root / "expected"
    assert files_under(actual) == files_under(expected)
    different = [name for name in sorted(files_under(expected)) if (actual / name).read_bytes() != (expected / name).read_bytes()]
    assert not different


def make_site(root: Path) -> Path:
    write_site(root, {f"content/incidents/old-{day}.md": incident(f"Old {day}", day, 2, True) for day in range(6)})
    write_config(root)
    return root / "site"


def built_twice_forking(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The site at `root` built twice (the second build linking the first's pages), every
    child forked from then on, as on a long history; its site folder."""
    site = make_site(root)
    build(root, "site")
    build(root, "site")
    fork_every_child(monkeypatch)
    return site


def incident_pages(site: Path) -> list[Path]:
    return sorted(site.glob("incidents/*/index.html"))


def page_inodes(site: Path) -> dict[Path, int]:
    """Each incident page of site/ -> its inode: the same one after a build means it was linked, not written."""
    return {path: os.stat(path).st_ino for path in incident_pages(site)}


@pytest.fixture(params=["here", "ahead"], ids=["checked as the pages begin", "checked ahead by a child"])
def last_site_check(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """How the last site's pages are checked: in the build process, or by a child while the
    records are read, as on a long history (cache/published.py, check_and_link)."""
    if request.param == "ahead":
        fork_every_child(monkeypatch)
    return str(request.param)


def test_the_last_site_is_checked_by_a_child_while_the_records_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path)
    build(tmp_path, "site")
    fork_every_child(monkeypatch)
    checked_here: list[str] = []  # a child's calls land in its own copy of this list
    real_check = published._check
    monkeypatch.setattr(published, "_check", lambda store, folder: checked_here.append(folder) or real_check(store, folder))
    before = page_inodes(site)
    build(tmp_path, "site")
    assert checked_here == [], "the build process checked the last site itself"
    assert page_inodes(site) == before, "the child's answer was not used"
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10_000)  # a short history: checked as the pages begin
    build(tmp_path, "site")
    assert checked_here == [str(site.resolve())]


@pytest.mark.parametrize("last_site", [False, True], ids=["into an empty folder", "over the last site"])
def test_the_templates_are_compiled_by_a_child_while_the_records_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last_site: bool) -> None:
    # The build process (which renders the archived pages of a short history and the 404
    # page itself) compiles no template: a child compiled them all ahead, in every language.
    make_site(tmp_path)
    write_config(tmp_path, plugins=[{"statusgen": {"languages": ["en", "de"]}}])
    if last_site:
        build(tmp_path, "site")
    fork_every_child(monkeypatch)
    monkeypatch.setattr(templating, "_COMPILED", {})
    compiled_here: list[str | None] = []  # a child's calls land in its own copy of this list
    real_compile = jinja2.Environment.compile

    def compile_noted(self: jinja2.Environment, source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled_here.append(name)
        return real_compile(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_noted)
    build(tmp_path, "site" if last_site else "fresh")
    assert compiled_here == []
    assert {language.code for language in templating._COMPILED} == {"en", "de"}
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10_000)  # a short history: each compiled where it is used
    monkeypatch.setattr(templating, "_COMPILED", {})
    build(tmp_path, "site")
    assert "index.html" in compiled_here
    assert_as_without_cache(tmp_path)


def test_a_page_written_to_while_the_build_runs_is_written_anew_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path)
    build(tmp_path, "site")
    page = site / "incidents" / "old-2" / "index.html"
    real_checked = published._checked

    def checked_then_written_to(cache: store.CacheStore, folder: str) -> dict[str, published._Published]:
        untouched = real_checked(cache, folder)
        with page.open("ab") as file:  # after the check, in place: the same file, still linked
            file.write(b"<!-- written during the build -->")
        return untouched

    monkeypatch.setattr(published, "_checked", checked_then_written_to)
    build(tmp_path, "site")
    assert page.read_bytes().endswith(b"<!-- written during the build -->"), "linked as it was"
    monkeypatch.setattr(published, "_checked", real_checked)
    build(tmp_path, "site")
    assert_as_without_cache(tmp_path)


def test_pages_that_did_not_change_are_the_last_builds_files(tmp_path: Path, last_site_check: str) -> None:
    site = make_site(tmp_path)
    build(tmp_path, "site")
    before = {path: os.stat(path) for path in incident_pages(site)}
    (tmp_path / "content" / "incidents" / "old-3.md").write_text(incident("Changed", 3, 2, True), encoding="utf-8")
    build(tmp_path, "site")
    changed = site / "incidents" / "old-3" / "index.html"
    for path, info in before.items():
        now = os.stat(path)
        if path == changed:
            assert now.st_ino != info.st_ino and "Changed" in path.read_text(encoding="utf-8")
        else:
            # The same file: a host serving ETag and Last-Modified from it answers 304.
            assert (now.st_ino, now.st_mtime_ns) == (info.st_ino, info.st_mtime_ns), path
            assert now.st_nlink == 2, "the page is site/'s and the retired last site's (swap.py)"
    assert os.stat(site / "index.html").st_ino != os.stat(site / "incidents" / "index.html").st_ino
    assert_as_without_cache(tmp_path)


def tamper(site: Path, how: str, which: int) -> None:
    """Change the published site between builds as a user, a tool or a broken disk might."""
    pages = incident_pages(site)
    page = pages[which % len(pages)] if pages else None
    if how == "remove-site":
        shutil.rmtree(site, ignore_errors=True)
    elif page is None:
        return
    elif how == "append":
        with page.open("ab") as file:
            file.write(b"<!-- minified? -->")
    elif how == "same-size":
        # Written in place, same size, its modification time put back: only ctime tells.
        info = page.stat()
        data = page.read_bytes()
        page.write_bytes(data.replace(b"<html", b"<HTML", 1))
        os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    elif how == "replace":
        # Another file renamed into its place, with the same size and times.
        other = page.with_name("other")
        other.write_bytes(page.read_bytes().replace(b"<html", b"<HTML", 1))
        shutil.copystat(page, other)
        os.replace(other, page)
    elif how == "remove":
        page.unlink()
    elif how == "symlink":
        target = page.with_name("elsewhere.html")
        target.write_bytes(page.read_bytes())
        page.unlink()
        page.symlink_to(target)
    elif how == "damage-record":
        for entry in (site.parent / ".statusgen-cache" / store.code_digest() / "published").iterdir():
            entry.write_bytes(entry.read_bytes()[:-5])


TAMPERINGS = ("append", "same-size", "replace", "remove", "symlink", "remove-site", "damage-record")


@pytest.mark.parametrize("how", TAMPERINGS)
def test_a_published_page_changed_since_is_written_again(tmp_path: Path, how: str, last_site_check: str) -> None:
    site = make_site(tmp_path)
    build(tmp_path, "site")
    build(tmp_path, "site")  # now with pages linked from the first
    tamper(site, how, 2)
    build(tmp_path, "site")
    assert_as_without_cache(tmp_path)
    assert not (site / "incidents" / "old-2" / "index.html").is_symlink()


STEPS = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(IDS), TITLES, st.integers(0, 30), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.sampled_from(IDS)),
    st.tuples(st.sampled_from(TAMPERINGS), st.integers(0, 20)),
    st.tuples(st.just("build"),),
)


@settings(max_examples=int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "40")) // 4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEPS, min_size=1, max_size=5))
def test_any_sequence_of_edits_and_tampering_publishes_what_a_build_without_cache_does(
        tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[object, ...]]) -> None:
    root = tmp_path_factory.mktemp("published")
    site = make_site(root)
    build(root, "site")
    incidents = root / "content" / "incidents"
    for step in steps:
        kind = step[0]
        if kind == "write":
            _, name, title, day, updates = step
            (incidents / f"{name}.md").write_text(incident(str(title), int(day), int(updates), True), encoding="utf-8")  # type: ignore[call-overload]
        elif kind == "delete" and step[1] != "api-errors":  # the post-mortem refers to it
            (incidents / f"{step[1]}.md").unlink(missing_ok=True)
        elif kind in TAMPERINGS:
            tamper(site, str(kind), int(step[1]))  # type: ignore[call-overload]
        build(root, "site")
        assert_as_without_cache(root)


def test_builds_at_once_into_one_site_publish_it_whole(tmp_path: Path) -> None:
    # Each links from the site as it finds it, which another may swap away meanwhile: a page
    # whose link fails comes from the cache, and the last swap leaves a whole site.
    site = make_site(tmp_path)
    build(tmp_path, "site")
    (tmp_path / "content" / "incidents" / "old-4.md").write_text(incident("Changed", 4, 1, True), encoding="utf-8")
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        codes = pool.starmap(_build_in_process, [(str(tmp_path / "mkdocs.yml"), str(site), NOW)] * 6)
    assert codes == [0] * 6
    assert_as_without_cache(tmp_path)
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".statusgen-site")] == [".statusgen-site-retired"]


def test_the_site_before_the_last_is_deleted_only_once_the_pages_to_link_are_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last_site_check: str) -> None:
    # Deleting the retired site unlinks files the last site shares with it, which moves
    # their change time: were that to happen before a build checks them, it would link
    # nothing. Deleting at the very moment the build releases it makes the order certain.
    # A child checking ahead deletes it itself, before it links the pages: the change time
    # each link leaves is then the one the next build finds.
    monkeypatch.setattr(swap._Removal, "start", swap._Removal.finish)
    site = make_site(tmp_path)
    build(tmp_path, "site")
    build(tmp_path, "site")  # the first site is retired, sharing every unchanged page
    before = page_inodes(site)
    for step in range(1, 4):
        (tmp_path / "content" / "incidents" / "old-1.md").write_text(incident(f"Changed {step}", 1, 2, True), encoding="utf-8")
        build(tmp_path, "site")  # deletes the site before the last while it builds
        after = page_inodes(site)
        changed = site / "incidents" / "old-1" / "index.html"
        assert after[changed] != before[changed]
        assert {path: ino for path, ino in after.items() if path != changed} == \
            {path: ino for path, ino in before.items() if path != changed}, f"build {step} wrote unchanged pages"
        assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".statusgen-site")] == [".statusgen-site-retired"]
        assert_as_without_cache(tmp_path)
        before = after


@pytest.mark.parametrize("prefix", ["", "status/"], ids=["at the root", "under a prefix"])
def test_the_site_before_the_last_becomes_the_folder_the_next_build_links_into(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    # It shares every page neither build changed with the last site, linked in both: those
    # stay where they are (no link comes or goes, so no change time moves), and whatever else
    # it held (a page since changed or gone, the site's other files, a stray) goes.
    make_site(tmp_path)
    write_config(tmp_path, plugins=[{"statusgen": {"prefix": prefix}}])
    build(tmp_path, "site")
    build(tmp_path, "site")
    fork_every_child(monkeypatch)
    section = tmp_path / "site" / prefix
    retired = tmp_path / ".statusgen-site-retired" / prefix
    (retired / "incidents" / "stray.html").write_text("a stray", encoding="utf-8")
    (tmp_path / "content" / "incidents" / "old-3.md").unlink()
    (tmp_path / "content" / "incidents" / "old-4.md").write_text(incident("Changed", 4, 1, True), encoding="utf-8")
    # A page's folder is the retired site's own (moved with it), not a new one it was linked into.
    # Each is held open through the build: a folder removed keeps its inode while held, so a new
    # folder cannot be given the same number (file systems reuse those of removed files).
    folders = {path.parent.relative_to(retired): os.open(path.parent, os.O_RDONLY) for path in incident_pages(retired)}
    try:
        build(tmp_path, "site")
        kept = {folder.name for folder, held in folders.items()
                if (section / folder).is_dir() and os.path.samestat(os.fstat(held), os.stat(section / folder))}
    finally:
        for held in folders.values():
            os.close(held)
    assert kept == {"old-0", "old-1", "old-2", "old-5", "api-errors"}, "the unchanged pages did not stay where they were"
    assert not (section / "incidents" / "stray.html").exists() and not (section / "incidents" / "old-3").exists()
    assert not (section / ".gitignore").exists() or prefix
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".statusgen-site")] == [".statusgen-site-retired"]
    assert_as_without_cache(tmp_path)
    # What the build recorded holds: the next one links every page again, and writes none.
    before = page_inodes(section)
    build(tmp_path, "site")
    assert page_inodes(section) == before


def test_a_site_before_the_last_that_cannot_be_reused_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its files are removed one by one as they are walked: should that fail half way (a
    # folder that cannot be read), the build checks the last site itself and links nothing
    # from the folder, whatever it still holds.
    site = built_twice_forking(tmp_path, monkeypatch)
    (tmp_path / ".statusgen-site-retired" / "incidents" / "stray.html").write_text("a stray", encoding="utf-8")

    def fail(folder: str, *_: Any) -> bool:
        raise PermissionError(folder)

    monkeypatch.setattr(published, "_keep_untouched", fail)
    build(tmp_path, "site")
    assert not (site / "incidents" / "stray.html").exists()
    assert_as_without_cache(tmp_path)


def test_a_page_written_to_between_the_check_and_its_link_is_written_anew_by_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The child links a page only if its file is still the one it checked. One written to in
    # between is published as it then is (as is one written to later in the build), but left
    # out of the record: the next build writes it anew, and links the others as before.
    site = built_twice_forking(tmp_path, monkeypatch)
    page = site / "incidents" / "old-2" / "index.html"
    real_take = site_command.take_retired_site

    def take_and_write(*arguments: Any) -> bool:  # called in the child, between the check and the links
        taken = real_take(*arguments)
        with page.open("ab") as file:
            file.write(b"<!-- written meanwhile -->")
        return taken

    monkeypatch.setattr(site_command, "take_retired_site", take_and_write)
    build(tmp_path, "site")
    assert b"written meanwhile" in page.read_bytes(), "the build did not run the tampering"
    monkeypatch.setattr(site_command, "take_retired_site", real_take)
    before = page_inodes(site)
    build(tmp_path, "site")
    after = page_inodes(site)
    assert after[page] != before[page]
    assert {path: ino for path, ino in after.items() if path != page} == {path: ino for path, ino in before.items() if path != page}
    assert_as_without_cache(tmp_path)


@pytest.mark.parametrize("prefix", ["", "status/"], ids=["at the root", "under a prefix"])
def test_pages_linked_ahead_that_changed_or_went_leave_the_last_site_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    # The child checking the last site links its untouched pages into a folder beside it, and
    # the build moves that folder's page folders into the new site whole. A page that changed
    # since is written as a new file (never into the link: that would rewrite the last site's
    # page, which site/ still serves), and one that is gone leaves no folder behind.
    site = make_site(tmp_path)
    write_config(tmp_path, plugins=[{"statusgen": {"prefix": prefix}}])
    build(tmp_path, "site")
    fork_every_child(monkeypatch)
    section, retired = site / prefix, swap.retired_path(site) / prefix
    old_page = (section / "incidents" / "old-3" / "index.html").read_bytes()
    (tmp_path / "content" / "incidents" / "old-3.md").write_text(incident("Changed", 3, 2, True), encoding="utf-8")
    (tmp_path / "content" / "incidents" / "old-4.md").unlink()
    written: list[str] = []
    real_write_files = plugin.write_files
    monkeypatch.setattr(plugin, "write_files", lambda folder, files: written.extend(files) or real_write_files(folder, files))
    build(tmp_path, "site")
    assert f"{prefix}incidents/old-3/index.html" in written and f"{prefix}incidents/old-2/index.html" not in written, \
        "the unchanged pages are in place before anything is written"
    assert (retired / "incidents" / "old-3" / "index.html").read_bytes() == old_page
    assert b"Changed" in (section / "incidents" / "old-3" / "index.html").read_bytes()
    assert not (section / "incidents" / "old-4").exists()
    unchanged = section / "incidents" / "old-2" / "index.html"
    assert os.stat(unchanged).st_ino == os.stat(retired / "incidents" / "old-2" / "index.html").st_ino
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".statusgen-site")] == [".statusgen-site-retired"]
    assert_as_without_cache(tmp_path)


def test_pages_linked_ahead_move_into_folders_the_site_already_has(tmp_path: Path) -> None:
    # Folder by folder: renamed whole where the new site has none of the name, merged where it
    # has one; a page where the site has a folder of its name stays out (the build writes it).
    ahead, site = tmp_path / "ahead", tmp_path / "site"
    for path in ("incidents/a/index.html", "incidents/b/index.html", "de/incidents/a/index.html", "de/stays/index.html",
                 "de/a.html"):
        (ahead / path).parent.mkdir(parents=True, exist_ok=True)
        (ahead / path).write_text(path, encoding="utf-8")
    (site / "de" / "stays" / "index.html").mkdir(parents=True)
    (site / "de" / "feed.xml").write_text("MkDocs' own", encoding="utf-8")
    moved = published._Moved()
    published._move_entries(str(ahead), str(site), moved)
    assert moved.left == ["de/stays/index.html"]
    # Folders renamed whole (incidents/, de/incidents/), a file on its own into a folder both have
    # (its change time moves: the build records its stat anew).
    assert moved.files == {"de/a.html"}
    assert files_under(site) == {"incidents/a/index.html", "incidents/b/index.html", "de/incidents/a/index.html", "de/feed.xml",
                                 "de/a.html"}
    assert (site / "de" / "incidents" / "a" / "index.html").read_text(encoding="utf-8") == "de/incidents/a/index.html"


def test_the_child_lists_the_cached_pages_ahead_and_the_build_keeps_what_the_lists_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A build whose child works ahead does not list the 11,000 entries of the page cache: the
    # child found the strays (an entry no list names, what a killed build left) before any
    # page was written, and the build removes those with what it used last time and no more.
    built_twice_forking(tmp_path, monkeypatch)
    monkeypatch.setattr(page_cache, "_kept_entries", {})  # a new process, as every `statusgen build` is
    cache = tmp_path / ".statusgen-cache" / store.code_digest()
    pages = cache / "pages"
    stray = pages / ("0" * 40)
    stray.write_bytes(b"no list names it")
    leftover = pages / ".tmp-1-1"
    leftover.write_bytes(b"half written")
    os.utime(leftover, (0, 0))  # a killed build's, long ago
    listed_here: list[str] = []  # the child's listings land in its own copy of this list
    scan = store._scan
    monkeypatch.setattr(store, "_scan", lambda folder: listed_here.append(Path(folder).name) or scan(folder))
    before = {path.name for path in pages.iterdir()}
    (tmp_path / "content" / "incidents" / "old-1.md").write_text(incident("Changed", 1, 2, True), encoding="utf-8")
    build(tmp_path, "site")
    assert "pages" not in listed_here
    after = {path.name for path in pages.iterdir()}
    named = set().union(*(set(path.read_bytes().split(b"\n", 2)[2].decode().split("\n")) for path in (cache / "pages-used").iterdir()))
    assert after == named, "the folder holds the pages the lists name, and no other"
    assert stray.name not in after and leftover.name not in after and before - after - {stray.name, leftover.name}
    assert_as_without_cache(tmp_path)


@pytest.mark.parametrize("content_dir", ["content", "records"], ids=["the folders guessed", "another content_dir"])
def test_the_changed_records_are_found_by_a_child_forked_before_the_imports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content_dir: str) -> None:
    # `statusgen build` forks a child that fingerprints the record files in the folders
    # mkdocs.yml names by default (cli/build.py); the build takes its answer, and its code
    # digest for that build only, when mkdocs.yml does name those folders, and otherwise
    # fingerprints them itself. Either way it publishes what a build without the cache does.
    make_site(tmp_path)
    if content_dir != "content":
        (tmp_path / "content").rename(tmp_path / content_dir)
        write_config(tmp_path, docs_dir=content_dir, plugins=[{"statusgen": {"content_dir": content_dir}}])
    build(tmp_path, "site")
    fork_every_child(monkeypatch)
    fingerprinted_here: list[Path] = []  # the child's calls land in its own copy of this list
    real_fingerprint = record_memo.fingerprint
    monkeypatch.setattr(record_memo, "fingerprint", lambda folder, seen=None: fingerprinted_here.append(folder) or
                        real_fingerprint(folder, seen))
    (tmp_path / content_dir / "incidents" / "old-2.md").write_text(incident("Changed", 2, 1, True), encoding="utf-8")
    build(tmp_path, "site")
    assert fingerprinted_here == ([] if content_dir == "content" else [(tmp_path / content_dir).resolve()])
    assert store._adopted is None, "the child's code digest served that build only"
    assert b"Changed" in (tmp_path / "site" / "incidents" / "old-2" / "index.html").read_bytes()
    assert_as_without_cache(tmp_path)


def test_a_first_build_hashes_each_record_once_where_it_is_parsed_and_keeps_the_digests(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without a store of this code (a first build, a new version) no record can be in the
    # cache: the child forked before the imports lists the record folders without reading
    # them (it hashes the catalogues only), and the workers that parse each record read and
    # hash it; the digests are saved in the store the build opens, so that the next build
    # knows each file by its stat and finds each record in the cache under the digest of what
    # was parsed.
    make_site(tmp_path)
    # A translation too: read and hashed where it is parsed, in this process.
    (tmp_path / "content" / "incidents" / "api-errors.de.md").write_text(
        record_text({"title": "API-Fehler"}, "Fehler.\n"), encoding="utf-8")
    write_config(tmp_path, plugins=[{"statusgen": {"languages": ["en", "de"]}}])
    fork_every_child(monkeypatch)
    forget_this_process()
    old_enough = lambda: time.time_ns() + 10**10  # noqa: E731 - the files old enough to trust
    for module in (files_seen, loader, record_cache):
        monkeypatch.setattr(module, "now_ns", old_enough)
    hashed_by_child = tmp_path / "hashed by the child"
    real_digest = files_seen.file_digest

    def noted_digest(data: bytes) -> str:
        with hashed_by_child.open("a", encoding="utf-8") as file:
            file.write(f"{len(data)}\n")
        return real_digest(data)

    monkeypatch.setattr(files_seen, "file_digest", noted_digest)
    fingerprinted_here: list[Path] = []
    real_fingerprint = record_memo.fingerprint
    monkeypatch.setattr(record_memo, "fingerprint", lambda folder, seen=None: fingerprinted_here.append(folder) or
                        real_fingerprint(folder, seen))
    build(tmp_path, "site")
    content = (tmp_path / "content").resolve()
    catalogues = [path for path in content.glob("*.yml")]
    assert fingerprinted_here == []
    # `statusgen build` builds once: a forked child wrote the records' entries (the next build
    # finds every record in them), and this process kept none of them.
    assert record_cache._memory and all(entry is None for _, entry in record_cache._memory.values())
    assert sorted(map(int, hashed_by_child.read_text().split())) == sorted(path.stat().st_size for path in catalogues)
    cached = store.CacheStore(tmp_path / ".statusgen-cache" / store.code_digest())
    saved: dict[str, list[Any]] = {}
    for shard in "0123456789abcdef":
        payload = cached.read(f"records/file-digests-{shard}.json")
        saved.update(json.loads(payload) if payload is not None else {})
    record_files = {str(path) for path in content.rglob("*") if path.suffix in (".md", ".yml")}
    assert set(saved) == record_files
    assert all(value[5] == file_digests.file_digest(Path(path).read_bytes()) for path, value in saved.items())
    forget_this_process()
    hashed_by_child.unlink()
    parsed: list[object] = []  # the files handed to the parse (in this process: its workers are forked)
    real_map = loader.map_in_order
    monkeypatch.setattr(loader, "map_in_order", lambda function, items, *more: parsed.extend(items) or real_map(function, items, *more))
    build(tmp_path, "site")
    assert fingerprinted_here == [] and parsed == [], "every digest known by its stat, every record in the cache"
    assert not hashed_by_child.exists(), "the next build's child knows every file by its stat"
    assert_as_without_cache(tmp_path)


def test_a_build_that_fails_leaves_the_last_sites_pages_to_be_linked_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The child links the last site's pages ahead; a build that then fails removes the links,
    # which moves each page's change time: it records them again, so that after the fix the
    # next build links every unchanged page instead of writing them all anew.
    site = built_twice_forking(tmp_path, monkeypatch)
    before = page_inodes(site)
    broken = tmp_path / "content" / "incidents" / "broken.md"
    broken.write_text("---\ntitle: No impact, no start\n---\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-q", "-f", str(tmp_path / "mkdocs.yml"), "--site-dir", str(site), "--now", NOW])
    assert result.exit_code == 1 and "broken.md" in result.output
    assert page_inodes(site) == before, "the failed build left site/ as it was"
    broken.unlink()
    build(tmp_path, "site")
    assert page_inodes(site) == before, "the unchanged pages are linked, not written"
    assert_as_without_cache(tmp_path)
