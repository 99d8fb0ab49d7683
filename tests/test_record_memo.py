"""record_memo.fingerprint: the key that lets `statusgen build` reuse the records it validated.

It is listed with os.scandir for speed and knows an untouched file's digest from its stat;
the oracle is its definition written with pathlib (rglob, one stat per question, every file
read), which it must match hash for hash: same paths in the same order, same digests, same
kinds.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from statusgen import files_seen, loader, record_memo
from statusgen.cache import file_digests
from statusgen.cache.store import CacheStore
from statusgen.errors import ContentError
from statusgen.loader import CATALOGUES, RECORD_FOLDERS
from statusgen.record_layout import MAX_FILE_BYTES, catalogue_translation_files
from statusgen.record_memo import fingerprint

from sites.files import write_site


def pathlib_fingerprint(content_dir: Path) -> str:
    digest = hashlib.blake2b(str(content_dir.resolve()).encode(), digest_size=20)
    candidates = [content_dir / name for catalogue in CATALOGUES for name in (catalogue, Path(catalogue).stem + ".yaml")]
    candidates.extend(catalogue_translation_files(content_dir))
    for folder in RECORD_FOLDERS:
        candidates.append(content_dir / folder)
        if (content_dir / folder).is_dir() and not (content_dir / folder).is_symlink():
            candidates.extend(sorted((content_dir / folder).rglob("*")))
    for path in candidates:
        digest.update(b"\0" + str(path).encode() + b"\0")
        if path.is_symlink():
            digest.update(b"link:" + os.readlink(path).encode())
        elif path.is_file() and path.suffix in (".md", ".yml", ".yaml") and path.stat().st_size <= MAX_FILE_BYTES:
            digest.update(b"file:" + hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest().encode())
        elif path.exists():
            info = path.stat()
            digest.update(f"other:{info.st_mode}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    incidents = root / "incidents"
    (incidents / "2024" / "05").mkdir(parents=True)
    (root / "components.yml").write_text("components: []\n")
    (root / "components.de.yml").write_text("components: {}\n")
    for name in ("a.md", "a-c.md", "a.b.md", ".md", ".hidden.md", "notes.txt", "2024/05/x.md", "2024/x.md", "2024-x.md"):
        (incidents / name).write_text(f"text of {name}\n")
    (incidents / "big.md").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    (incidents / "link.md").symlink_to("a.md")
    (incidents / "linked-folder").symlink_to(incidents / "2024")
    (incidents / "dangling.md").symlink_to("missing.md")
    (root / "maintenance").symlink_to(incidents)
    (root / "postmortems").mkdir()
    return root


def test_the_fingerprint_is_the_pathlib_definition(content: Path):
    assert fingerprint(content) == pathlib_fingerprint(content)


def test_the_loader_reads_the_record_folders_as_the_fingerprint_walked_them(content: Path):
    """The loader lists the records from the fingerprint's walk rather than walking again: the
    same records, translations and problems, in the same order, as its own walk finds."""
    incidents = content / "incidents"
    (incidents / "folder.md").mkdir()
    (incidents / ".git").mkdir()
    (incidents / ".git" / "inside.md").write_text("hidden\n")
    (incidents / "a.md~").write_text("backup\n")
    (incidents / "a.de.md").write_text("translation\n")
    (incidents / "upper.MD").write_text("wrong case\n")
    os.mkfifo(incidents / "pipe.md")
    seen = record_memo.FilesSeen(file_digests.FileDigests())
    fingerprint(content, seen)
    assert seen.walked[str(incidents)], "the fingerprint walked the incidents"
    assert str(content / "maintenance") not in seen.walked, "a linked folder is left to the loader's own walk"
    walked: tuple[list[object], list[object]] = ([], [])
    found = loader._record_files(content, walked[0], walked[1], seen.walked)  # type: ignore[arg-type]
    own: tuple[list[object], list[object]] = ([], [])
    assert found == loader._record_files(content, own[0], own[1])  # type: ignore[arg-type]
    assert walked == own
    assert ("incidents", str(incidents / "a.md")) in found and ("maintenance", str(content / "maintenance" / "a.md")) in found
    assert any("folder.md" in problem.path for problem in walked[0])  # type: ignore[attr-defined]


def test_a_relative_content_folder_hashes_as_pathlib_does(content: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(content.parent)
    assert fingerprint(Path("content")) == pathlib_fingerprint(Path("content"))


def test_every_edit_the_loader_could_see_changes_it(content: Path):
    seen = {fingerprint(content)}
    record = content / "incidents" / "a.md"
    for edit in (
        lambda: record.write_text("changed\n"),
        lambda: record.rename(content / "incidents" / "b.md"),
        lambda: (content / "incidents" / "2024" / "new.md").write_text("new\n"),
        lambda: (content / "incidents" / "2024" / "05" / "x.md").unlink(),
        lambda: (content / "components.yml").write_text("components: [x]\n"),
    ):
        edit()
        assert fingerprint(content) == pathlib_fingerprint(content)
        seen.add(fingerprint(content))
    assert len(seen) == 6


# An untouched file's digest is known from its stat (cache/file_digests.py). These tests move
# the clock that the racy rule reads, never the files' own times (which a program cannot set
# back for ctime): "later" stands for a build run a minute after the files were written.

LATER = 60 * 10**9


@pytest.fixture
def fresh_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process: no digest known yet."""
    monkeypatch.setattr(file_digests, "_known", {})
    monkeypatch.setattr(file_digests, "_stored", {})


