"""Writing the section's files into the site folder: folders made as needed, pages linked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from statusgen.cache.file_digests import signature
from statusgen.cache.published import LinkedPage
from statusgen.outputs import OutputFile
from statusgen.served_section import write_files


def test_write_files_makes_the_folders_and_links_what_was_published(tmp_path: Path) -> None:
    published = tmp_path / "old" / "incidents" / "a" / "index.html"
    published.parent.mkdir(parents=True)
    published.write_bytes(b"<p>a</p>")
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)  # MkDocs wrote here first
    files = {
        "incidents/a/index.html": LinkedPage("incidents/a/index.html", str(published), "A", True,
                                             signature(os.lstat(published)), lambda: None),
        "incidents/b/index.html": OutputFile("incidents/b/index.html", b"<p>b</p>"),
        "assets/style.css": OutputFile("assets/style.css", b"p{}"),
        "de/incidents/a/deep/index.html": OutputFile("de/incidents/a/deep/index.html", b"<p>de</p>"),
        "index.html": OutputFile("index.html", b"<p>home</p>"),
    }
    write_files(site, files)
    for path, output in files.items():
        assert (site / path).read_bytes() == output.content
    assert os.stat(site / "incidents/a/index.html").st_ino == os.stat(published).st_ino


def test_a_file_where_a_folder_must_be_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "incidents").write_text("not a folder")
    with pytest.raises(OSError):
        write_files(tmp_path, {"incidents/a/index.html": OutputFile("incidents/a/index.html", b"x")})
