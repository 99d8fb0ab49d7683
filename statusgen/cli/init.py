"""`statusgen init DIR`: a new status site that builds at once, and the CI that publishes it."""

from __future__ import annotations

from pathlib import Path

import click

from .. import authoring
from ..authoring.ci import CI_CHOICES
from ..clock import resolve_now
from .records import authoring_errors, echo_path

_NEXT_STEPS = {
    "github": "Then, on GitHub: Settings > Pages > Source: GitHub Actions, and push.",
    "gitlab": "Then, on GitLab: push, and add a pipeline schedule (Build > Pipeline schedules) to keep it current.",
    "none": "",
}


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", "site_name", default="Status", show_default=True, help="The site's name (site_name).")
@click.option("--url", "site_url", default="https://status.example.com/", show_default=True, help="Where it will be published (site_url).")
@click.option("--ci", "ci", type=click.Choice(CI_CHOICES), default="github", show_default=True,
              help="Also write CI that validates changes and publishes the site: GitHub Actions, GitLab CI, or none.")
def init_command(directory: str, site_name: str, site_url: str, ci: str) -> None:
    """Create a new status site in DIRECTORY: mkdocs.yml, content/ with a component and a first record, and CI.

    CI files go to the root of the git repository that holds DIRECTORY, else into DIRECTORY."""
    with authoring_errors():
        written = authoring.init_site(Path(directory), resolve_now().date(), site_name, site_url, ci)
    for path in written:
        echo_path(path)
    click.echo(f"Next: cd {directory} && statusgen build   (or statusgen serve to preview)", err=True)
    if _NEXT_STEPS[ci]:
        click.echo(_NEXT_STEPS[ci], err=True)