def later(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_digests, "now_ns", lambda: time.time_ns() + LATER)
    monkeypatch.setattr(files_seen, "now_ns", file_digests.now_ns)


def read_by(content: Path, store: CacheStore | None = None) -> tuple[str, set[str]]:
    """The fingerprint, and the record files it had to read."""
    seen = record_memo.FilesSeen(file_digests.FileDigests(store))
    key = fingerprint(content, seen)
    seen.digests.save()
    return key, set(seen.contents)


def test_an_untouched_file_is_known_by_its_stat_once_old_enough(content: Path, fresh_memory: None, monkeypatch: pytest.MonkeyPatch):
    first, read = read_by(content)
    assert str(content / "incidents" / "a.md") in read
    again, read_again = read_by(content)
    assert again == first and read_again == read  # just written: racy, so read again
    later(monkeypatch)
    read_by(content)
    untouched, read_later = read_by(content)
    assert untouched == first == pathlib_fingerprint(content) and read_later == set()


@pytest.mark.parametrize("edit", ["same size, mtime put back", "replaced by a rename, times copied"])
def test_an_edit_that_keeps_size_and_mtime_is_still_seen(content: Path, fresh_memory: None, monkeypatch: pytest.MonkeyPatch, edit: str):
    record = content / "incidents" / "a.md"
    old = record.stat()
    os.utime(record, ns=(old.st_atime_ns - LATER, old.st_mtime_ns - LATER))
    before = record.stat()
    later(monkeypatch)
    read_by(content)
    assert read_by(content)[1] == set()  # trusted now
    if edit.startswith("same size"):
        record.write_text("text of b.md\n")  # as long as "text of a.md\n"
        os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:
        other = content / "incidents" / "a-new"
        other.write_text("TEXT OF A.MD\n")
        os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
        other.rename(record)
    assert (record.stat().st_size, record.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    key, read = read_by(content)
    assert str(record) in read and key == pathlib_fingerprint(content)


def test_the_digests_outlive_the_process_in_the_store(content: Path, tmp_path: Path, fresh_memory: None, monkeypatch: pytest.MonkeyPatch):
    later(monkeypatch)
    store = CacheStore.open(tmp_path / "cache")
    first, _ = read_by(content, store)
    monkeypatch.setattr(file_digests, "_known", {})  # the next build's process
    monkeypatch.setattr(file_digests, "_stored", {})
    assert read_by(content, store) == (first, set())
    (content / "incidents" / "a.md").write_text("changed\n")
    monkeypatch.setattr(file_digests, "_known", {})
    monkeypatch.setattr(file_digests, "_stored", {})
    key, read = read_by(content, store)
    assert read == {str(content / "incidents" / "a.md")} and key == pathlib_fingerprint(content)


def test_an_edit_rewrites_only_the_digest_entries_of_the_file_it_changed(content: Path, tmp_path: Path, fresh_memory: None,
                                                                         monkeypatch: pytest.MonkeyPatch):
    later(monkeypatch)
    store = CacheStore.open(tmp_path / "cache")
    assert store is not None
    read_by(content, store)
    written: list[str] = []
    real_write = CacheStore.write
    monkeypatch.setattr(CacheStore, "write", lambda self, name, payload: written.append(name) or real_write(self, name, payload))
    read_by(content, store)
    assert written == []  # nothing changed
    record = content / "incidents" / "a.md"
    before = file_digests.file_digest(record.read_bytes())
    record.write_text("changed\n")
    after = file_digests.file_digest(record.read_bytes())
    later(monkeypatch)
    monkeypatch.setattr(file_digests, "now_ns", lambda: time.time_ns() + 2 * LATER)
    monkeypatch.setattr(files_seen, "now_ns", file_digests.now_ns)
    read_by(content, store)
    assert sorted(written) == sorted({f"records/file-digests-{before[0]}.json", f"records/file-digests-{after[0]}.json"})


def test_the_digest_entries_an_edit_rewrites_are_what_a_new_process_writes_them_all(
        content: Path, tmp_path: Path, fresh_memory: None, monkeypatch: pytest.MonkeyPatch):
    # save() rewrites only the entries of the paths hashed, added or gone; after edits, a
    # removal, an addition and a file still too fresh to trust, the store holds what a
    # process saving every digest from scratch would write.
    later(monkeypatch)
    store = CacheStore.open(tmp_path / "cache")
    assert store is not None
    read_by(content, store)
    incidents = content / "incidents"
    (incidents / "a.md").write_text("edited\n")
    (incidents / "a-c.md").unlink()
    (incidents / "new.md").write_text("new\n")
    monkeypatch.setattr(file_digests, "now_ns", lambda: time.time_ns() + 2 * LATER)
    monkeypatch.setattr(files_seen, "now_ns", file_digests.now_ns)
    read_by(content, store)
    (incidents / "a.b.md").write_text("edited just now\n")  # racy: its digest is dropped, not kept
    monkeypatch.setattr(file_digests, "now_ns", time.time_ns)
    monkeypatch.setattr(files_seen, "now_ns", file_digests.now_ns)
    read_by(content, store)

    def entries() -> dict[str, bytes]:
        """The entries holding digests, as stored (a missing one and one of `{}` say the same)."""
        found = {path.name: path.read_bytes() for path in sorted((tmp_path / "cache").rglob("file-digests-*.json"))}
        return {name: payload for name, payload in found.items() if not payload.endswith(b"\n{}")}

    kept = entries()
    assert any(str(incidents / "new.md") in payload.decode() for payload in kept.values())
    assert not any(str(incidents / "a-c.md") in payload.decode() or str(incidents / "a.b.md") in payload.decode()
                   for payload in kept.values())
    for entry in (tmp_path / "cache").rglob("file-digests-*.json"):
        entry.unlink()
    monkeypatch.setattr(file_digests, "_stored", {})  # a new process, with the digests it trusts
    monkeypatch.setattr(file_digests, "_known", {key: value for key, value in file_digests._known.items()})
    read_by(content, store)
    assert entries() == kept


@pytest.mark.parametrize("damage", [b"", b"garbage", b'{"x": [1]}', b"[]"])
def test_a_damaged_digest_entry_only_means_reading_again(content: Path, tmp_path: Path, fresh_memory: None,
                                                         monkeypatch: pytest.MonkeyPatch, damage: bytes):
    later(monkeypatch)
    store = CacheStore.open(tmp_path / "cache")
    read_by(content, store)
    entries = sorted((tmp_path / "cache").rglob("file-digests-*.json"))
    assert entries
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-5] if not damage else damage)
    monkeypatch.setattr(file_digests, "_known", {})
    monkeypatch.setattr(file_digests, "_stored", {})
    key, read = read_by(content, store)
    assert key == pathlib_fingerprint(content) and str(content / "incidents" / "a.md") in read


