"""The `notify:` block of the statusgen plugin options: channels, filters, reminders.

Strict pydantic models (no coercion: `port: "587"` is an error, not 587), one per channel
type. The block is validated in two steps (see config_file.py): first its outline, then each
channel with the model its `type` names, so that an unknown key gets a did-you-mean from
the right model and an unknown type is named with the types there are.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..models.common import ID_PATTERN

Kind = Literal["incident", "maintenance", "postmortem", "announcement"]
KINDS: tuple[Kind, ...] = ("incident", "maintenance", "postmortem", "announcement")

_REMINDER_RE = re.compile(r"^P(?!$)(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?!$)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$")


def _check_reminder(value: str) -> str:
    if not _REMINDER_RE.match(value) or reminder_span(value) <= timedelta(0):
        raise ValueError(f"{value!r} is not a duration in weeks, days, hours or minutes: write ISO 8601, e.g. P1D, PT1H or P1DT12H")
    return value


def reminder_span(text: str) -> timedelta:
    """'P1DT12H' -> 36 hours (the text is checked already)."""
    match = _REMINDER_RE.match(text)
    assert match is not None
    amounts = {unit: int(amount) for unit, amount in match.groupdict().items() if amount is not None}
    return timedelta(**amounts)


Reminder = Annotated[str, AfterValidator(_check_reminder)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Reminders(_Strict):
    """When to remind people of what is coming."""

    maintenance: list[Reminder] = Field(default_factory=list, description="Before a window's scheduled_start.")
    announcement: list[Reminder] = Field(default_factory=list, description="Before an announcement's `effective` date.")


class ChannelOutline(_Strict):
    """What every channel has: an id, a type, and the filters; the rest depends on the type."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    id: str = Field(pattern=ID_PATTERN, max_length=100)
    type: str


class Filters(_Strict):
    """All optional; a message must match every filter given."""

    kinds: list[Kind] | None = Field(default=None, description="Only these kinds of message.")
    components: list[str] | None = Field(default=None, description="Incidents and maintenance touching one of these components (or groups).")
    plans: list[str] | None = Field(default=None, description="Announcements concerning one of these plans.")


class WebhookChannel(Filters):
    """POSTs Statuspage's webhook JSON."""

    id: str
    type: Literal["webhook"]
    url: str = Field(description="http(s) URL; ${VAR} is read from the environment when sending.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers, e.g. Authorization.")


class AppriseChannel(Filters):
    """Any service Apprise knows, by its URL (slack://, discord://, mailto://, json://...)."""

    id: str
    type: Literal["apprise"]
    url: str


class Smtp(_Strict):
    """How to reach the mail server."""

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535, description="Default: 25, 587 with starttls, 465 with ssl.")
    tls: Literal["none", "starttls", "ssl"] = "starttls"
    username: str | None = None
    password: str | None = None

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else {"none": 25, "starttls": 587, "ssl": 465}[self.tls]


class EmailChannel(Filters):
    """Mails each message, text and HTML, through an SMTP server."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    id: str
    type: Literal["email"]
    smtp: Smtp
    sender: str = Field(alias="from", description="The From address, e.g. 'Example Status <status@example.com>'.")
    to: list[str] = Field(min_length=1)
    unsubscribe: str | None = Field(default=None, description="URL (or mailto:) for List-Unsubscribe.")


Channel = WebhookChannel | AppriseChannel | EmailChannel

CHANNEL_TYPES: dict[str, type[WebhookChannel] | type[AppriseChannel] | type[EmailChannel]] = {
    "webhook": WebhookChannel,
    "apprise": AppriseChannel,
    "email": EmailChannel,
}


class NotifyOutline(_Strict):
    """The block as a whole; its channels are validated one by one against their type."""

    state: str = Field(default="notify-state.json", min_length=1, description="Relative to mkdocs.yml.")
    reminders: Reminders = Field(default_factory=Reminders)
    channels: list[dict[str, object]] = Field(min_length=1)


class NotifyConfig(BaseModel):
    """The validated block."""

    model_config = ConfigDict(frozen=True)

    state: str
    reminders: Reminders
    channels: tuple[Channel, ...]
    places: dict[str, str] = Field(default_factory=dict)
    """Dotted field path (`channels.1.url`) -> `mkdocs.yml:14`, for errors found later (a
    variable missing from the environment when sending)."""

    def channel(self, channel_id: str) -> Channel:
        return next(channel for channel in self.channels if channel.id == channel_id)
