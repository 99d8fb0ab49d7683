"""`statusgen import statuspage`: a realistic export (tests/fixtures/statuspage_export, in
Statuspage's API v2 shape with its quirks) imports, builds, and imports again without a
single byte changing."""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import shutil
from pathlib import Path

import html5lib
import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.statuspage_import import plan_import, read_export

from sites.files import write_config

EXPORT = Path(__file__).parent / "fixtures" / "statuspage_export"
FILES = sorted(str(path) for path in EXPORT.glob("*.json"))
NOW = "2021-10-05T12:00:00Z"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    write_config(root, site_name="Acme Registry Status", site_url="https://status.acme.example/")
    (root / "content").mkdir()  # MkDocs wants its docs_dir to exist
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def export_incidents() -> list[dict]:
    return json.loads((EXPORT / "incidents.json").read_text())["incidents"]


def test_export_imports_builds_and_second_import_changes_nothing(site: Path) -> None:
    first = run("import", "statuspage", *FILES)
    assert first.exit_code == 0, first.output
    written = first.stdout.split()
    assert "content/components.yml" in written and len(written) == 9
    before = snapshot(site / "content")
    second = run("import", "statuspage", *FILES)
    assert second.exit_code == 0 and second.stdout == ""
    assert "0 created, 0 updated, 9 unchanged" in second.stderr
    assert snapshot(site / "content") == before

    build = run("build", "--now", NOW, "-q")
    assert build.exit_code == 0, build.output
    api = site / "site/api/v2"
    published = {item["name"]: item for item in json.loads((api / "incidents.json").read_text())["incidents"]}
    expected = export_incidents()
    assert sorted(published) == sorted({item["name"] for item in expected})
    assert len(json.loads((api / "incidents.json").read_text())["incidents"]) == len(expected)
    for item in expected:
        twin = next(p for p in json.loads((api / "incidents.json").read_text())["incidents"]
                    if p["name"] == item["name"] and len(p["incident_updates"]) == len(item["incident_updates"]))
        assert twin["status"] == item["status"]  # resolved, postmortem (it has one) or monitoring
    unresolved = json.loads((api / "incidents/unresolved.json").read_text())["incidents"]
    assert [item["name"] for item in unresolved] == ["Automated builds queued longer than usual"]
    upcoming = json.loads((api / "scheduled-maintenances/upcoming.json").read_text())["scheduled_maintenances"]
    assert [item["name"] for item in upcoming] == ["Build workers upgrade"]
    assert (site / "site/postmortems/2021-08-24-elevated-error-rates-for-image-pulls/index.html").is_file()


def test_html_bodies_become_markdown_and_render(site: Path) -> None:
    assert run("import", "statuspage", *FILES).exit_code == 0
    record = site / "content/incidents/2021-08-24-elevated-error-rates-for-image-pulls.md"
    updates = front_matter(record)["updates"]
    assert [u["status"] for u in updates] == ["investigating", "identified", "monitoring", "resolved"]  # newest first in the export
    assert "- pulls from *outside* the home region fail with HTTP 503" in updates[1]["body"]
    assert "[provider notice](https://cdn-status.example.com/incidents/42)" in updates[1]["body"]
    assert "<" not in record.read_text()
    assert [u["components"] for u in updates] == [{"cdn": "partial_outage"}, {"cdn": "major_outage"}, {"cdn": "partial_outage"}, {"cdn": "operational"}]
    assert run("build", "--now", NOW, "-q").exit_code == 0
    page = html5lib.parse((site / "site/incidents" / record.stem / "index.html").read_bytes(), namespaceHTMLElements=False)
    assert "https://cdn-status.example.com/incidents/42" in [a.get("href") for a in page.iter("a")]
    assert "outside" in [em.text for em in page.iter("em")]


def test_quirks_of_real_exports() -> None:
    files = plan_import(Path("/nonexistent"), read_export(EXPORT.glob("*.json")))
    catalogue = yaml.safe_load(files["components.yml"])
    ids = [c["id"] for c in catalogue["components"]]
    # Two components named API in two groups; a component known only from an old incident.
    assert ids == ["registry-api", "cdn", "web-api", "website", "automated-builds", "legacy-search"]
    assert [g["id"] for g in catalogue["groups"]] == ["registry", "web"]
    emails = yaml.safe_load(files["incidents/2021-06-17-delayed-email-notifications.md"].split("---\n")[1])
    assert emails["components"] == {}  # empty `components`, null `affected_components`
    assert all("components" not in update for update in emails["updates"])
    assert emails["updates"][-1]["body"] == "The backlog has been delivered.\n\nAll emails sent during the incident have now arrived."
    same_day = sorted(path for path in files if path.startswith("incidents/2021-09-02-website-unavailable"))
    assert same_day == ["incidents/2021-09-02-website-unavailable-5tmr0k8yqb2x.md", "incidents/2021-09-02-website-unavailable-j8c3v6n1x4rb.md"]
    postmortem = files["postmortems/2021-08-24-elevated-error-rates-for-image-pulls.md"]
    assert front_matter_of(postmortem)["summary"].startswith("On 24 August a change")
    assert "## What we are doing" in postmortem