# The listing: what the loader's record_files depends on (every name in the record folders
# and its kind), so that `serve` walks the folders again only when a save changed it.

def listing_of(content: Path) -> str | None:
    seen = record_memo.FilesSeen(file_digests.FileDigests())
    fingerprint(content, seen)
    return seen.listing


def test_the_listing_changes_with_names_and_kinds_not_with_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    content = write_site(tmp_path / "site")
    incidents = content / "incidents"
    listings = [listing_of(content)]
    (incidents / "api-errors.md").write_text((incidents / "api-errors.md").read_text() + "\nMore.\n")
    (content / "components.yml").write_text((content / "components.yml").read_text() + "\n")
    assert listing_of(content) == listings[0], "a record's or a catalogue's bytes are no part of it"
    for edit in (
        lambda: (incidents / "new.md").write_text("x"),
        lambda: (incidents / "new.md").rename(incidents / "renamed.md"),
        lambda: (incidents / "notes.MD").write_text("x"),
        lambda: ((incidents / "renamed.md").unlink(), (incidents / "renamed.md").mkdir()),
        lambda: (incidents / "renamed.md").chmod(0o500),
        lambda: (content / "postmortems").rename(tmp_path / "away"),
        lambda: monkeypatch.chdir(tmp_path),  # the loader names files relative to the working folder
    ):
        edit()
        listings.append(listing_of(content))
    assert len(set(listings)) == len(listings)
    (incidents / "link.md").symlink_to(incidents / "api-errors.md")
    assert listing_of(content) is None, "a link's target may change kind: no listing is trusted then"


def test_the_loader_walks_the_record_folders_again_only_for_a_new_listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    content = write_site(tmp_path / "site")
    cache = tmp_path / "cache"
    walks: list[Path] = []
    walk = loader._record_files
    monkeypatch.setattr(loader, "_record_files", lambda *args: walks.append(args[0]) or walk(*args))
    monkeypatch.setattr(loader, "_listed", None)

    def load() -> object:
        record_memo._last = None  # the listing is what is tested, not the memo of whole loads
        try:
            return record_memo.load_records_once(content, None, cache)
        except ContentError as error:
            return error.report()

    def fresh() -> object:
        monkeypatch.setattr(loader, "_listed", None)
        return load()

    assert load() == fresh() and len(walks) == 2
    record = content / "incidents" / "api-errors.md"
    record.write_text(record.read_text().replace("title:", "title: Edited", 1))
    loaded = load()
    assert len(walks) == 2 and "Edited" in loaded.incidents[0].title and loaded == fresh()
    for change in (lambda: (content / "incidents" / "other.md").write_text(record.read_text()),
                   lambda: (content / "incidents" / "x.MD").write_text("x")):
        change()
        before = len(walks)
        assert load() == fresh() and len(walks) == before + 2, "a new name is walked to"
    assert "lower case" in str(load())
