"""mkdocs.yml's statusgen options are read as YAML 1.2, like the records (statusgen/mkdocs_options.py).

Through MkDocs' own config loading, so that what MkDocs reads first (YAML 1.1) and what the
plugin makes of it are both exercised. The messages of the broken cases are golden files in
tests/golden_errors/mkdocs_yml/, refreshed with `pytest tests/test_mkdocs_options.py --update-golden`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mkdocs.config.defaults import MkDocsConfig

from statusgen.plugin import StatusgenPlugin

GOLDEN = Path(__file__).parent / "golden_errors" / "mkdocs_yml"
CONFIG = """\
site_name: Status
docs_dir: content
theme:
  name: statusgen
plugins:
  - search
  - statusgen:
      content_dir: content
{options}"""


def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: str, files: dict[str, str] | None = None) -> tuple[list[str], Any]:
    """Errors of loading mkdocs.yml with these statusgen options, and the plugin's options."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(options=options), encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    with open(tmp_path / "mkdocs.yml", "rb") as stream:
        config.load_file(stream)
    errors, _ = config.validate()
    plugin = config.plugins.get("statusgen") if not errors else None
    assert plugin is None or isinstance(plugin, StatusgenPlugin)
    return [f"Config value '{key}': {error}" for key, error in errors], plugin.config if plugin else None


@pytest.mark.parametrize(("written", "name", "expected"), [
    ("uptime_days: 030", "uptime_days", 30),        # YAML 1.1: octal, 24
    ("uptime_days: 0x1E", "uptime_days", 30),
    ("uptime_months: 024", "uptime_months", 24),     # YAML 1.1: octal, 20
    ("feed_items: 1_000", "feed_items", 1000),
    ("prefix: on", "prefix", "on"),                 # YAML 1.1: True, refused as a prefix
    ("prefix: 18:30", "prefix", "18:30"),           # YAML 1.1: 1110
    ("prefix: '030'", "prefix", "030"),
    ("prefix: !!str 030", "prefix", "030"),          # a tag written in the file is MkDocs' to read
])
def test_options_mean_what_yaml_1_2_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, name: str, expected: Any) -> None:
    errors, options = load(tmp_path, monkeypatch, f"      {written}\n")
    assert errors == []
    assert options[name] == expected and type(options[name]) is type(expected)


def test_values_mkdocs_made_are_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATUS_DAYS", "030")
    errors, options = load(tmp_path, monkeypatch, "      uptime_days: !ENV [STATUS_DAYS, 7]\n      feed_items: 10\n")
    # !ENV gives MkDocs' own reading of the variable's text: not a plain value of the file.
    assert errors == [] and options["uptime_days"] == 24 and options["feed_items"] == 10


def test_an_inherited_block_is_read_as_yaml_1_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "base.yml").write_text(CONFIG.format(options="      uptime_days: 030\n"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: Child\n", encoding="utf-8")
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    with open(tmp_path / "mkdocs.yml", "rb") as stream:
        config.load_file(stream)
    assert config.validate()[0] == []
    assert config.plugins["statusgen"].config["uptime_days"] == 30


CASES = {
    "uptime_days_time_of_day": "      uptime_days: 18:30\n",
    "uptime_days_written_with_point": "      uptime_days: 30.0\n",
    "uptime_months_text": "      uptime_months: a year\n",
    "prefix_number": "      prefix: 2021\n",
    "prefix_boolean": "      prefix: TRUE\n",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_option_message(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, update_golden: bool) -> None:
    errors, _ = load(tmp_path, monkeypatch, CASES[case])
    report = "\n".join(errors) + "\n"
    golden = GOLDEN / f"{case}.txt"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(report, encoding="utf-8")
    assert golden.exists(), f"no golden file for {case}: run pytest --update-golden"
    assert report == golden.read_text(encoding="utf-8")


def test_every_golden_file_has_a_case() -> None:
    assert sorted(path.stem for path in GOLDEN.glob("*.txt")) == sorted(CASES)
