"""Golden sites: each case's records are built and compared with the committed site.

A case is tests/golden/<case>/ with input/ (mkdocs.yml and content/), now.txt (the build's
"now") and expected/ (the complete site). After a deliberate change to the output run
`make golden` (pytest --update-golden) and review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.cli import main

from conftest import EXAMPLE_NOW, REPO
from golden_compare import compare_trees

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(case.name for case in GOLDEN.iterdir() if (case / "input").is_dir())


def build(config_file: Path, now: str, site_dir: Path) -> None:
    result = CliRunner().invoke(main, ["build", "-q", "-f", str(config_file), "--now", now, "--site-dir", str(site_dir)])
    assert result.exit_code == 0, result.output
    assert site_dir.is_dir()


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, tmp_path: Path, update_golden: bool) -> None:
    folder = GOLDEN / case
    build(folder / "input" / "mkdocs.yml", (folder / "now.txt").read_text().strip(), tmp_path / "site")
    problems = compare_trees(tmp_path / "site", folder / "expected", update_golden)
    assert not problems, "\n\n".join(problems)


def test_example_site(tmp_path: Path, update_golden: bool) -> None:
    build(REPO / "mkdocs.yml", EXAMPLE_NOW, tmp_path / "site")
    problems = compare_trees(tmp_path / "site", GOLDEN / "example-site", update_golden)
    assert not problems, "\n\n".join(problems)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build(REPO / "mkdocs.yml", EXAMPLE_NOW, tmp_path / "one")
    build(REPO / "mkdocs.yml", EXAMPLE_NOW, tmp_path / "two")
    assert not compare_trees(tmp_path / "one", tmp_path / "two", update=False)
