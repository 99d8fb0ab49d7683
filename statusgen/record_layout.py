"""Where a site's records are, by name only: the folders and catalogues of content/.

Light on purpose (no model, no parser): `statusgen build` finds which record files changed
in a child forked before the rest of statusgen is imported (files_seen.py), and that child
needs these names and nothing else. The loader pairs each name with its model.
"""

from __future__ import annotations

from pathlib import Path

RECORD_FOLDER_NAMES = ("incidents", "maintenance", "postmortems", "announcements")
"""Folders of content/ holding one Markdown record per file."""
CATALOGUE_NAMES = ("components.yml", "plans.yml")
"""YAML files of content/ holding a catalogue."""
CATALOGUE_TEXT_NAMES = ("components", "plans")
"""The catalogues whose text has translations (components.LANG.yml)."""
MAX_FILE_BYTES = 1_000_000
"""The largest record file read; a larger one is reported, not parsed."""


def name_suffix(name: str) -> str:
    """A file name's suffix as pathlib tells it (".md"; none for ".md" or "x."), without a Path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def catalogue_translation_files(content_dir: Path) -> list[Path]:
    """components.LANG.yml and plans.LANG.yml, in a stable order."""
    return sorted(path for name in CATALOGUE_TEXT_NAMES for path in content_dir.glob(f"{name}.*.yml"))
CONTENT_FOLDER = "content"
"""Where the records are, beside mkdocs.yml, unless its statusgen plugin says `content_dir`."""