def front_matter_of(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_newer_export_updates_records_in_place(site: Path, tmp_path: Path) -> None:
    assert run("import", "statuspage", *FILES).exit_code == 0
    newer = json.loads((EXPORT / "incidents.json").read_text())
    builds = next(item for item in newer["incidents"] if item["id"] == "wq1l7hn2t8zd")
    resolved = copy.deepcopy(builds["incident_updates"][0])
    resolved.update(id="z0z0z0z0z0z0", status="resolved", body="The queue is empty.", created_at="2021-10-05T06:00:00.000-05:00",
                    display_at="2021-10-05T06:00:00.000-05:00", updated_at="2021-10-05T06:00:00.000-05:00")
    builds.update(status="resolved", resolved_at="2021-10-05T06:00:00.000-05:00", updated_at="2021-10-05T06:00:00.000-05:00")
    builds["incident_updates"].insert(0, resolved)
    later = tmp_path / "incidents.json"
    later.write_text(json.dumps(newer))
    files = [str(later) if name.endswith("/incidents.json") else name for name in FILES]
    result = run("import", "statuspage", *files)
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["content/incidents/2021-10-04-automated-builds-queued-longer-than-usual.md"]
    assert len(list((site / "content/incidents").iterdir())) == 5
    record = front_matter(site / result.stdout.strip())
    assert record["updates"][-1]["body"] == "The queue is empty." and str(record["resolved"]) == "2021-10-05 11:00:00+00:00"

    edited = site / "content/incidents/2021-06-17-delayed-email-notifications.md"
    edited.write_text(edited.read_text().replace("Delayed email notifications", "Emails delayed"))
    before = snapshot(site / "content")
    kept = run("import", "statuspage", "--keep-existing", *files)
    assert kept.exit_code == 0 and kept.stdout == "" and "1 kept" in kept.stderr
    assert snapshot(site / "content") == before
    replaced = run("import", "statuspage", *files)
    assert replaced.stdout.split() == [str(edited.relative_to(site))]
    assert front_matter(edited)["title"] == "Delayed email notifications"


def test_existing_catalogue_keeps_its_text(site: Path) -> None:
    content = site / "content"
    original = "# Ours, by hand.\ncomponents:\n- id: website   # the one we already had\n  name: Our website\n"
    (content / "components.yml").write_text(original)
    assert run("import", "statuspage", *FILES).exit_code == 0
    merged = (content / "components.yml").read_text()
    old, new = original.splitlines(keepends=True), merged.splitlines(keepends=True)
    assert {tag for tag, *_ in difflib.SequenceMatcher(None, old, new).get_opcodes()} == {"equal", "insert"}
    assert [c["id"] for c in yaml.safe_load(merged)["components"]].count("website") == 1
    assert run("validate").exit_code == 0


def test_a_catalogue_with_only_comments_gets_the_components(site: Path) -> None:
    # Such a file reads as no mapping at all; the import starts one rather than crashing.
    (site / "content" / "components.yml").write_text("# Components come with the import.\n")
    result = run("import", "statuspage", *FILES)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((site / "content" / "components.yml").read_text())["components"]
    assert run("validate").exit_code == 0


def test_not_an_export_is_refused(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    result = run("import", "statuspage", *FILES, str(other))
    assert result.exit_code == 1 and "not a Statuspage export" in result.stderr
    assert list((site / "content").iterdir()) == []


def test_our_own_api_imports_back(site: Path, tmp_path: Path) -> None:
    source = tmp_path / "authoring"
    shutil.copytree(Path(__file__).parent / "fixtures" / "authoring_site", source)
    assert run("build", "-f", str(source / "mkdocs.yml"), "--now", NOW, "-q").exit_code == 0
    api = source / "site/api/v2"
    result = run("import", "statuspage", str(api / "components.json"), str(api / "incidents.json"))
    assert result.exit_code == 0, result.output
    imported = front_matter(site / "content/incidents/2021-09-30-login-is-slow.md")
    original = front_matter(source / "content/incidents/2021-09-30-login-slow.md")
    assert [u["body"] for u in imported["updates"]] == [u["body"] for u in original["updates"]]
    assert run("validate").exit_code == 0
