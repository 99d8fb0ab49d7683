"""notify's configuration errors: every one at once, at its line of mkdocs.yml, exit 2, nothing sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.cli import main

from sites.files import write_site

HEAD = """\
site_name: Status
site_url: https://status.example.com/
docs_dir: content
theme:
  name: statusgen
plugins:
  - statusgen:
      notify:
"""
"""The notify block's own lines start at line 9."""


@pytest.fixture(autouse=True)
def in_the_site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # paths are printed as the user typed them: mkdocs.yml


def notify(tmp_path: Path, block: str, *args: str) -> tuple[int, str]:
    write_site(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(HEAD + block, encoding="utf-8")
    result = CliRunner().invoke(main, ["notify", "-f", "mkdocs.yml", "--now", "2021-10-06T00:00:00Z", *args],
                                catch_exceptions=False)
    return result.exit_code, result.output


CASES = [
    ("""\
        channels:
          - id: ops
            type: webhok
            url: https://hooks.example.com/
""", ["mkdocs.yml:11: notify.channels.0.type: 'webhok' is not one of: webhook, apprise, email (did you mean 'webhook'?)"]),
    ("""\
        channels:
          - id: ops
            type: webhook
            urll: https://hooks.example.com/
""", ["mkdocs.yml:12: notify.channels.0.urll: unknown field 'urll' (did you mean 'url'?)"]),
    ("""\
        reminders:
          maintenance: [P1D, 1 hour]
        channels:
          - id: ops
            type: apprise
            url: json://localhost/
            components: [apii]
            plans: [gold]
""", ["mkdocs.yml:10: notify.reminders.maintenance.1: '1 hour' is not a duration in weeks, days, hours or minutes: write ISO 8601, e.g. P1D, PT1H or P1DT12H",
      "mkdocs.yml:15: notify.channels.0.components.0: 'apii' is not a component or group in components.yml (did you mean 'api'?)",
      "mkdocs.yml:16: notify.channels.0.plans.0: 'gold' is not a plan in plans.yml"]),
    ("""\
        channels:
          - id: mail
            type: email
            smtp: {host: smtp.example.com, port: "587", tls: starttls}
            from: status@example.com
            to: [a@example.com]
          - id: mail
            type: webhook
            url: ftp://example.com/
          - id: list
            type: email
            smtp: {host: smtp.example.com, tls: ssl}
            from: nobody
            to: [a@example.com]
""", ["mkdocs.yml:12: notify.channels.0.smtp.port: expected a whole number, got text",
      "mkdocs.yml:15: notify.channels.1.id: 'mail' names two channels: each needs its own id",
      "mkdocs.yml:17: notify.channels.1.url: 'ftp://example.com/' is not an http(s) URL",
      "mkdocs.yml:21: notify.channels.2.from: 'nobody' is not an email address"]),
    ("""\
        channels: []
""", ["mkdocs.yml:9: notify.channels: expected at least 1 entry"]),
]


@pytest.mark.parametrize(("block", "expected"), CASES)
def test_configuration_errors_at_their_lines(tmp_path, block, expected):
    code, output = notify(tmp_path, block)
    assert code == 2
    lines = output.strip().splitlines()
    assert lines[:-1] == expected
    assert lines[-1].endswith("in notify's configuration; nothing was sent.")
    assert not (tmp_path / "notify-state.json").exists()


def test_an_unknown_channel_on_the_command_line(tmp_path):
    code, output = notify(tmp_path, "        channels:\n          - {id: ops, type: webhook, url: 'https://h.example/'}\n",
                          "--channel", "opz")
    assert code == 2 and "--channel opz: no such channel in notify's configuration (did you mean 'ops'?)" in output


def test_no_notify_block(tmp_path):
    write_site(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(HEAD.replace("      notify:\n", ""), encoding="utf-8")
    result = CliRunner().invoke(main, ["notify", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 2 and "no `notify:` block" in result.output


def test_values_are_read_as_yaml_1_2(tmp_path):
    # YAML 1.1 would read `on` as true; in 1.2 (and in the records) it is text.
    code, output = notify(tmp_path, "        channels:\n          - {id: ops, type: webhook, url: on}\n")
    assert code == 2 and "notify.channels.0.url: 'on' is not an http(s) URL" in output


def test_a_plain_build_ignores_the_block_and_publishes_no_message_template(tmp_path):
    write_site(tmp_path)
    head = HEAD.replace("  name: statusgen\n", "  name: statusgen\n  custom_dir: custom\n")
    (tmp_path / "mkdocs.yml").write_text(head + "        channels:\n          - {id: ops, type: webhook, url: 'https://h.example/'}\n")
    (tmp_path / "custom" / "notify").mkdir(parents=True)
    (tmp_path / "custom" / "notify" / "subject.txt").write_text("{{ message.title }}\n")
    result = CliRunner().invoke(main, ["build", "-f", "mkdocs.yml", "--now", "2021-10-06T00:00:00Z", "-q"])
    assert result.exit_code == 0, result.output
    assert "notify" not in result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (tmp_path / "site" / "notify").exists()  # neither the packaged templates nor the site's


def test_validate_reports_a_broken_notify_block_too(tmp_path: Path) -> None:
    write_site(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(HEAD + "        channels:\n          - id: ops\n            type: webhok\n"
                                         "            url: https://hooks.example.com/x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "-f", "mkdocs.yml"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "mkdocs.yml:11: notify.channels.0.type: 'webhok' is not one of: webhook, apprise, email (did you mean 'webhook'?)",
        "1 problem found in notify's configuration.",
    ]
    (tmp_path / "mkdocs.yml").write_text(HEAD + "        channels:\n          - id: ops\n            type: webhook\n"
                                         "            url: https://hooks.example.com/x\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["validate", "-f", "mkdocs.yml"], catch_exceptions=False).exit_code == 0
