"""record_memo.fingerprint: the key that lets `statusgen build` reuse the records it validated.

It is listed with os.scandir for speed; the oracle is its first definition, written with
pathlib (rglob, one stat per question), which it must match hash for hash: same paths in the
same order, same bytes, same kinds.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from statusgen.loader import CATALOGUES, RECORD_FOLDERS
from statusgen.record_memo import fingerprint
from statusgen.translation_loader import catalogue_translation_files
from statusgen.yamlsource import MAX_FILE_BYTES


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
            digest.update(b"file:" + path.read_bytes())
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
