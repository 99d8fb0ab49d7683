"""The record commands through Click's runner: init, new, update, resolve.

What a user sees is checked on what is published: the built incident page (parsed with an
HTML5 parser) and the Statuspage API. Editing is checked byte for byte: the only lines that
change in a hand-written record are the ones the command adds.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import html5lib
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.authoring.yamlio import CommentedMap, dump_yaml, text
from statusgen.cli import main
from statusgen.yamlsource import load_yaml

FIXTURES = Path(__file__).parent / "fixtures"
HANDWRITTEN = "content/incidents/2021-09-30-login-slow.md"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the authoring fixture site, as the working folder."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "authoring_site", root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


def run(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result


def ok(*args: str, env: dict[str, str] | None = None) -> Path:
    """Run a command that must succeed; the path it printed."""
    result = run(*args, env=env)
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip().splitlines()
    return Path(printed[-1])


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def page_text(path: Path) -> str:
    document = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    return " ".join("".join(document.find("body").itertext()).split())


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_incident_opened_updated_resolved_shows_on_site_as_entered(site: Path) -> None:
    first = "We're looking into failed pulls & pushes in \"eu-west\"."
    second = "Found it: a CDN rule drops our traffic. Rolling it back (50% done)."
    third = "Pulls and pushes work again everywhere."
    path = ok("new", "incident", "Image pulls failing", "--impact", "major", "-c", "registry",
              "-c", "website=degraded_performance", "-m", first, "--at", "2021-10-04T10:00:00Z")
    assert path == Path("content/incidents/2021-10-04-image-pulls-failing.md")
    incident_id = path.stem
    assert ok("update", incident_id, "--status", "identified", "-m", second, "-c", "registry=major_outage",
              "--at", "2021-10-04T12:30:00+02:00") == path  # any offset; written in UTC
    assert ok("resolve", incident_id, "-m", third, "--at", "2021-10-04T11:15:00Z") == path

    data = front_matter(path)
    assert data["components"] == {"registry": "partial_outage", "website": "degraded_performance"}
    assert [u["status"] for u in data["updates"]] == ["investigating", "identified", "resolved"]
    assert str(data["updates"][1]["at"]) == "2021-10-04 10:30:00+00:00"

    assert run("build", "--now", "2021-10-04T12:00:00Z", "-q").exit_code == 0
    page = page_text(site / "site" / "incidents" / incident_id / "index.html")
    for message in (first, second, third):
        assert message in page
    incidents = json.loads((site / "site/api/v2/incidents.json").read_text())["incidents"]
    ours = next(item for item in incidents if item["name"] == "Image pulls failing")
    assert ours["status"] == "resolved"
    assert [update["body"] for update in ours["incident_updates"]] == [third, second, first]


@pytest.mark.parametrize("style", ["lf", "crlf-with-bom"])
def test_editing_keeps_every_other_byte(site: Path, style: str) -> None:
    if style == "crlf-with-bom":
        raw = (site / HANDWRITTEN).read_bytes()
        (site / HANDWRITTEN).write_bytes(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"))
    original = (site / HANDWRITTEN).read_bytes().decode("utf-8")
    ok("update", "2021-09-30-login-slow", "--status", "monitoring", "-m", "A fix is out.\n\nWatching it.",
       "-c", "website=degraded_performance", "--at", "2021-09-30T07:00:00Z")
    ok("resolve", "2021-09-30-login-slow", "--at", "2021-09-30T07:30:00Z")
    edited = (site / HANDWRITTEN).read_bytes().decode("utf-8")
    newline = "\r\n" if style == "crlf-with-bom" else "\n"
    old, new = original.split(newline), edited.split(newline)
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    assert {tag for tag, *_ in opcodes} == {"equal", "insert"}, "\n".join(difflib.unified_diff(old, new))
    assert "\r" not in edited.replace("\r\n", "") and edited.startswith("\ufeff") == (style != "lf")
    inserted = "".join(line + "\n" for tag, _, _, j1, j2 in opcodes if tag == "insert" for line in new[j1:j2])
    assert inserted == (
        "resolved: 2021-09-30T07:30:00Z\n"
        "- at: 2021-09-30T07:00:00Z\n  status: monitoring\n  body: |-\n    A fix is out.\n\n    Watching it.\n"
        "  components:\n    website: degraded_performance\n"
        "- at: 2021-09-30T07:30:00Z\n  status: resolved\n  body: This incident has been resolved.\n"
    )
    assert run("validate").exit_code == 0


def test_at_defaults_to_now_from_source_date_epoch(site: Path) -> None:
    path = ok("new", "incident", "Builds slow", "--impact", "minor", "-c", "builds", env={"SOURCE_DATE_EPOCH": "1633348800"})
    assert path.name == "2021-10-04-builds-slow.md"
    data = front_matter(path)
    assert str(data["started"]) == "2021-10-04 12:00:00+00:00"
    assert data["updates"][0]["body"] == "Builds slow"
    assert data["components"] == {"builds": "degraded_performance"}
    again = ok("new", "incident", "Builds slow", "--impact", "minor", "-c", "builds", env={"SOURCE_DATE_EPOCH": "1633348800"})
    assert again.name == "2021-10-04-builds-slow-2.md"


@pytest.mark.parametrize(("args", "expected"), [
    (["new", "incident", "X", "--impact", "major", "-c", "registy"], "unknown component 'registy' (did you mean 'registry'?)"),
    (["new", "incident", "X", "--impact", "major", "-c", "website=partial_outgae"], "(did you mean 'partial_outage'?)"),
    (["update", "2021-09-30-login-slwo", "--status", "identified", "-m", "x"], "unknown incident '2021-09-30-login-slwo' (did you mean '2021-09-30-login-slow'?)"),
    (["update", "2021-09-30-login-slow", "--status", "identified", "-m", "x", "-c", "websit=major_outage"], "(did you mean 'website'?)"),
    (["resolve", "2021-09-30-logn-slow"], "(did you mean '2021-09-30-login-slow'?)"),
    (["new", "maintenance", "DB", "--start", "2021-10-10T00:00:00Z", "--end", "2021-10-10T01:00:00Z", "-c", "bulds"], "(did you mean 'builds'?)"),
    (["new", "postmortem", "2021-09-30-login-slo"], "unknown incident '2021-09-30-login-slo' (did you mean '2021-09-30-login-slow'?)"),
    (["new", "announcement", "New prices", "--kind", "pricing", "--plan", "teem"], "unknown plan 'teem' (did you mean 'team'?)"),
])
def test_unknown_ids_refused_with_did_you_mean_nothing_written(site: Path, args: list[str], expected: str) -> None:
    before = snapshot(site)
    result = run(*args, "--at", "2021-10-04T10:00:00Z") if args[0] in ("update", "resolve") or args[1] == "incident" else run(*args)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(site) == before


def test_change_that_breaks_a_rule_is_refused_at_its_line(site: Path) -> None:
    before = snapshot(site)
    result = run("update", "2021-09-30-login-slow", "--status", "monitoring", "-m", "x", "--at", "2021-09-30T05:00:00Z")
    assert result.exit_code == 1
    assert f"{HANDWRITTEN}:" in result.stderr and "updates.2.at" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(site) == before
    bad_time = run("resolve", "2021-09-30-login-slow", "--at", "2021-09-30 07:00")
    assert bad_time.exit_code == 1 and "--at" in bad_time.stderr
    assert snapshot(site) == before


def test_other_records_are_scaffolded_and_validate(site: Path) -> None:
    window = ok("new", "maintenance", "Database upgrade", "--start", "2021-10-12T02:00:00Z",
                "--end", "2021-10-12T04:00:00Z", "-c", "registry", "-m", "Pushes may fail for ten minutes.")
    assert window == Path("content/maintenance/2021-10-12-database-upgrade.md")
    assert front_matter(window)["components"] == ["registry"]
    ok("resolve", "2021-09-30-login-slow", "--at", "2021-09-30T07:30:00Z")
    postmortem = ok("new", "postmortem", "2021-09-30-login-slow", "--author", "Jo Doe", "--published", "2021-10-02")
    data = front_matter(postmortem)
    assert data["incident"] == "2021-09-30-login-slow" and data["authors"] == ["Jo Doe"]
    assert [entry["event"] for entry in data["timeline"]] == [
        "The incident starts.", "Investigating: Signing in takes up to a minute. We are looking into it.",
        "Identified: A slow query.", "Resolved: This incident has been resolved.",
    ]
    assert run("new", "postmortem", "2021-09-30-login-slow").exit_code == 1  # one per incident
    pricing = ok("new", "announcement", "Team price change", "--kind", "pricing", "--plan", "team",
                 "--published", "2021-10-01", "--effective", "2021-11-01")
    assert front_matter(pricing)["pricing"][0] == {"plan": "team", "from": 7.5, "to": 7.5, "existing_customers": "next_renewal"}
    ok("new", "announcement", "Old images are deleted", "--kind", "retention", "--plan", "free", "--published", "2021-10-01")
    notice = ok("new", "announcement", "Hello", "--kind", "notice", "--published", "2021-10-01", "-m", "We are *here*.")
    assert notice.read_text(encoding="utf-8").endswith("---\nWe are *here*.\n")
    assert run("validate").exit_code == 0
    assert run("build", "--now", "2021-10-04T12:00:00Z", "-q").exit_code == 0
    assert (site / "site/postmortems/2021-09-30-login-slow/index.html").is_file()
    assert (site / "site/maintenance/2021-10-12-database-upgrade/index.html").is_file()


def test_init_makes_a_site_that_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "status", "--name", "Acme: Status", env={"SOURCE_DATE_EPOCH": "1633348800"})
    assert result.exit_code == 0, result.output
    assert "status/mkdocs.yml" in result.stdout.split()
    assert run("build", "-f", "status/mkdocs.yml", "--now", "2021-10-05T00:00:00Z", "-q").exit_code == 0
    assert "Acme: Status" in page_text(tmp_path / "status/site/index.html")
    assert (tmp_path / "status/site/announcements/2021-10-04-status-page-live/index.html").is_file()
    again = run("init", "status")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_update_with_status_resolved_closes_the_incident(site: Path) -> None:
    path = ok("update", "2021-09-30-login-slow", "--status", "resolved", "-m", "Fast again.", "--at", "2021-09-30T07:10:00Z")
    data = front_matter(path)
    assert str(data["resolved"]) == "2021-09-30 07:10:00+00:00" and data["updates"][-1]["status"] == "resolved"
    refused = run("new", "incident", "X", "--impact", "minor", "-c", "website", "--status", "resolved")
    assert refused.exit_code == 1 and "cannot start resolved" in refused.stderr


_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85\ufeff") | st.sampled_from(["\n", " ", "\t", ":", "#", "-", "'", '"'])
_TRICKY = st.sampled_from(["yes", "No", "on", "1:20", "0o7", "~", "null", "1e3", "2020-01-01", "2020-01-01T00:00:00Z",
                           ".5", "0x1F", "&a", "*a", "!x", "%", "@", "`", "[a]", "{b}", "? x", "| y", "> z"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=_CHARS, max_size=10) | _TRICKY, max_size=5).map("".join))
def test_any_message_is_read_back_exactly(message: str) -> None:
    # ruamel.yaml quotes what YAML 1.2, the loader's reading, would misread (`0o7`, `1e3`), and the
    # writer also quotes what 1.1 tools misread (`yes`, `1:20`): every message stays text.
    written = dump_yaml(CommentedMap([("body", text(message))]))
    assert load_yaml(written)["body"] == message


def test_a_window_scheduled_with_announced_stays_off_the_site_until_then(site: Path) -> None:
    window = ok("new", "maintenance", "Network move", "--start", "2021-10-20T02:00:00Z", "--end", "2021-10-20T03:00:00Z",
                "-c", "registry", "--announced", "2021-10-06T09:00:00Z")
    assert front_matter(window)["announced"] == datetime(2021, 10, 6, 9, tzinfo=timezone.utc)
    page = site / "site/maintenance/2021-10-20-network-move/index.html"
    assert run("build", "--now", "2021-10-06T08:59:59Z", "-q").exit_code == 0
    assert not page.exists() and b"network-move" not in (site / "site/maintenance.ics").read_bytes()
    assert run("build", "--now", "2021-10-06T09:00:00Z", "-q").exit_code == 0
    assert page.is_file() and b"network-move" in (site / "site/maintenance.ics").read_bytes()
    assert run("new", "maintenance", "X", "--start", "2021-10-20T02:00:00Z", "--end", "2021-10-20T03:00:00Z",
               "-c", "registry", "--announced", "soon").exit_code == 1
