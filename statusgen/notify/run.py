"""One run of `statusgen notify`: plan, then send and record, message by message.

The order of things is the delivery guarantee. Everything that can be wrong with the
configuration (the block, --channel, a variable missing from the environment) is found
before the first message goes out. Each message accepted by its receiver is recorded in the
state file at once, atomically, before the next is sent: killed at any moment, a rerun sends
every message not recorded, so each arrives at least once and only the one in flight at the
kill may arrive twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import Problem
from ..messages import did_you_mean
from ..public_view import as_of
from ..records import Records
from ..settings import Settings
from .config import AppriseChannel, Channel, EmailChannel, NotifyConfig
from .config_file import NotifyConfigError, channel_problems
from .due import Message, due_messages
from .payloads import PayloadMaker
from .planner import Plan, plan
from .secrets import Redactor, expand, missing_variables
from .senders import AppriseSender, DeliveryError, EmailSender, Sender, WebhookSender
from .state_file import NotifyState, read_state, write_state
from .texts import TextMaker
from .turns import one_run_at_a_time

OK, FAILED, BAD_CONFIGURATION = 0, 1, 2

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Site:
    """What a run reads: the settings, the records as loaded, now, and notify's block."""

    settings: Settings
    loaded: Records
    now: datetime
    config: NotifyConfig
    config_dir: Path
    """The folder of mkdocs.yml, where the state's path starts."""

    @property
    def state_path(self) -> Path:
        return self.config_dir / self.config.state


def check_channels(config: NotifyConfig, only: Sequence[str]) -> None:
    """--channel must name configured channels."""
    ids = [channel.id for channel in config.channels]
    problems = [f"--channel {name}: no such channel in notify's configuration{did_you_mean(name, ids)}"
                for name in only if name not in ids]
    if problems:
        raise NotifyConfigError([Problem("--channel", 0, "", problem) for problem in problems])


def notify(site: Site, only: Sequence[str], dry_run: bool, environ: Mapping[str, str], echo: Echo, warn: Echo) -> int:
    """Run notify once; returns the exit code. Raises NotifyConfigError (nothing sent)."""
    check_channels(site.config, only)
    public = as_of(site.loaded, site.now)
    texts = TextMaker(site.settings, public, site.now)
    if dry_run:
        state, _ = _read_state_by_time(site, public)
        _show(plan(public, state, site.config, site.now, only), site, texts, echo)
        return OK
    redactor = Redactor()
    channels = _ready_channels(site.config, only, environ, redactor)
    senders = {channel.id: _sender(channel, site, texts) for channel in channels}
    # From reading the state to its last write, alone: a run started meanwhile then reads
    # what this one sent (turns.py).
    with one_run_at_a_time(site.state_path, lambda: warn(f"{site.state_path}: another statusgen notify is running; "
                                                          "waiting for it to finish")):
        state, renamed = _read_state_by_time(site, public)
        if renamed:
            write_state(site.state_path, state)  # once, against the records it was written for
        decided = plan(public, state, site.config, site.now, only)
        state = _record_baselines(decided, state, site, echo)
        failed = _deliver(decided, state, senders, site, echo, lambda line: warn(redactor(line)))
    return FAILED if failed else OK


def _read_state_by_time(site: Site, public: Records) -> tuple[NotifyState, bool]:
    """The state file, and whether its keys were renamed: a state of version 1 named updates
    by number (`#update-2`), renamed here by the messages due now to the keys that name them
    by time (due.Message.recorded_as); keys that name no due message stay as they are."""
    state = read_state(site.state_path)
    if not state.numbered_updates:
        return state, False
    return state.renamed({message.key: message.recorded_as
                          for message in due_messages(public, site.config.reminders, site.now)}), True


