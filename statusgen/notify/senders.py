"""The channels: one adapter each, with one method, `send(message)`.

`send` returns once the receiver has accepted the message and raises DeliveryError with a
short reason otherwise. Nothing here decides what to send, or records anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol
from urllib.parse import urlsplit

import apprise

from .. import __version__
from .config import AppriseChannel, EmailChannel, WebhookChannel
from .due import Message
from .payloads import PayloadMaker
from .texts import TextMaker

TIMEOUT = 30.0
"""Seconds a receiver has to accept a message (webhook: to answer 2xx)."""
USER_AGENT = f"statusgen/{__version__} (notify)"


class DeliveryError(Exception):
    """The receiver did not accept the message; the text says why, in a few words."""


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A POST redirected would arrive as a GET, or not at all: a 3xx is a failure to deliver.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class WebhookSender:
    """POSTs Statuspage's webhook JSON; delivered when every document gets a 2xx answer."""

    def __init__(self, channel: WebhookChannel, payloads: PayloadMaker, timeout: float = TIMEOUT) -> None:
        self._channel = channel
        self._payloads = payloads
        self._timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects)

    def send(self, message: Message) -> None:
        for document in self._payloads.payloads(message):
            body = json.dumps(document, ensure_ascii=False, sort_keys=False).encode("utf-8")
            headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **self._channel.headers}
            request = urllib.request.Request(self._channel.url, data=body, headers=headers, method="POST")
            try:
                with self._opener.open(request, timeout=self._timeout) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                raise DeliveryError(f"HTTP {error.code} {error.reason}") from None
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise DeliveryError(f"no answer: {reason}") from None
            if not 200 <= status < 300:
                raise DeliveryError(f"HTTP {status}")


class AppriseSender:
    """Sends a title and a Markdown body to any Apprise URL."""

    def __init__(self, channel: AppriseChannel, texts: TextMaker) -> None:
        self._channel = channel
        self._texts = texts

    def send(self, message: Message) -> None:
        texts = self._texts.texts(message)
        notifier = apprise.Apprise()
        if not notifier.add(self._channel.url):
            raise DeliveryError("the URL is not one Apprise can send to")
        with _apprise_log() as said:
            delivered = notifier.notify(title=texts.subject, body=texts.text, body_format=apprise.NotifyFormat.MARKDOWN)
        if not delivered:
            raise DeliveryError(said[-1] if said else "the service did not accept it")


@contextmanager
def _apprise_log() -> Iterator[list[str]]:
    """What Apprise logs while sending, as the reason of a failure; never printed by itself
    (its lines may quote the URL, which holds the secrets)."""
    said: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                said.append(record.getMessage())

    logger = logging.getLogger("apprise")
    handler = Keep()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield said
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class EmailSender:
    """Mails the message, text and HTML, through the channel's SMTP server."""

    def __init__(self, channel: EmailChannel, texts: TextMaker, site_url: str, now: datetime,
                 timeout: float = TIMEOUT) -> None:
        self._channel = channel
        self._texts = texts
        self._domain = urlsplit(site_url).hostname or "localhost"
        self._now = now
        self._timeout = timeout

    def email(self, message: Message) -> EmailMessage:
        """The message as an email, headers and both parts."""
        texts = self._texts.texts(message, unsubscribe=self._channel.unsubscribe)
        mail = EmailMessage()
        mail["Subject"] = texts.subject
        mail["From"] = self._channel.sender
        mail["To"] = ", ".join(self._channel.to)
        mail["Date"] = format_datetime(self._now)
        mail["Message-ID"] = self._message_id(message.key)
        # Every message about one record in one thread, whether or not its first one was sent.
        thread = self._message_id(message.page + "#thread")
        mail["In-Reply-To"] = thread
        mail["References"] = thread
        if self._channel.unsubscribe:
            mail["List-Unsubscribe"] = f"<{self._channel.unsubscribe}>"
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(texts.text)
        mail.add_alternative(texts.html, subtype="html")
        return mail

    def _message_id(self, key: str) -> str:
        """Stable per message and channel: a resend is recognisably the same email."""
        digest = hashlib.sha256(f"{self._channel.id}\x1f{key}".encode()).hexdigest()[:32]
        return f"<{digest}@{self._domain}>"

    def send(self, message: Message) -> None:
        mail = self.email(message)
        smtp = self._channel.smtp
        try:
            with self._connect() as client:
                if smtp.username is not None:
                    client.login(smtp.username, smtp.password or "")
                client.send_message(mail)
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(f"SMTP {error.smtp_code}: {_text(error.smtp_error)}") from None
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"recipients refused: {', '.join(error.recipients)}") from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
            raise DeliveryError(f"SMTP: {error}") from None

    def _connect(self) -> smtplib.SMTP:
        smtp = self._channel.smtp
        context = ssl.create_default_context()
        if smtp.tls == "ssl":
            return smtplib.SMTP_SSL(smtp.host, smtp.effective_port, timeout=self._timeout, context=context)
        client = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=self._timeout)
        if smtp.tls == "starttls":
            try:
                client.starttls(context=context)
            except BaseException:
                client.close()
                raise
        return client


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value

