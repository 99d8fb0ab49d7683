"""action.yml, the composite GitHub Action: its shape, actionlint, and its scripts run for real."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import main

from ci_support import actionlint, expand, outputs, run_bash
from conftest import REPO

PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")

KNOWN_INPUTS = {
    # The inputs of the releases pinned in action.yml and in the workflows init writes (read
    # from their action.yml); actionlint cannot know them for an action pinned by commit.
    "actions/checkout": {"repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user",
                         "persist-credentials", "path", "clean", "filter", "sparse-checkout",
                         "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs",
                         "submodules", "set-safe-directory", "github-server-url", "allow-unsafe-pr-checkout"},
    "actions/setup-python": {"python-version", "python-version-file", "cache", "architecture", "check-latest",
                             "token", "cache-dependency-path", "update-environment", "allow-prereleases",
                             "freethreaded", "pip-version"},
    "actions/cache": {"path", "key", "restore-keys", "upload-chunk-size", "enableCrossOsArchive",
                      "fail-on-cache-miss", "lookup-only", "save-always"},
    "actions/cache/restore": {"path", "key", "restore-keys", "enableCrossOsArchive", "fail-on-cache-miss", "lookup-only"},
    "actions/cache/save": {"path", "key", "upload-chunk-size", "enableCrossOsArchive"},
    "actions/upload-pages-artifact": {"name", "path", "retention-days", "include-hidden-files"},
    "actions/deploy-pages": {"token", "timeout", "error_count", "reporting_interval", "artifact_name", "preview"},
}


def load_action() -> dict[str, Any]:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def step(name: str) -> dict[str, Any]:
    return next(s for s in load_action()["runs"]["steps"] if s.get("name") == name)


def check_third_party_uses(uses: str, with_: dict[str, Any] | None) -> None:
    """A third-party action pinned by commit, given only inputs its release has."""
    assert PINNED.match(uses), f"{uses}: pin third-party actions by commit"
    action = uses.split("@")[0]
    unknown = set(with_ or {}) - KNOWN_INPUTS[action]
    assert not unknown, f"{uses}: no such input {unknown}"


def test_the_action_has_the_three_inputs_and_runs_composite() -> None:
    action = load_action()
    assert set(action["inputs"]) == {"command", "args", "python-version"}
    assert all(spec["description"] and "default" in spec for spec in action["inputs"].values())
    assert action["inputs"]["command"]["default"] == "build"
    assert action["runs"]["using"] == "composite"
    for s in action["runs"]["steps"]:
        if "run" in s:
            assert s["shell"] == "bash", s["name"]
            # Inputs reach scripts through env only: an expression in a script is code injection.
            assert "${{" not in s["run"], s["name"]
        else:
            check_third_party_uses(s["uses"], s.get("with"))
    python = step("Set up Python")
    assert python["uses"].startswith("actions/setup-python@") and python["with"]["python-version"] == "${{ inputs.python-version }}"
    cache = step("Cache pip's downloads")
    assert "${{ steps.check.outputs.pyproject-hash }}" in cache["with"]["key"]
    assert cache["with"]["path"] == "${{ steps.pip.outputs.dir }}"
    assert '"$GITHUB_ACTION_PATH"' in step("Install statusgen")["run"]


def workflow_of_the_action() -> str:
    """The action's steps as a workflow job, so that actionlint checks their expressions:
    `inputs` becomes workflow_dispatch's inputs, the rest of the contexts are the same."""
    action = load_action()
    inputs = {name: {"description": spec["description"], "default": spec["default"], "type": "string"}
              for name, spec in action["inputs"].items()}
    workflow = {"name": "action", "on": {"workflow_dispatch": {"inputs": inputs}},
                "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}}}
    return yaml.safe_dump(workflow, sort_keys=False)


def test_the_action_steps_pass_actionlint() -> None:
    assert actionlint({"action.yml": workflow_of_the_action()}) == []
    # The control: the same lint finds a reference to a step that does not exist.
    broken = workflow_of_the_action().replace("steps.check.outputs.install", "steps.chek.outputs.install")
    assert any("chek" in finding["message"] for finding in actionlint({"action.yml": broken}))


def run_check(tmp_path: Path, command: str, ready: str = "") -> tuple[int, str, dict[str, str]]:
    output = tmp_path / "output"
    output.unlink(missing_ok=True)
    env = {"COMMAND": command, "PYTHON_VERSION": "3.12", "GITHUB_ACTION_PATH": str(REPO),
           "GITHUB_OUTPUT": str(output), "STATUSGEN_ACTION_READY": ready}
    completed = run_bash(step("Check the command")["run"], tmp_path, env)
    return completed.returncode, completed.stdout + completed.stderr, outputs(output)


@pytest.mark.parametrize("command", ["build", "validate", "notify"])
def test_the_three_commands_pass_the_check(tmp_path: Path, command: str) -> None:
    code, _, out = run_check(tmp_path, command)
    assert code == 0 and out["install"] == "true" and re.fullmatch(r"[0-9a-f]{16}", out["pyproject-hash"])


@pytest.mark.parametrize("command", ["serve", "", "build; rm -rf /", "init"])
def test_any_other_command_is_refused_clearly(tmp_path: Path, command: str) -> None:
    code, text, out = run_check(tmp_path, command)
    assert code == 1 and "install" not in out
    assert "::error title=statusgen action::command must be build, validate or notify, not " in text


def test_a_second_use_in_the_job_does_not_install_again(tmp_path: Path) -> None:
    _, _, first = run_check(tmp_path, "build")
    python = run_bash("command -v python", tmp_path, {}).stdout.strip()
    _, _, again = run_check(tmp_path, "validate", ready=f"3.12 {first['pyproject-hash']} {python}")
    assert "install" not in again
    _, _, other_python = run_check(tmp_path, "validate", ready=f"3.11 {first['pyproject-hash']} {python}")
    assert other_python["install"] == "true"


def test_the_run_step_passes_args_as_a_shell_would_without_running_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", "my status", "--ci", "none"]).exit_code == 0
    run = step("statusgen ${{ inputs.command }}")
    assert expand(run["name"], {"inputs.command": "validate"}) == "statusgen validate"
    env = {key: expand(value, {"inputs.command": "validate", "inputs.args": "-f 'my status/mkdocs.yml'"})
           for key, value in run["env"].items()}
    completed = run_bash(run["run"], tmp_path, env)
    assert completed.returncode == 0 and completed.stdout.startswith("OK: 1 components"), completed.stderr
    env["ARGS"] = "-f 'my status/mkdocs.yml' $(touch pwned)"
    completed = run_bash(run["run"], tmp_path, env)
    assert completed.returncode == 2 and "unexpected extra argument" in completed.stderr.lower()
    assert not (tmp_path / "pwned").exists()
    (tmp_path / "my status/content/components.yml").write_text("components: nope\n", encoding="utf-8")
    env["ARGS"] = "-f 'my status/mkdocs.yml'"
    completed = run_bash(run["run"], tmp_path, env)
    assert completed.returncode == 1 and "my status/content/components.yml:1:" in completed.stderr
