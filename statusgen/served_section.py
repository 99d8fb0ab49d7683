"""Under `serve`, statusgen's files stay in a folder of their own between rebuilds.

MkDocs' live preview empties its site folder and writes every file again on each rebuild.
For a status site that is one folder and one file per incident: at 10,000 incidents, 23,000
deletions and 11,600 writes, seconds on a disk, for an edit that changed a few pages. So
while serving, the plugin writes its outputs into this folder instead, changing only the
files whose bytes changed since the last rebuild (and removing those no longer built), and
links the folder's entries into MkDocs' site folder once MkDocs has written its own files.
The preview server follows the links; MkDocs' cleaning removes the links, never their targets.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .cache.published import LinkedPage
from .folders import make_folder, remove_empty_parents
from .outputs import OutputFile


class ServedSection:
    """The status section's files, kept across the rebuilds of one `serve`."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="statusgen-serve-"))
        self._written: dict[str, bytes] = {}

    def update(self, files: dict[str, bytes]) -> None:
        """Make the folder hold exactly `files` (site-relative path -> bytes), writing only
        what changed since the last update."""
        for path, content in files.items():
            before = self._written.get(path)
            if before is content or before == content:
                continue
            target = self.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            # Beside it, then renamed: the server may be reading the old file at this moment.
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(content)
            os.replace(temporary, target)
        for path in self._written.keys() - files.keys():
            (self.folder / path).unlink(missing_ok=True)
            remove_empty_parents(f"{self.folder}/{path}", str(self.folder))
        self._written = dict(files)

    def link_into(self, site_dir: Path) -> None:
        """Link every entry of the folder into MkDocs' freshly built site folder."""
        _link_tree(self.folder, site_dir)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def write_files(folder: Path, files: dict[str, OutputFile]) -> None:
    """Write `files` (path relative to `folder` -> file) into `folder`, making folders as
    needed; a page unchanged since the last build is linked from where it was published."""
    root = str(folder)
    made = {root}
    for path, output in files.items():
        target = f"{root}/{path}"
        make_folder(os.path.dirname(target), made)
        if isinstance(output, LinkedPage):
            try:
                os.link(output.source, target)
                continue
            except OSError:
                pass  # another file system, or one without links: written as any other
        _write_new(target, output.content)


def _write_new(target: str, content: bytes) -> None:
    """Write `content` as a new file at `target`, replacing what is there: never into it, as
    a file there may be a link to the last site's page (cache/published.py)."""
    try:
        file = open(target, "xb")  # noqa: SIM115 - closed below
    except FileExistsError:
        os.unlink(target)
        file = open(target, "xb")  # noqa: SIM115
    with file:
        file.write(content)


def _link_tree(source: Path, target: Path) -> None:
    for entry in os.scandir(source):
        there = target / entry.name
        if there.is_dir() and not there.is_symlink() and entry.is_dir():
            _link_tree(Path(entry.path), there)  # MkDocs wrote into this folder too: link entry by entry
            continue
        if there.is_symlink() or there.is_file():
            there.unlink()  # statusgen's file wins, as it does in a build (plugin._add_outputs)
        elif there.is_dir():
            shutil.rmtree(there)
        there.symlink_to(entry.path, target_is_directory=entry.is_dir())
