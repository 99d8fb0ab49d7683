"""`statusgen new translation` and validate's notice of records without a translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.loader import load_records

from sites.files import write_config, write_site


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path)
    write_config(tmp_path, plugins=[{"statusgen": {"languages": ["en", "de"]}}])
    return tmp_path


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("record_id, path", [
    ("api-errors", "content/incidents/api-errors.de.md"),
    ("db-upgrade", "content/maintenance/db-upgrade.de.md"),
    ("api-errors-review", "content/postmortems/api-errors-review.de.md"),
    ("components", "content/components.de.yml"),
    ("plans", "content/plans.de.yml"),
])
def test_the_scaffold_holds_the_texts_and_loads_as_a_translation(site, record_id, path):
    result = _run("new", "translation", record_id, "--lang", "de")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == path
    written = (site / path).read_text(encoding="utf-8")
    records = load_records(site / "content", ("en", "de"))
    german = records.translations["de"]
    if record_id == "api-errors":
        assert "title: API errors" in written and "body: We are looking into it." in written and "The API returned errors." in written
        text = german.records[("incidents", "api-errors")]
        assert [update.body for update in text.updates] == ["We are looking into it.", "Fixed."]
    elif record_id == "api-errors-review":
        text = german.records[("postmortems", "api-errors-review")]
        assert [entry.event for entry in text.timeline] == ["Errors start.", "Errors stop."]
        assert text.action_items[0].title == "Check configuration in CI" and text.root_cause == "A configuration change."
    elif record_id == "components":
        assert [component.name for component in german.components.components] == ["API", "Website"]
    elif record_id == "plans":
        assert [plan.name for plan in german.plans.plans] == ["Free", "Team"]


@pytest.mark.parametrize("args, message", [
    (["api-eror", "--lang", "de"], "unknown record 'api-eror' (did you mean 'api-errors'?)"),
    (["api-errors", "--lang", "fr"], "'fr' is not one of the site's other languages (de)"),
    (["api-errors", "--lang", "en"], "'en' is the site's default language"),
])
def test_unknown_ids_and_languages_are_refused_and_nothing_is_written(site, args, message):
    before = sorted(path for path in site.rglob("*"))
    result = _run("new", "translation", *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert sorted(path for path in site.rglob("*")) == before


def test_validate_lists_what_lacks_a_translation_on_stderr_and_exits_0(site):
    assert _run("new", "translation", "api-errors", "--lang", "de").exit_code == 0
    result = CliRunner().invoke(main, ["validate"])  # click 8.2: stdout and stderr kept apart
    assert result.exit_code == 0, result.output
    notice = result.stderr
    assert "notice: 5 without a translation into de (shown in en):" in notice
    assert "maintenance/db-upgrade" in notice and "incidents/api-errors," not in notice and "components" in notice
    assert result.stdout.startswith("OK: ")