def _show(decided: Plan, site: Site, texts: TextMaker, echo: Echo) -> None:
    """--dry-run: what a run would do, with every text; nothing sent or written."""
    base = site.settings.base_url
    for channel_id, messages in decided.baselines.items():
        echo(f"{channel_id}: first run: would record {len(messages)} due message(s) as sent, and send none")
    for delivery in decided.deliveries:
        channel = site.config.channel(delivery.channel)
        unsubscribe = channel.unsubscribe if isinstance(channel, EmailChannel) else None
        made = texts.texts(delivery.message, unsubscribe=unsubscribe)
        echo(f"{delivery.channel} {delivery.message.id(base)}: {made.subject}")
        echo(_indent(made.text))
    if not decided.deliveries:
        echo("Nothing to send.")


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.rstrip("\n").split("\n")) + "\n"


def _ready_channels(config: NotifyConfig, only: Sequence[str], environ: Mapping[str, str],
                    redactor: Redactor) -> list[Channel]:
    """The channels of this run with their ${VARIABLES} filled in; every one missing, or a
    value that is unusable once filled in, is an error before anything is sent."""
    problems = []
    ready = []
    for index, channel in enumerate(config.channels):
        if only and channel.id not in only:
            continue
        at = f"channels.{index}"
        missing = missing_variables(channel, environ)
        for loc, name in missing:
            field = ".".join(str(part) for part in (at, *loc))
            problems.append(_problem(config, field, f"${{{name}}} is not set in the environment"))
        if missing:
            continue
        filled = expand(channel, environ, redactor)
        for loc, message in channel_problems(filled, filled_in=True):
            problems.append(_problem(config, ".".join(str(part) for part in (at, *loc)), message))
        ready.append(filled)
    if problems:
        raise NotifyConfigError(problems)
    return ready


def _problem(config: NotifyConfig, field: str, message: str) -> Problem:
    place = config.places.get(field) or next((value for key, value in config.places.items() if key.startswith(field)), "mkdocs.yml:0")
    path, _, line = place.rpartition(":")
    return Problem(path, int(line or 0), f"notify.{field}", message)


def _sender(channel: Channel, site: Site, texts: TextMaker) -> Sender:
    if isinstance(channel, AppriseChannel):
        return AppriseSender(channel, texts)
    if isinstance(channel, EmailChannel):
        return EmailSender(channel, texts, site.settings.site_url, site.now)
    return WebhookSender(channel, PayloadMaker(site.loaded, site.settings, site.now))


def _record_baselines(decided: Plan, state: NotifyState, site: Site, echo: Echo) -> NotifyState:
    """Channels new to the state take everything due as sent; filtered keys are recorded."""
    if not decided.baselines and not decided.filtered:
        return state
    for channel, messages in decided.baselines.items():
        state = state.recorded(channel, sent=(message.recorded_as for message in messages))
        echo(f"{channel}: first run: recorded {len(messages)} due message(s) as sent, sent none; "
             "from now on, what becomes due is sent")
    for channel, keys in decided.filtered.items():
        state = state.recorded(channel, filtered=keys)
    write_state(site.state_path, state)
    return state


def _deliver(decided: Plan, state: NotifyState, senders: Mapping[str, Sender], site: Site,
             echo: Echo, warn: Echo) -> bool:
    """Send each delivery in order, recording each at once; a channel that fails is not
    sent its later messages this run (they would overtake the failed one)."""
    base = site.settings.base_url
    failed: dict[str, str] = {}
    sent: dict[str, int] = {}
    for delivery in decided.deliveries:
        message: Message = delivery.message
        if delivery.channel in failed:
            warn(f"notify: {delivery.channel}: {message.id(base)}: not sent: {failed[delivery.channel]} failed first")
            continue
        try:
            senders[delivery.channel].send(message)
        except DeliveryError as error:
            warn(f"notify: {delivery.channel}: {message.id(base)}: {error}")
            failed[delivery.channel] = message.id(base)
            continue
        state = state.recorded(delivery.channel, sent=[message.recorded_as])
        write_state(site.state_path, state)
        sent[delivery.channel] = sent.get(delivery.channel, 0) + 1
    for channel_id, count in sent.items():
        echo(f"{channel_id}: sent {count} message(s)")
    if not decided.deliveries and not decided.baselines:
        echo("Nothing to send.")
    return bool(failed)
