"""`statusgen init DIR`: a new status site that builds at once."""

from __future__ import annotations

from pathlib import Path

import click

from .. import authoring
from ..clock import resolve_now
from .records import authoring_errors, echo_path


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", "site_name", default="Status", show_default=True, help="The site's name (site_name).")
@click.option("--url", "site_url", default="https://status.example.com/", show_default=True, help="Where it will be published (site_url).")
def init_command(directory: str, site_name: str, site_url: str) -> None:
    """Create a new status site in DIRECTORY: mkdocs.yml, content/ with a component and a first record."""
    with authoring_errors():
        written = authoring.init_site(Path(directory), resolve_now().date(), site_name, site_url)
    for path in written:
        echo_path(path)
    click.echo(f"Next: cd {directory} && statusgen build   (or statusgen serve to preview)", err=True)
