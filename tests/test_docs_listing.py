"""statusgen's own listing of docs_dir (docs_listing.py) against MkDocs' get_files: the same
files, in the same order, with the same exclusions, less the records the plugin takes out."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.structure.files import Files, get_files

from statusgen.docs_listing import docs_without_records, record_folders_unlisted
from statusgen.plugin import _records_among

from sites.files import write_config, write_site

PAGES = {
    "content/index.md": "# Home\n",
    "content/README.md": "# Read me\n",  # beside index.md: MkDocs keeps index.md, with a warning
    "content/about/README.md": "# About\n",  # alone: it is the folder's index
    "content/about/team.md": "# Team\n",
    "content/guide/drafts/wip.md": "# Not yet\n",  # excluded below
    "content/.hidden.md": "# Hidden\n",  # MkDocs' default exclusion
    "content/incidents/notes/draft.md": "# A note among the records\n",  # below a record folder
    "content/maintenance/README.md": "# Planned work\n",
    "content/assets/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
    "content/incidentsx/page.md": "# Not a record folder, by one letter\n",
}


def _config(tmp_path: Path, **settings: object):  # type: ignore[no-untyped-def]
    write_site(tmp_path, PAGES)
    # A folder of the site's own that is a link to a record folder: its files are records too.
    os.symlink(tmp_path / "content" / "postmortems", tmp_path / "content" / "linked-postmortems")
    config = load_config(str(write_config(tmp_path, exclude_docs="drafts/\n", **settings)))
    return config.plugins.on_config(config)


def _described(files: Files) -> list[tuple[str, str, str, str]]:
    return [(file.src_uri, str(file.inclusion), file.dest_uri, file.url) for file in files]


def _less_the_records(config, files: Files) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    """What the plugin's on_files leaves of a listing: the records (the catalogues beside the
    record folders among them) taken out."""
    for file in _records_among(config.plugins["statusgen"].settings.content_dir, files):
        files.remove(file)
    return _described(files)


def test_the_listing_is_mkdocs_less_the_records(tmp_path: Path) -> None:
    config = _config(tmp_path)
    unwalked = docs_without_records(config)
    # Of the records, only the catalogues beside the record folders are listed: no folder of records is walked.
    records_listed = {file.src_uri for file in _records_among(config.plugins["statusgen"].settings.content_dir, unwalked)}
    assert records_listed == {"components.yml", "plans.yml"}
    listed = _less_the_records(config, unwalked)
    assert listed == _less_the_records(config, get_files(config))
    sources = [src for src, *_ in listed]
    # What the comparison rests on: the site's pages are there, the records are not.
    assert {"index.md", "about/README.md", "about/team.md", "incidentsx/page.md", "assets/logo.svg"} <= set(sources)
    assert not [src for src in sources if src.startswith(("incidents/", "maintenance/", "postmortems/", "linked-postmortems/"))]
    assert "README.md" not in sources  # the conflict MkDocs resolves for index.md
    excluded = {src for src, inclusion, *_ in listed if "EXCLUDED" in inclusion}
    assert {"guide/drafts/wip.md", ".hidden.md"} <= excluded


def test_directory_urls_off_lists_the_same(tmp_path: Path) -> None:
    config = _config(tmp_path, use_directory_urls=False)
    assert _less_the_records(config, docs_without_records(config)) == _less_the_records(config, get_files(config))


def test_a_site_without_the_plugin_keeps_mkdocs_listing(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Docs\n")
    (tmp_path / "docs" / "incidents").mkdir()
    (tmp_path / "docs" / "incidents" / "page.md").write_text("# A page\n")
    config = load_config(str(write_config(tmp_path, docs_dir="docs", theme={"name": "mkdocs"}, plugins=[])))
    assert _described(docs_without_records(config)) == _described(get_files(config))
    assert "incidents/page.md" in [file.src_uri for file in docs_without_records(config)]


def test_the_listing_stands_in_for_mkdocs_only_within(tmp_path: Path) -> None:
    listing = mkdocs_build.get_files  # type: ignore[attr-defined]
    with record_folders_unlisted():
        assert mkdocs_build.get_files is docs_without_records  # type: ignore[attr-defined]
    assert mkdocs_build.get_files is listing  # type: ignore[attr-defined]
    assert isinstance(listing(_config(tmp_path)), Files)
