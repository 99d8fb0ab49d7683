"""Commands that write one record: new incident/maintenance/postmortem/announcement, update, resolve.

Each parses its options, calls statusgen.authoring, and prints the path it wrote on stdout,
so that `$EDITOR $(statusgen new incident ...)` works. Mistakes print cleanly and exit 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from .. import authoring
from ..authoring.translations import new_translation
from ..authoring.workspace import display_path
from ..clock import NowError, parse_now, resolve_now
from ..models import AnnouncementKind, Impact, IncidentStatus
from ..plugin import settings_from_config
from .site import UserError, config_option, load_site_config, user_errors

STATUS_CHOICE = click.Choice([status.value for status in IncidentStatus])


@contextmanager
def authoring_errors() -> Iterator[None]:
    """The user's mistakes, including a refused change, as clean messages (exit 1)."""
    with user_errors():
        try:
            yield
        except authoring.AuthoringError as error:
            raise UserError(f"error: {error}") from None


def content_dir_of(config_file: str) -> Path:
    """The content folder that mkdocs.yml's statusgen block names."""
    config, plugin = load_site_config(config_file)
    return settings_from_config(config, plugin.config).content_dir


def moment(value: str | None, option: str = "--at") -> datetime:
    """An RFC 3339 option, or now (SOURCE_DATE_EPOCH, else the clock) when it is not given."""
    try:
        return parse_now(value) if value else resolve_now()
    except NowError as error:
        if value is None:
            raise
        raise UserError(f"error: {option} {value!r}: expected an RFC 3339 timestamp with an offset, e.g. 2021-10-04T18:00:00Z") from error


def echo_path(path: Path) -> None:
    """Print a written file's path as the user would type it (stdout, one per line)."""
    click.echo(display_path(path))


at_option = click.option("--at", "at", metavar="TIME", help="When (RFC 3339 with an offset); default: now, in UTC.")
component_option = click.option(
    "-c", "--component", "components", multiple=True, metavar="ID[=STATUS]",
    help="An affected component, optionally with its status (repeatable).",
)


@click.group("new")
def new_group() -> None:
    """Write a new record: incident, maintenance, postmortem or announcement."""


@new_group.command("incident")
@click.argument("title")
@click.option("--impact", required=True, type=click.Choice([impact.value for impact in Impact]), help="How bad it is.")
@component_option
@click.option("--status", default="investigating", show_default=True, type=STATUS_CHOICE, help="Status of the first update.")
@click.option("-m", "--message", help="Markdown text of the first update (default: the title).")
@at_option
@config_option
def new_incident_command(title: str, impact: str, components: tuple[str, ...], status: str, message: str | None, at: str | None, config_file: str) -> None:
    """Open an incident: writes incidents/<date>-<slug>.md with its first update."""
    with authoring_errors():
        content_dir = content_dir_of(config_file)
        echo_path(authoring.open_incident(content_dir, title, impact, components, moment(at), status, message))


@click.command("update")
@click.argument("incident_id", metavar="ID")
@click.option("--status", required=True, type=STATUS_CHOICE, help="Where the incident stands now.")
@click.option("-m", "--message", required=True, help="Markdown text of the update.")
@click.option("-c", "--component", "components", multiple=True, metavar="ID=STATUS", help="A component's status from this update on (repeatable).")
@at_option
@config_option
def update_command(incident_id: str, status: str, message: str, components: tuple[str, ...], at: str | None, config_file: str) -> None:
    """Append an update to incident ID."""
    with authoring_errors():
        content_dir = content_dir_of(config_file)
        echo_path(authoring.add_update(content_dir, incident_id, status, message, components, moment(at)))


@click.command("resolve")
@click.argument("incident_id", metavar="ID")
@click.option("-m", "--message", help=f"Markdown text of the last update (default: {authoring.incidents.RESOLVED_MESSAGE!r}).")
@at_option
@config_option
def resolve_command(incident_id: str, message: str | None, at: str | None, config_file: str) -> None:
    """Close incident ID: a last update with status resolved, and its resolved time."""
    with authoring_errors():
        content_dir = content_dir_of(config_file)
        echo_path(authoring.resolve_incident(content_dir, incident_id, moment(at), message))


@new_group.command("maintenance")
@click.argument("title")
@click.option("--start", required=True, metavar="TIME", help="Scheduled start (RFC 3339).")
@click.option("--end", required=True, metavar="TIME", help="Scheduled end (RFC 3339).")
@click.option("-c", "--component", "components", multiple=True, metavar="ID", help="A component under maintenance (repeatable).")
@click.option("-m", "--message", help="Markdown body: what happens and what users will notice.")
@click.option("--announced", metavar="TIME", help="Make the window public only from this time (RFC 3339); default: at once.")
@config_option
def new_maintenance_command(title: str, start: str, end: str, components: tuple[str, ...], message: str | None,
                            announced: str | None, config_file: str) -> None:
    """Schedule a maintenance window: writes maintenance/<date>-<slug>.md."""
    with authoring_errors():
        content_dir = content_dir_of(config_file)
        path = authoring.new_maintenance(content_dir, title, moment(start, "--start"), moment(end, "--end"), components, message,
                                         announced=moment(announced, "--announced") if announced else None)
        echo_path(path)


@new_group.command("postmortem")
@click.argument("incident_id", metavar="INCIDENT")
@click.option("--author", "authors", multiple=True, help="An author (repeatable).")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), help="Publication date (default: today, UTC).")
@config_option
def new_postmortem_command(incident_id: str, authors: tuple[str, ...], published: datetime | None, config_file: str) -> None:
    """Draft the post-mortem of INCIDENT, its timeline taken from the incident's updates."""
    with authoring_errors():
        content_dir = content_dir_of(config_file)
        echo_path(authoring.new_postmortem(content_dir, incident_id, _day(published), authors))


@new_group.command("announcement")
@click.argument("title")
@click.option("--kind", required=True, type=click.Choice([kind.value for kind in AnnouncementKind]), help="What kind of notice.")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), help="Publication date (default: today, UTC).")
@click.option("--effective", type=click.DateTime(["%Y-%m-%d"]), help="When it takes effect.")
@click.option("--plan", "plans", multiple=True, metavar="ID", help="A plan it concerns (repeatable).")
@click.option("-m", "--message", help="Markdown body.")
@config_option
def new_announcement_command(
    title: str, kind: str, published: datetime | None, effective: datetime | None, plans: tuple[str, ...], message: str | None, config_file: str,
) -> None:
    """Write a policy, retention, pricing or other notice: announcements/<date>-<slug>.md."""
    with authoring_errors():
        content_dir = content_dir_of(config_file)
        path = authoring.new_announcement(
            content_dir, title, kind, _day(published), effective.date() if effective else None, plans, message,
        )
        echo_path(path)


@new_group.command("translation")
@click.argument("record_id", metavar="ID")
@click.option("--lang", required=True, metavar="LANG", help="One of the site's other languages (mkdocs.yml's `languages`).")
@config_option
def new_translation_command(record_id: str, lang: str, config_file: str) -> None:
    """Write ID's translation into LANG with the texts to translate: ID of any record, or
    components / plans for the catalogues."""
    with authoring_errors():
        config, plugin = load_site_config(config_file)
        settings = settings_from_config(config, plugin.config)
        echo_path(new_translation(settings.content_dir, settings.languages, record_id, lang))


def _day(value: datetime | None) -> date:
    return value.date() if value is not None else resolve_now().date()

