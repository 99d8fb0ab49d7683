""".pre-commit-hooks.yaml: the hook's shape, which files start it, and pre-commit running it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import main

from conftest import REPO

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
BROKEN_RECORD = "---\ntitle: Broken\nkind: notice\npublished: 2021-13-01\n---\nText.\n"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def test_the_hook_validates_the_whole_site_once() -> None:
    [hook] = HOOKS
    assert hook["id"] == "statusgen-validate" and hook["entry"] == "statusgen validate"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert hook["name"] and hook["description"]


@pytest.mark.parametrize("path, starts", [
    ("mkdocs.yml", True),
    ("status/mkdocs.yml", True),
    ("content/components.yml", True),
    ("content/plans.yml", True),
    ("content/components.de.yml", True),
    ("status/plans.fr.yaml", True),
    ("content/incidents/2021-10-04-outage.md", True),
    ("content/incidents/2021-10-04-outage.de.md", True),
    ("records/maintenance/2021-10-12-db.md", True),  # another content_dir
    ("status/postmortems/2021-10-04-outage.md", True),
    ("content/announcements/2021-10-01-hello.yml", True),  # a mistake validate reports
    ("content/about.md", True),
    ("README.md", False),
    ("docs/user-guide.md", False),
    ("src/components.py", False),
    ("src/incidents/handler.py", False),
    ("mkdocs.yml.orig", False),
])
def test_the_hook_starts_for_records_translations_and_mkdocs_yml(path: str, starts: bool) -> None:
    # pre-commit matches `files` with re.search on paths relative to the repository root.
    assert bool(re.search(HOOKS[0]["files"], path)) is starts


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's files as pre-commit would fetch them: a git repository, committed.

    A copy rather than REPO itself, so that the test checks the files as they are now,
    committed or not."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, repo / name)
    shutil.copytree(REPO / "statusgen", repo / "statusgen", ignore=shutil.ignore_patterns("__pycache__"))
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "statusgen", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's own environments, here rather than in ~/.cache: installed once per module."""
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    # pip inside pre-commit's environment installs the hook repository and its dependencies.
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def new_site(path: Path, where: str = ".") -> Path:
    """A git repository holding a site made by init, everything staged; the repository."""
    path.mkdir()
    git("init", "-q", cwd=path)
    result = CliRunner().invoke(main, ["init", str(path / where), "--ci", "none"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.slow
def test_try_repo_fails_on_a_broken_record_with_its_line_and_passes_once_fixed(
    tmp_path: Path, hook_repository: Path, pre_commit_home: Path,
) -> None:
    site = new_site(tmp_path / "site")
    (site / "content/announcements/2021-10-01-broken.md").write_text(BROKEN_RECORD, encoding="utf-8")
    git("add", "-A", cwd=site)
    failed = pre_commit("try-repo", str(hook_repository), "statusgen-validate", "--all-files", cwd=site, home=pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "content/announcements/2021-10-01-broken.md:4: " in failed.stdout
    assert "statusgen validate" in failed.stdout and "Failed" in failed.stdout
    (site / "content/announcements/2021-10-01-broken.md").write_text(BROKEN_RECORD.replace("2021-13-01", "2021-10-01"), encoding="utf-8")
    git("add", "-A", cwd=site)
    passed = pre_commit("try-repo", str(hook_repository), "statusgen-validate", "--all-files", cwd=site, home=pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


@pytest.mark.slow
def test_a_site_in_a_subfolder_passes_its_mkdocs_yml_through_args(
    tmp_path: Path, hook_repository: Path, pre_commit_home: Path,
) -> None:
    site = new_site(tmp_path / "project", "status")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repository, capture_output=True, text=True, check=True).stdout.strip()
    config = {"repos": [{"repo": str(hook_repository), "rev": rev,
                         "hooks": [{"id": "statusgen-validate", "args": ["-f", "status/mkdocs.yml"]}]}]}
    (site / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    components = site / "status/content/components.yml"
    good = components.read_text(encoding="utf-8")
    components.write_text("components:\n  - id: Website\n", encoding="utf-8")
    git("add", "-A", cwd=site)
    failed = pre_commit("run", "--all-files", cwd=site, home=pre_commit_home)
    assert failed.returncode == 1 and "status/content/components.yml:2: " in failed.stdout, failed.stdout + failed.stderr
    components.write_text(good, encoding="utf-8")
    git("add", "-A", cwd=site)
    passed = pre_commit("run", "--all-files", cwd=site, home=pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
