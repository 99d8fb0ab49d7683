"""`statusgen notify` against real receivers: an HTTP server taking webhooks and Apprise's
json:// posts, an SMTP server (aiosmtpd) plain, with STARTTLS and with TLS. What they
received is parsed (JSON against Statuspage's shapes, email with the `email` package)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import html5lib
import pytest
from click.testing import CliRunner

from statusgen.cli import main

from notify_receivers import HttpReceiver, certificates, http_receiver, smtp_receiver
from sites.files import replace, write_config, write_site
from test_statuspage_api import (
    AFFECTED,
    COMPONENT_STATUS,
    INCIDENT,
    MAINTENANCE,
    STATUS,
    assert_shape,
    statuspage_id,
    text,
    timestamp,
)

BEFORE = "2021-09-01T00:00:00Z"
"""The site has only its maintenance window (public always: no `announced`)."""
AFTER = "2021-10-06T00:00:00Z"
"""...and now an announcement, two incident updates and a post-mortem, oldest first."""
NEWS = [
    "announcements/team-price/",
    "incidents/api-errors/#update-1",
    "incidents/api-errors/#update-2",
    "postmortems/api-errors-review/",
]
BASE = "https://status.example.com/"

META = {"unsubscribe": lambda v: v is None, "documentation": lambda v: v is None, "message_id": text,
        "reminder": lambda v: v is None or isinstance(v, str)}
WEBHOOK_PAGE = {"id": statuspage_id, "status_indicator": STATUS["indicator"], "status_description": text}
COMPONENT_UPDATE = {"created_at": timestamp, "new_status": COMPONENT_STATUS, "old_status": COMPONENT_STATUS,
                    "id": statuspage_id, "component_id": statuspage_id}
WEBHOOK_COMPONENT = {"created_at": timestamp, "id": statuspage_id, "name": text, "status": COMPONENT_STATUS}


def make_site(root: Path, channels: list[dict[str, Any]], **notify: Any) -> Path:
    write_site(root)
    return write_config(root, plugins=[{"statusgen": {"notify": {"channels": channels, **notify}}}])


def run(config: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["notify", "-f", str(config), *args], env=env, catch_exceptions=False)


def _notify_command(config: Path, *args: str) -> list[str]:
    """`statusgen notify` as a process of its own (one the test can kill or run twice at once)."""
    return [sys.executable, "-c", "from statusgen.cli import main; main()", "notify", "-f", str(config), *args]


def test_webhook_apprise_and_email_receive_what_became_public(tmp_path):
    with http_receiver() as http, smtp_receiver() as smtp:
        config = make_site(tmp_path, [
            {"id": "ops", "type": "webhook", "url": http.url("/hook"), "headers": {"Authorization": "Bearer ${HOOK_TOKEN}"}},
            {"id": "chat", "type": "apprise", "url": f"json://127.0.0.1:{http.port}/apprise"},
            {"id": "mail", "type": "email", "smtp": {"host": "127.0.0.1", "port": smtp.port, "tls": "none"},
             "from": "Example Status <status@example.com>", "to": ["subscribers@example.com"],
             "unsubscribe": "https://lists.example.com/unsubscribe"},
        ])
        env = {"HOOK_TOKEN": "t0ken-s3cret"}
        first = run(config, "--now", BEFORE, env=env)
        assert first.exit_code == 0, first.output
        assert "first run" in first.output and http.received == [] and smtp.messages == []
        second = run(config, "--now", AFTER, env=env)
        assert second.exit_code == 0, second.output
        again = run(config, "--now", AFTER, env=env)
        assert again.exit_code == 0 and "Nothing to send." in again.output

    check_webhooks(http)
    check_apprise(http)
    check_emails(smtp.messages)
    assert "t0ken-s3cret" not in second.output + first.output
    assert "t0ken-s3cret" not in (tmp_path / "notify-state.json").read_text()


def check_webhooks(http: HttpReceiver) -> None:
    documents = http.json("/hook")
    assert all(headers["Authorization"] == "Bearer t0ken-s3cret" for path, headers, _ in http.received if path == "/hook")
    for document in documents:
        assert_shape(document["meta"], META, "meta")
        assert_shape(document["page"], WEBHOOK_PAGE, "page")
    kinds = [(document["meta"]["message_id"].removeprefix(BASE), sorted(set(document) - {"meta", "page"})) for document in documents]
    assert kinds == [
        (NEWS[0], ["announcement"]),
        (NEWS[1], ["incident"]), (NEWS[1], ["component", "component_update"]),
        (NEWS[2], ["incident"]), (NEWS[2], ["component", "component_update"]),
        (NEWS[3], ["postmortem"]),
    ]
    first, second = documents[1]["incident"], documents[3]["incident"]
    assert_shape(first, INCIDENT, "incident")
    assert_shape(second, INCIDENT, "incident")
    # The incident as it stood at each update: its updates up to that one, newest first.
    assert [update["status"] for update in first["incident_updates"]] == ["investigating"]
    assert first["status"] == "investigating" and first["resolved_at"] is None
    assert [update["status"] for update in second["incident_updates"]] == ["resolved", "investigating"]
    assert second["status"] == "resolved"
    assert documents[1]["page"]["status_indicator"] == "major"  # the page while the API was failing
    assert documents[3]["page"]["status_indicator"] == "none"
    for document, (old, new) in ((documents[2], ("operational", "partial_outage")), (documents[4], ("partial_outage", "operational"))):
        assert_shape(document["component_update"], COMPONENT_UPDATE, "component_update")
        assert_shape(document["component"], WEBHOOK_COMPONENT, "component")
        change = document["component_update"]
        assert (change["old_status"], change["new_status"]) == (old, new)
        assert change["component_id"] == document["component"]["id"] == first["components"][0]["id"]
        assert document["component"]["name"] == "API" and document["component"]["status"] == new
    assert documents[0]["announcement"]["plans"] == ["team"] and documents[0]["announcement"]["kind"] == "pricing"
    assert documents[5]["postmortem"]["incident_id"] == first["id"]
    assert documents[5]["postmortem"]["shortlink"] == BASE + NEWS[3]


def check_apprise(http: HttpReceiver) -> None:
    posts = http.json("/apprise")
    assert [post["title"] for post in posts] == [
        "[Status] Pricing: Team price change",
        "[Status] Investigating: API errors",
        "[Status] Resolved: API errors",
        "[Status] Post-mortem: API errors",
    ]
    assert "We are looking into it." in posts[1]["message"]
    assert BASE + NEWS[1] in posts[1]["message"]
    assert "- API: Partial outage" in posts[1]["message"]


def check_emails(messages: list[Any]) -> None:
    assert [message["Subject"] for message in messages] == [
        "[Status] Pricing: Team price change",
        "[Status] Investigating: API errors",
        "[Status] Resolved: API errors",
        "[Status] Post-mortem: API errors",
    ]
    ids = [message["Message-ID"] for message in messages]
    assert len(set(ids)) == 4 and all(i.endswith("@status.example.com>") for i in ids)
    assert messages[1]["References"] == messages[2]["References"]  # one thread per record
    for message in messages:
        assert message.get_content_type() == "multipart/alternative"
        assert message["List-Unsubscribe"] == "<https://lists.example.com/unsubscribe>"
        assert message["From"] == "Example Status <status@example.com>"
        plain = message.get_body(("plain",)).get_content()
        page = message.get_body(("html",)).get_content()
        assert BASE in plain
        check_email_html(page)
    assert "We are looking into it." in messages[1].get_body(("plain",)).get_content()


def check_email_html(page: str) -> None:
    document = html5lib.parse(page, namespaceHTMLElements=False)
    assert document.findall(".//script") == [] and document.findall(".//img") == []
    assert document.findall(".//style") == [] and document.findall(".//link") == []
    links = [a.get("href") for a in document.iter("a")]
    assert links and all(link.startswith("https://") for link in links), links
    metas = {meta.get("name"): meta.get("content") for meta in document.iter("meta")}
    assert metas.get("color-scheme") == "light dark"
    # No colour is set anywhere but through currentColor and inherit: the reader's client
    # picks the text and the background, light or dark.
    for element in document.iter():
        style = element.get("style") or ""
        for declaration in style.split(";"):
            name, _, value = declaration.partition(":")
            if name.strip() in ("color", "background", "background-color") or "color" in name and "border" not in name:
                assert value.strip() in ("inherit", "currentColor"), style


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_email_over_tls_with_login(tmp_path, monkeypatch, tls):
    certs = certificates(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca_file))  # the client trusts the test's authority only
    with smtp_receiver(tls, certs, login=("status-bot", "pa55word")) as smtp:
        config = make_site(tmp_path, [
            {"id": "mail", "type": "email", "kinds": ["postmortem"],
             "smtp": {"host": "127.0.0.1", "port": smtp.port, "tls": tls, "username": "${SMTP_USER}", "password": "${SMTP_PASSWORD}"},
             "from": "status@example.com", "to": ["a@example.com", "b@example.com"]},
        ])
        env = {"SMTP_USER": "status-bot", "SMTP_PASSWORD": "pa55word"}
        assert run(config, "--now", BEFORE, env=env).exit_code == 0
        result = run(config, "--now", AFTER, env=env)
    assert result.exit_code == 0, result.output
    assert smtp.logins == [("status-bot", "pa55word")] and smtp.tls == [True]
    assert smtp.envelopes == [("status@example.com", ["a@example.com", "b@example.com"])]
    assert smtp.messages[0]["Subject"] == "[Status] Post-mortem: API errors"
    assert "pa55word" not in result.output


def test_a_failing_channel_does_not_stop_the_others_and_is_retried_once(tmp_path):
    with http_receiver() as http:
        config = make_site(tmp_path, [
            {"id": "good", "type": "webhook", "url": http.url("/good"), "kinds": ["incident"]},
            {"id": "bad", "type": "webhook", "url": http.url("/bad"), "kinds": ["incident"]},
        ])
        assert run(config, "--now", BEFORE).exit_code == 0
        http.status["/bad"] = 500
        failed = run(config, "--now", AFTER)
        assert failed.exit_code == 1
        assert f"notify: bad: {BASE}{NEWS[1]}: HTTP 500" in failed.output
        assert f"notify: bad: {BASE}{NEWS[2]}: not sent" in failed.output
        del http.status["/bad"]
        retried = run(config, "--now", AFTER)
        assert retried.exit_code == 0, retried.output
    good = [d["meta"]["message_id"] for d in http.json("/good") if "incident" in d]
    bad = [d["meta"]["message_id"] for d in http.json("/bad") if "incident" in d]
    assert good == [BASE + NEWS[1], BASE + NEWS[2]]
    # Tried once and refused, then delivered once each on the next run, in order.
    assert bad == [BASE + NEWS[1], BASE + NEWS[1], BASE + NEWS[2]]


def test_killed_while_sending_then_rerun_loses_nothing_and_repeats_at_most_the_one_in_flight(tmp_path):
    with http_receiver() as http:
        config = make_site(tmp_path, [{"id": "ops", "type": "apprise", "url": f"json://127.0.0.1:{http.port}/slow"}])
        assert run(config, "--now", BEFORE).exit_code == 0
        http.hold["/slow"] = 2  # the third message is held unanswered
        command = _notify_command(config, "--now", AFTER)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy())
        try:
            assert http.held.wait(120), "the third message never arrived"
            process.send_signal(signal.SIGKILL)
            process.wait()
        finally:
            if process.poll() is None:
                process.kill()
        http.release.set()
        del http.hold["/slow"]
        rerun = run(config, "--now", AFTER)
        assert rerun.exit_code == 0, rerun.output
    titles = [post["title"] for post in http.json("/slow")]
    expected = ["[Status] Pricing: Team price change", "[Status] Investigating: API errors",
                "[Status] Resolved: API errors", "[Status] Post-mortem: API errors"]
    assert titles == expected[:3] + expected[2:]  # the one in flight at the kill, twice; the rest once
    json.loads((tmp_path / "notify-state.json").read_text())  # whole, whatever the moment of the kill


def test_two_runs_at_once_take_turns_and_send_each_message_once(tmp_path):
    with http_receiver() as http:
        config = make_site(tmp_path, [{"id": "ops", "type": "apprise", "url": f"json://127.0.0.1:{http.port}/slow"}])
        assert run(config, "--now", BEFORE).exit_code == 0
        http.hold["/slow"] = 1  # the first run is held while it sends its second message
        command = _notify_command(config, "--now", AFTER)
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        second = None
        try:
            assert http.held.wait(120), "the second message never arrived"
            second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            waiting = _lines_until(second, "another statusgen notify is running; waiting for it to finish")
            assert second.poll() is None, waiting  # it waits rather than read the state the first is writing
            http.release.set()
            first_output = first.communicate(timeout=120)[0]
            second_output = "".join(waiting) + second.communicate(timeout=120)[0]
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    process.kill()
    assert first.returncode == 0, first_output
    assert second.returncode == 0, second_output
    assert "ops: sent 4 message(s)" in first_output
    assert "Nothing to send." in second_output  # it read what the first had sent
    titles = [post["title"] for post in http.json("/slow")]
    assert titles == ["[Status] Pricing: Team price change", "[Status] Investigating: API errors",
                      "[Status] Resolved: API errors", "[Status] Post-mortem: API errors"]


def _lines_until(process: subprocess.Popen[str], text: str, seconds: float = 120) -> list[str]:
    """The lines a process prints up to one holding `text` (read in a thread: a deadline)."""
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in process.stdout or ():
            lines.append(line)
            if text in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(seconds), "".join(lines)
    return lines


LATE_UPDATE = """  - at: 2021-10-01T11:15:00Z
    status: identified
    body: A bad deploy; rolling back.
