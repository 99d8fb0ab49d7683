"""`statusgen init`: a new status site that builds at once.

The site gets a mkdocs.yml, a components.yml with one component, and one record (an
announcement that the page exists) so that every page of the site has something to show, and
the CI that publishes it (see ci.py). Nothing is written unless the whole site validates, and
nothing existing is overwritten.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path, PurePosixPath

from ..loader import load_records
from .ci import ci_files, repository_root
from .workspace import AuthoringError

MKDOCS_YML = """\
site_name: {site_name}
site_url: {site_url}
docs_dir: content            # the records live here; other Markdown pages here are published too
theme:
  name: statusgen            # or any MkDocs theme: the status pages then take its look
plugins:
  - statusgen:
      content_dir: content
      uptime_days: 90
      feed_items: 50
"""

COMPONENTS_YML = """\
# The things this page reports on, in display order.
# Group them by adding `groups:` with `id` and `name`, and `group: ID` on each component.
components:
  - id: website
    name: Website
    description: The public website
    since: {today}
"""

WELCOME = """\
---
title: This status page is live
kind: notice
published: {today}
---
Incidents, planned maintenance and notices about our services are published here.
Subscribe to the feed to hear about them as they happen.
"""

GITIGNORE = "site/\n.statusgen-cache/\n"


def site_files(site_name: str, site_url: str, today: date) -> dict[str, str]:
    """Relative path -> text of every file of a new site."""
    url = site_url if site_url.endswith("/") else site_url + "/"
    return {
        "mkdocs.yml": MKDOCS_YML.format(site_name=_quoted(site_name), site_url=url),
        "content/components.yml": COMPONENTS_YML.format(today=today.isoformat()),
        f"content/announcements/{today.isoformat()}-status-page-live.md": WELCOME.format(today=today.isoformat()),
        ".gitignore": GITIGNORE,
    }


def init_site(
    directory: Path, today: date, site_name: str = "Status", site_url: str = "https://status.example.com/", ci: str = "github",
) -> list[Path]:
    """Write a new site into `directory` (created if needed) and its CI (github, gitlab, none); the paths written.

    CI files go to the root of the git work tree that holds `directory` (CI services read them
    only there), else into `directory`, which is then expected to become the repository."""
    site = site_files(site_name, site_url, today)
    root = repository_root(directory)
    location = PurePosixPath(Path(os.path.relpath(directory.resolve(), root)).as_posix())
    files = {directory / relative: text for relative, text in site.items()}
    ci_texts = {root / relative: text for relative, text in ci_files(ci, location).items()}
    files.update(ci_texts)
    clashes = [path for path in files if path.exists() and path != directory / ".gitignore"]
    ci_clashes = [path for path in clashes if path in ci_texts]
    if ci_clashes:
        raise AuthoringError(f"{ci_clashes[0]} already exists: add statusgen's jobs to it by hand (see the user guide), or pass --ci none")
    if clashes or (directory / "content").exists():
        what = clashes[0] if clashes else directory / "content"
        raise AuthoringError(f"{what} already exists: init writes only into a new or empty folder")
    with tempfile.TemporaryDirectory(prefix="statusgen-init-") as temp:
        trial = Path(temp)
        _write(trial, site)
        load_records(trial / "content")  # a bug here would hand the user a broken site
    return _write(Path(), {path: text for path, text in files.items() if not path.exists()})


def _write(root: Path, files: dict[str, str] | dict[Path, str]) -> list[Path]:
    written = []
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
