"""MkDocs' list of docs_dir's files, without walking the record folders in it.

The scaffold keeps the records in docs_dir (`docs_dir: content`), so that other Markdown pages
beside them are published too. MkDocs' get_files then made a File of every record, its URLs
worked out through pathlib, and the plugin took them all out again (on_files): 0.12 s of work
in a rebuild of 10,000 incidents. statusgen's own `build` and `serve` hand MkDocs
this listing instead: MkDocs' own walk, in its own order, with the same exclusions and README
rule, that does not descend into the content folder's record folders. `mkdocs build` and
`mkdocs serve` keep MkDocs' listing, and the plugin's on_files takes the records out as before.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions

from .cache.store import is_cache_folder
from .plugin import StatusgenPlugin, below_content, in_record_folder

_LISTING = "get_files"
"""The name MkDocs' build() calls, from its module's globals, to list docs_dir."""

_MKDOCS_FILES_LOG = logging.getLogger("mkdocs.structure.files")
"""Where MkDocs' get_files warns of a README.md beside an index.md."""


@contextmanager
def record_folders_unlisted() -> Iterator[None]:
    """Within: MkDocs' builds list docs_dir with docs_without_records (a site with the
    statusgen plugin) or as MkDocs does (any other)."""
    listing: Callable[[MkDocsConfig], Files] = getattr(mkdocs_build, _LISTING)
    setattr(mkdocs_build, _LISTING, docs_without_records)
    try:
        yield
    finally:
        setattr(mkdocs_build, _LISTING, listing)


def docs_without_records(config: MkDocsConfig) -> Files:
    """MkDocs' get_files (1.6), less the files of the statusgen plugin's record folders."""
    content = _content_folder(config)
    if content is None:
        return get_files(config)
    docs_dir = config["docs_dir"]
    files: list[File] = []
    conflicting: list[tuple[File, File]] = []
    for folder, subfolders, names in os.walk(docs_dir, followlinks=True):
        if is_cache_folder(folder):  # a build cache kept in docs_dir is never published (plugin.py)
            subfolders[:] = []
            continue
        # Judged by real path, as the plugin's on_files judges a file: a link into a record
        # folder is one too. Pruning subfolders in place is how os.walk is told not to enter them.
        subfolders[:] = sorted(name for name in subfolders if not _records_only(content, os.path.join(folder, name)))
        relative = os.path.relpath(folder, docs_dir)
        by_destination: dict[str, File] = {}
        for name in sorted(names, key=_index_first):
            file = File(os.path.join(relative, name), docs_dir, config["site_dir"], config["use_directory_urls"])
            earlier = by_destination.setdefault(file.dest_uri, file)
            if earlier is not file:
                conflicting.append((earlier, file))
            files.append(file)
    set_exclusions(files, config)
    for first, second in conflicting:  # README.md and index.md in one folder: MkDocs' rule
        if _included(second):
            if _included(first):
                _MKDOCS_FILES_LOG.warning(f"Excluding '{first.src_uri}' from the site because it conflicts with '{second.src_uri}'.")
            if first in files:
                files.remove(first)
        elif second in files:
            files.remove(second)
    return Files(files)


def _content_folder(config: MkDocsConfig) -> str | None:
    """The real path of the site's statusgen plugin's content folder (once its on_config has
    read its settings); None for a site without it."""
    plugin = config.plugins.get("statusgen")
    if not isinstance(plugin, StatusgenPlugin) or plugin.settings is None:
        return None
    return os.path.realpath(plugin.settings.content_dir)


def _records_only(content: str, folder: str) -> bool:
    """True for a folder the plugin's on_files would find only records in (by its real path):
    a record folder of the content folder, or a folder below one."""
    below = below_content(content, os.path.realpath(folder))
    return below is not None and in_record_folder(below)


def _included(file: File) -> bool:
    """InclusionLevel.is_included (untyped in MkDocs): included, or not in the nav."""
    return bool(file.inclusion.value > InclusionLevel.DRAFT.value)


def _index_first(name: str) -> tuple[bool, str]:
    """MkDocs' order of a folder's files: index or README first, then by name."""
    return os.path.splitext(name)[0] not in ("index", "README"), name
