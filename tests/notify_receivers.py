"""Real receivers for `statusgen notify` tests: an HTTP server and an SMTP server on 127.0.0.1.

They keep what they received, as received (bytes), for the tests to parse; nothing is mocked.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class HttpReceiver:
    """Answers POSTs with `status[path]` (default 200); a path in `hold` is answered only once
    `release` is set, after `held` tells the test that a request is waiting."""

    port: int = 0
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)
    hold: dict[str, int] = field(default_factory=dict)
    """Path -> how many requests to it pass before one is held."""
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def json(self, path: str) -> list[Any]:
        return [json.loads(body) for where, _, body in self.received if where == path]


@contextmanager
def http_receiver() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                receiver.received.append((self.path, dict(self.headers.items()), body))
                count = sum(1 for where, _, _ in receiver.received if where == self.path)
            if self.path in receiver.hold and count > receiver.hold[self.path]:
                receiver.held.set()
                receiver.release.wait(120)
            code = receiver.status.get(self.path, 200)
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()


@dataclass
class SmtpReceiver:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)
    """Whether each message came over TLS."""


class _Handler:
    def __init__(self, receiver: SmtpReceiver) -> None:
        self.receiver = receiver

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.receiver.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))  # type: ignore[arg-type]
        self.receiver.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.receiver.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Certificates:
    ca_file: Path
    server: ssl.SSLContext


def certificates(folder: Path) -> Certificates:
    """A certificate authority made for the test, and a server certificate for 127.0.0.1 it signed."""
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    issued.configure_cert(server)
    ca_file = folder / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return Certificates(ca_file, server)


@contextmanager
def smtp_receiver(tls: str = "none", certs: Certificates | None = None,
                  login: tuple[str, str] | None = None) -> Iterator[SmtpReceiver]:
    """An SMTP server: plain (`none`), offering STARTTLS (required), or TLS from the start (`ssl`);
    with `login`, AUTH is required and only those credentials pass."""
    receiver = SmtpReceiver(free_port())

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            pair = (data.login.decode(), data.password.decode())
            receiver.logins.append(pair)
            return AuthResult(success=pair == login)
        return AuthResult(success=False)

    options: dict[str, Any] = {}
    if login is not None:
        # aiosmtpd knows only STARTTLS as TLS for AUTH; over `ssl` the whole connection is TLS
        # (each message's `tls` flag says so).
        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=tls == "starttls")
    if tls == "starttls":
        assert certs is not None
        options.update(tls_context=certs.server, require_starttls=True)
    elif tls == "ssl":
        assert certs is not None
        options.update(ssl_context=certs.server)
    controller = Controller(_Handler(receiver), hostname="127.0.0.1", port=receiver.port, **options)
    controller.start()
    try:
        yield receiver
    finally:
        controller.stop()