"""


def test_an_update_posted_late_is_sent_and_none_sent_before_is_sent_again(tmp_path):
    """An update inserted between two others (written down after the fact, at the time it was
    true) renumbers the later ones on the page (#update-2 becomes #update-3): notify names
    updates by their time, so it sends the late one, and only it."""
    with http_receiver() as http:
        config = make_site(tmp_path, [{"id": "ops", "type": "apprise", "url": f"json://127.0.0.1:{http.port}/ops"}])
        assert run(config, "--now", BEFORE).exit_code == 0
        assert run(config, "--now", AFTER).exit_code == 0
        record = tmp_path / "content" / "incidents" / "api-errors.md"
        record.write_text(replace(record.read_text(), "  - at: 2021-10-01T12:00:00Z", LATE_UPDATE + "  - at: 2021-10-01T12:00:00Z"))
        late = run(config, "--now", AFTER)
        again = run(config, "--now", AFTER)
    assert late.exit_code == 0 and "ops: sent 1 message(s)" in late.output, late.output
    assert again.exit_code == 0 and "Nothing to send." in again.output, again.output
    posts = http.json("/ops")
    assert [post["title"] for post in posts] == [
        "[Status] Pricing: Team price change", "[Status] Investigating: API errors", "[Status] Resolved: API errors",
        "[Status] Post-mortem: API errors", "[Status] Identified: API errors"]
    assert "rolling back" in posts[-1]["message"] and f"{BASE}incidents/api-errors/#update-2" in posts[-1]["message"]


def test_a_state_of_version_1_is_renamed_once_and_nothing_is_sent_again(tmp_path):
    """A state written before updates were named by time holds their numbers: the next run
    renames them against the records, writes the state once, and sends nothing already sent."""
    with http_receiver() as http:
        config = make_site(tmp_path, [{"id": "ops", "type": "apprise", "url": f"json://127.0.0.1:{http.port}/ops"}])
        assert run(config, "--now", BEFORE).exit_code == 0
        assert run(config, "--now", AFTER).exit_code == 0
        path = tmp_path / "notify-state.json"
        current = json.loads(path.read_text())
        sent = current["channels"]["ops"]["sent"]
        path.write_text(json.dumps({"format": "statusgen-notify-state", "version": 1,
                                    "channels": {"ops": {"sent": _numbered(sent), "filtered": []}}}))
        result = run(config, "--now", AFTER)
        received = len(http.received)
    assert result.exit_code == 0 and "Nothing to send." in result.output, result.output
    assert received == 4  # the four of the run before, none again
    assert json.loads(path.read_text()) == current


def _numbered(keys: list[str]) -> list[str]:
    """Keys as a state of version 1 wrote them: each update by its number on its page, which
    was its place oldest first (an ISO time sorts by time)."""
    numbered, counts = [], {}
    for key in sorted(keys, key=lambda key: key.partition("#update-at-")[::2]):
        page, found, _ = key.partition("#update-at-")
        if found:
            counts[page] = counts.get(page, 0) + 1
            key = f"{page}#update-{counts[page]}"
        numbered.append(key)
    return sorted(numbered)


def test_dry_run_shows_every_message_sends_and_writes_nothing_and_needs_no_secrets(tmp_path):
    with http_receiver() as http:
        config = make_site(tmp_path, [{"id": "ops", "type": "webhook", "url": "https://hooks.example.com/${HOOK_PATH}"}])
        assert run(config, "--now", BEFORE, env={"HOOK_PATH": "x"}).exit_code == 0
        state = (tmp_path / "notify-state.json").read_bytes()
        result = run(config, "--now", AFTER, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("ops ")]
    assert lines == [
        f"ops {BASE}announcements/team-price/: [Status] Pricing: Team price change",
        f"ops {BASE}incidents/api-errors/#update-1: [Status] Investigating: API errors",
        f"ops {BASE}incidents/api-errors/#update-2: [Status] Resolved: API errors",
        f"ops {BASE}postmortems/api-errors-review/: [Status] Post-mortem: API errors",
    ]
    assert "    We are looking into it." in result.output
    assert (tmp_path / "notify-state.json").read_bytes() == state and http.received == []


def test_dry_run_of_a_first_run_says_it_would_record_a_baseline(tmp_path):
    config = make_site(tmp_path, [{"id": "ops", "type": "webhook", "url": "https://hooks.example.com/"}])
    result = run(config, "--now", AFTER, "--dry-run")
    assert result.exit_code == 0
    assert "ops: first run: would record 5 due message(s) as sent, and send none" in result.output
    assert not (tmp_path / "notify-state.json").exists()


def test_a_missing_variable_is_an_error_before_anything_is_sent(tmp_path):
    with http_receiver() as http:
        config = make_site(tmp_path, [
            {"id": "first", "type": "webhook", "url": http.url("/first")},
            {"id": "second", "type": "webhook", "url": http.url("/second"), "headers": {"X-Token": "${NOT_SET_ANYWHERE}"}},
        ])
        (tmp_path / "notify-state.json").write_text(json.dumps(
            {"format": "statusgen-notify-state", "version": 1, "channels": {"first": {"sent": []}, "second": {"sent": []}}}))
        result = run(config, "--now", AFTER, env={"NOT_SET_ANYWHERE": None})
    assert result.exit_code == 2
    assert "mkdocs.yml:" in result.output
    assert "notify.channels.1.headers.X-Token: ${NOT_SET_ANYWHERE} is not set in the environment" in result.output
    assert http.received == []


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"channels": {}}', b'{"format": "statusgen-notify-state", "version": 1, "channels": {"a": {"sent": "x"}}}'])
def test_a_corrupt_state_file_is_a_clear_error_never_a_resend(tmp_path, content):
    with http_receiver() as http:
        config = make_site(tmp_path, [{"id": "a", "type": "webhook", "url": http.url("/a")}])
        (tmp_path / "notify-state.json").write_bytes(content)
        result = run(config, "--now", AFTER)
    assert result.exit_code == 2
    assert "notify-state.json: " in result.output and "delete it" in result.output
    assert http.received == [] and (tmp_path / "notify-state.json").read_bytes() == content


def test_the_state_folder_is_made_on_the_first_run_and_one_that_cannot_be_is_a_clear_error(tmp_path):
    with http_receiver() as http:
        config = make_site(tmp_path, [{"id": "a", "type": "webhook", "url": http.url("/a")}], state="kept/notify/state.json")
        first = run(config, "--now", BEFORE)
        (tmp_path / "blocked").write_text("a file where the state's folder would be")
        blocked = make_site(tmp_path, [{"id": "a", "type": "webhook", "url": http.url("/a")}], state="blocked/state.json")
        refused = run(blocked, "--now", AFTER)
    assert first.exit_code == 0, first.output
    assert json.loads((tmp_path / "kept" / "notify" / "state.json").read_text())["version"] == 2
    assert refused.exit_code == 2
    assert "blocked/state.json: its folder cannot be made or opened" in refused.output
    assert http.received == []


def test_a_site_overrides_the_message_templates(tmp_path):
    write_site(tmp_path)
    channel = {"id": "ops", "type": "webhook", "url": "https://hooks.example.com/", "kinds": ["postmortem"]}
    config = write_config(tmp_path, theme={"name": "statusgen", "custom_dir": "custom"},
                          plugins=[{"statusgen": {"notify": {"channels": [channel]}}}])
    (tmp_path / "custom" / "notify").mkdir(parents=True)
    (tmp_path / "custom" / "notify" / "subject.txt").write_text("Hear ye: {{ message.title }}\n")
    assert run(config, "--now", BEFORE).exit_code == 0
    result = run(config, "--now", AFTER, "--dry-run")
    assert f"ops {BASE}postmortems/api-errors-review/: Hear ye: Post-mortem: API errors" in result.output


def test_maintenance_webhook_uses_the_incident_shape_with_its_window(tmp_path):
    with http_receiver() as http:
        config = make_site(tmp_path, [{"id": "ops", "type": "webhook", "url": http.url("/m"), "kinds": ["maintenance"]}],
                           reminders={"maintenance": ["P1D"]})
        assert run(config, "--now", "2021-08-01T00:00:00Z").exit_code == 0
        reminder = run(config, "--now", "2021-10-09T12:00:00Z")
        assert reminder.exit_code == 0, reminder.output
    [document] = http.json("/m")
    assert document["meta"]["message_id"] == BASE + "maintenance/db-upgrade/#reminder-P1D"
    assert document["meta"]["reminder"] == "P1D"
    assert_shape(document["incident"], MAINTENANCE, "incident")
    assert document["incident"]["scheduled_for"] == "2021-10-10T02:00:00.000Z"
    assert document["incident"]["status"] == "scheduled"
    assert AFFECTED  # the reference is shared with the API tests
