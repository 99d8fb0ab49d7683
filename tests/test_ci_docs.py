"""The user guide's CI section: its examples are valid and say what init writes."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import yaml

from statusgen import __version__
from statusgen.authoring.ci import ACTION_REPOSITORY, PINNED_ACTIONS, ci_files

from ci_support import actionlint, load_workflow
from conftest import REPO


def guide_examples() -> list[str]:
    guide = (REPO / "docs/user-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Publishing from CI"):]
    section = section[:section.index("\n## ", 1)]
    return re.findall(r"```yaml\n(.*?)```", section, flags=re.S)


def uses_of(workflow: dict[str, Any]) -> set[str]:
    return {step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step}


def test_the_guide_shows_a_workflow_a_hook_config_and_a_gitlab_file() -> None:
    assert len(guide_examples()) == 3


def test_the_guides_workflow_passes_actionlint_and_uses_what_init_pins() -> None:
    example = guide_examples()[0]
    assert actionlint({"status.yml": example}) == []
    written = load_workflow(ci_files("github", PurePosixPath("."))[".github/workflows/status.yml"])
    shown = load_workflow(example)
    assert shown["on"].keys() == written["on"].keys() and shown["on"]["schedule"] == written["on"]["schedule"]
    for name in ("validate", "publish"):
        for key in ("if", "permissions", "concurrency"):
            assert shown["jobs"][name].get(key) == written["jobs"][name].get(key), (name, key)
    assert uses_of(shown) <= uses_of(written)
    assert f"{ACTION_REPOSITORY}@v{__version__}" in uses_of(shown)
    pinned = {pin.split()[0] for pin in PINNED_ACTIONS.values()}
    assert {uses for uses in uses_of(shown) if uses.startswith("actions/")} <= pinned


def test_the_guides_pre_commit_config_names_the_hook_at_this_version() -> None:
    [repo] = yaml.safe_load(guide_examples()[1])["repos"]
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert repo["repo"].endswith("/" + ACTION_REPOSITORY) and repo["rev"] == f"v{__version__}"
    assert [hook["id"] for hook in repo["hooks"]] == [hook["id"] for hook in hooks]


def test_the_guides_gitlab_file_is_the_one_init_writes_without_notify() -> None:
    shown = yaml.safe_load(guide_examples()[2])
    written = yaml.safe_load(ci_files("gitlab", PurePosixPath("."))[".gitlab-ci.yml"])
    assert set(shown) == set(written) - {"notify"}
    for key in shown:
        assert shown[key] == written[key], key
