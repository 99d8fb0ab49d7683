"""`statusgen notify`: send what became public since the last run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..clock import resolve_now
from ..notify.config_file import NotifyConfigError, read_notify_config
from ..notify.run import BAD_CONFIGURATION, Site, notify
from ..notify.state_file import StateFileError
from ..plugin import settings_from_config
from .site import _quiet_mkdocs, config_option, load_site_config, user_errors, validated_records


@click.command("notify")
@config_option
@click.option("--now", help="Run as of this time (RFC 3339); default: SOURCE_DATE_EPOCH, else the clock.")
@click.option("--dry-run", is_flag=True, help="Print what would be sent, with its text; send and write nothing.")
@click.option("--channel", "channels", multiple=True, metavar="ID", help="Only this channel (repeatable).")
def notify_command(config_file: str, now: str | None, dry_run: bool, channels: tuple[str, ...]) -> None:
    """Send what became public since the last run to the channels of mkdocs.yml's `notify:`.

    Each due message that the state file does not hold for a channel is sent, oldest first,
    and recorded as soon as it is accepted. A channel's first run records what is due as
    sent and sends none. Exit 0 when everything was delivered, 1 when a delivery failed
    (the next run retries it), 2 when the configuration is wrong (nothing is sent)."""
    _quiet_mkdocs(True)
    with user_errors():
        run_now = resolve_now(now)
        config, plugin = load_site_config(config_file)
        records = validated_records(config, plugin)
        settings = settings_from_config(config, plugin.config)
    try:
        notify_config = read_notify_config(Path(config_file), records)
        if notify_config is None:
            raise click.ClickException(f"{config_file}: no `notify:` block under the statusgen plugin: nothing to send")
        site = Site(settings, records, run_now, notify_config, Path(config_file).resolve().parent)
        code = notify(site, channels, dry_run, os.environ, click.echo, lambda line: click.echo(line, err=True))
    except (NotifyConfigError, StateFileError) as error:
        click.echo(str(error), err=True)
        sys.exit(BAD_CONFIGURATION)
    except click.ClickException as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(BAD_CONFIGURATION)
    sys.exit(code)
