"""`statusgen build`, declared apart from the rest of the site commands (cli/site.py) so that
it can start work before statusgen's heavy modules are imported.

Importing MkDocs, pydantic, jinja2 and statusgen's models takes a fifth of a second, with the
second core idle. Meanwhile a forked child finds which record files changed since the last
build (files_seen.py), in the folders mkdocs.yml names by default; the load takes its answer
if mkdocs.yml indeed names those, and otherwise finds out itself.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..cache.store import CACHE_FOLDER
from ..files_seen import seen_ahead
from ..record_layout import CONTENT_FOLDER
from .options import cache_options, config_option


@click.command("build")
@config_option
@click.option("--now", help="Build as of this time (RFC 3339); default: SOURCE_DATE_EPOCH, else the clock.")
@click.option("--site-dir", type=click.Path(file_okay=False), help="Where to publish (default: mkdocs.yml's site_dir).")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@cache_options
def build_command(config_file: str, now: str | None, site_dir: str | None, quiet: bool, cache_dir: str | None,
                  no_cache: bool) -> None:
    """Validate every record, then build the site atomically.

    The site is built beside the target folder and swapped in only when complete: a failed
    build leaves the previous site exactly as it was. Records and pages that did not change
    since the last build come from the build cache (see --cache-dir)."""
    with seen_ahead(*_guessed_folders(config_file, cache_dir, no_cache)):
        from .site import build_site  # noqa: PLC0415 - imported while the child works (see the module's doc)

        build_site(config_file, now, site_dir, quiet, cache_dir, no_cache)


def _guessed_folders(config_file: str, cache_dir: str | None, no_cache: bool) -> tuple[Path, Path | None]:
    """The content and cache folders as mkdocs.yml's defaults and the options make them
    (plugin.settings_from_config's rule: relative to mkdocs.yml's folder)."""
    root = Path(config_file).resolve().parent
    cache = None if no_cache else Path(cache_dir).resolve() if cache_dir else (root / CACHE_FOLDER).resolve()
    return (root / CONTENT_FOLDER).resolve(), cache
