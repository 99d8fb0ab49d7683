"""`statusgen import statuspage FILE...`: bring a Statuspage history into content/."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from .records import authoring_errors, content_dir_of, echo_path
from .site import UserError, config_option


@click.group("import")
def import_group() -> None:
    """Bring records in from another status page service."""


@import_group.command("statuspage")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--keep-existing", is_flag=True, help="Leave records that already exist as they are (keep your edits).")
@config_option
def import_statuspage_command(files: tuple[str, ...], keep_existing: bool, config_file: str) -> None:
    """Import Statuspage API v2 JSON (summary, components, incidents, scheduled-maintenances).

    Prints each file it wrote. Importing the same files again changes nothing; a newer
    export updates the records in place, unless --keep-existing."""
    # Imported here: the converter pulls in an HTML parser no other command needs, and every
    # `statusgen build` would pay for loading it.
    from ..statuspage_import import ExportError, import_statuspage

    with authoring_errors():
        content_dir = content_dir_of(config_file)
        try:
            report = import_statuspage(content_dir, [Path(file) for file in files], keep_existing)
        except ExportError as error:
            raise UserError(f"error: {error}") from None
    for item in report:
        if item.action in ("created", "updated"):
            echo_path(item.path)
    counts = Counter(item.action for item in report)
    summary = ", ".join(f"{counts[action]} {action}" for action in ("created", "updated", "unchanged", "kept") if action != "kept" or counts[action])
    click.echo(f"Imported {len(report)} files: {summary}.", err=True)
