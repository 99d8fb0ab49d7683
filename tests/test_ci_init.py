"""`statusgen init --ci`: the GitHub workflow and the .gitlab-ci.yml it writes, linted and run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from statusgen import __version__
from statusgen.authoring.ci import ACTION_REPOSITORY
from statusgen.cli import main

from ci_support import actionlint, expand, load_workflow, outputs, run_bash
from test_ci_action import check_third_party_uses
from test_ci_action import step as action_step

WORKFLOW = ".github/workflows/status.yml"
OUR_ACTION = f"{ACTION_REPOSITORY}@v{__version__}"
NOTIFY_BLOCK = """\
      notify:
        state: notify-state.json
        channels:
          - {id: ops, type: webhook, url: https://hooks.example.com/status}
"""


def init(*args: str) -> Result:
    return CliRunner().invoke(main, ["init", *args], env={"SOURCE_DATE_EPOCH": "1633348800"}, catch_exceptions=False)


def git_repository(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_the_github_workflow_by_default_gitlab_or_none(in_tmp: Path) -> None:
    result = init("status")
    assert result.exit_code == 0 and f"status/{WORKFLOW}" in result.stdout.split()
    assert "Settings > Pages" in result.stderr
    assert init("lab", "--ci", "gitlab").stdout.split()[-1] == "lab/.gitlab-ci.yml"
    init("plain", "--ci", "none")
    assert sorted(p.name for p in (in_tmp / "plain").iterdir()) == [".gitignore", "content", "mkdocs.yml"]
    refused = init("other", "--ci", "jenkins")
    assert refused.exit_code == 2 and "'github', 'gitlab', 'none'" in refused.stderr


def test_ci_files_go_to_the_root_of_the_repository_that_holds_the_site(in_tmp: Path) -> None:
    repo = git_repository(in_tmp / "repo")
    assert init("repo/status").exit_code == 0
    workflow = (repo / WORKFLOW).read_text(encoding="utf-8")
    assert "args: -f status/mkdocs.yml\n" in workflow and "path: status/site\n" in workflow
    assert not (repo / "status/.github").exists()
    again = init("repo/docs-status")
    assert again.exit_code == 1 and not (repo / "docs-status").exists()
    assert f"{WORKFLOW} already exists" in again.stderr and "--ci none" in again.stderr
    assert init("repo/docs-status", "--ci", "none").exit_code == 0


SITES = {"root": ".", "subfolder": "status", "spaced": "my status"}


def site_repository(tmp_path: Path, where: str, ci: str) -> Path:
    """A git repository with a site made by init at `where` inside it; the repository root."""
    repo = git_repository(tmp_path / "repo")
    result = CliRunner().invoke(main, ["init", str(repo / where), "--ci", ci], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return repo


@pytest.mark.parametrize("where", SITES.values(), ids=SITES.keys())
def test_the_workflow_passes_actionlint(tmp_path: Path, where: str) -> None:
    text = (site_repository(tmp_path, where, "github") / WORKFLOW).read_text(encoding="utf-8")
    assert actionlint({"status.yml": text}) == []
    # The control: the same lint finds a condition on a step that does not exist.
    broken = text.replace("steps.notify-configured.outputs", "steps.notify-configure.outputs", 1)
    assert any("notify-configure" in finding["message"] for finding in actionlint({"status.yml": broken}))


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job["steps"]


def index_of(steps: list[dict[str, Any]], predicate: Any) -> int:
    return next(i for i, s in enumerate(steps) if predicate(s))


def test_the_workflow_publishes_on_push_and_schedule_and_validates_pull_requests(tmp_path: Path) -> None:
    workflow = load_workflow((site_repository(tmp_path, ".", "github") / WORKFLOW).read_text(encoding="utf-8"))
    on = workflow["on"]
    assert {"push", "pull_request", "schedule", "workflow_dispatch"} <= set(on)
    minutes, hours, *rest = on["schedule"][0]["cron"].split()
    assert hours == "*" and rest == ["*", "*", "*"] and len(minutes.split(",")) >= 2  # at least twice an hour
    assert workflow["permissions"] == {}
    validate, publish = workflow["jobs"]["validate"], workflow["jobs"]["publish"]
    assert validate["if"] == "github.event_name == 'pull_request'" and validate["permissions"] == {"contents": "read"}
    assert [s["with"]["command"] for s in steps_of(validate) if s["uses"] == OUR_ACTION] == ["validate", "build"]
    assert "github.event_name != 'pull_request'" in publish["if"]
    assert "github.ref_name == github.event.repository.default_branch" in publish["if"]
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert publish["environment"]["name"] == "github-pages" and publish["concurrency"]["cancel-in-progress"] is False
    steps = steps_of(publish)
    build = index_of(steps, lambda s: s.get("with", {}).get("command") == "build")
    notify = index_of(steps, lambda s: s.get("with", {}).get("command") == "notify")
    upload = index_of(steps, lambda s: s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    deploy = index_of(steps, lambda s: s.get("uses", "").startswith("actions/deploy-pages@"))
    assert build < notify < upload < deploy  # notify before publishing, once the build has succeeded
    assert steps[notify]["if"] == "steps.notify-configured.outputs.configured == 'true'"
    assert steps[notify]["continue-on-error"] is True
    assert steps[-1]["if"] == "steps.notify.outcome == 'failure'"  # ... yet a failed notify fails the job
    for job in (validate, publish):
        for s in steps_of(job):
            if "run" in s:
                assert "${{" not in s["run"]
            elif s["uses"] == OUR_ACTION:
                assert set(s["with"]) <= {"command", "args", "python-version"}
            else:
                check_third_party_uses(s["uses"], s.get("with"))


def guard(workflow: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in steps_of(workflow["jobs"]["publish"]) if s.get("id") == "notify-configured")


@pytest.mark.parametrize("where", SITES.values(), ids=SITES.keys())
def test_notify_runs_only_once_mkdocs_yml_configures_it(tmp_path: Path, where: str) -> None:
    repo = site_repository(tmp_path, where, "github")
    check = guard(load_workflow((repo / WORKFLOW).read_text(encoding="utf-8")))
    config = repo / where / "mkdocs.yml"

    def configured() -> bool:
        output = tmp_path / "output"
        output.unlink(missing_ok=True)
        completed = run_bash(check["run"], repo, {**check["env"], "GITHUB_OUTPUT": str(output)})
        assert completed.returncode == 0, completed.stderr
        return outputs(output).get("configured") == "true"

    assert not configured()
    config.write_text(config.read_text(encoding="utf-8") + "      # notify:\n", encoding="utf-8")
    assert not configured()
    config.write_text(config.read_text(encoding="utf-8") + NOTIFY_BLOCK, encoding="utf-8")
    assert configured()
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["plugins"][0]["statusgen"]["notify"]["state"] == "notify-state.json"


def run_our_action(uses_step: dict[str, Any], repo: Path, runner_temp: Path) -> subprocess.CompletedProcess[str]:
    """What the action's last step runs for this `uses:` step of a workflow."""
    inputs = {"inputs.command": uses_step["with"]["command"],
              "inputs.args": expand(str(uses_step["with"].get("args", "")), {"runner.temp": str(runner_temp)})}
    run = action_step("statusgen ${{ inputs.command }}")
    return run_bash(run["run"], repo, {key: expand(value, inputs) for key, value in run["env"].items()})


@pytest.mark.parametrize("where", SITES.values(), ids=SITES.keys())
def test_the_workflow_steps_build_what_they_upload(tmp_path: Path, where: str) -> None:
    repo = site_repository(tmp_path, where, "github")
    workflow = load_workflow((repo / WORKFLOW).read_text(encoding="utf-8"))
    runner_temp = tmp_path / "runner-temp"
    for s in steps_of(workflow["jobs"]["validate"]):
        if s.get("uses") == OUR_ACTION:
            completed = run_our_action(s, repo, runner_temp)
            assert completed.returncode == 0, completed.stderr
    assert (runner_temp / "preview/index.html").is_file()
    upload = None
    cached = set()
    for s in steps_of(workflow["jobs"]["publish"]):
        if s.get("uses") == OUR_ACTION and s["with"]["command"] == "build":
            assert run_our_action(s, repo, runner_temp).returncode == 0
        if s.get("uses", "").startswith("actions/upload-pages-artifact@"):
            upload = repo / s["with"]["path"]
        if s.get("uses", "").startswith(("actions/cache/restore@", "actions/cache/save@")):
            cached.add(s["with"]["path"])
    assert upload is not None and (upload / "index.html").is_file() and (upload / "api/v2/summary.json").is_file()
    build_cache = (Path(where) / ".statusgen-cache").as_posix()
    assert cached == {(Path(where) / "notify-state.json").as_posix(), build_cache}
    assert (repo / build_cache / "CACHEDIR.TAG").is_file()  # the build wrote the cache the workflow keeps


# GitLab


def gitlab(repo: Path) -> dict[str, Any]:
    return yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))


def rule_matches(condition: str, variables: dict[str, str]) -> bool:
    """GitLab's `rules: if:` for the forms the file uses: `$A == $B`, `$A == "x"`, joined by &&."""
    def value(term: str) -> str | None:
        term = term.strip()
        return variables.get(term[1:]) if term.startswith("$") else term.strip('"')

    return all(value(left) == value(right) for left, right in
               (part.split("==") for part in condition.split("&&")))


def runs(job: dict[str, Any], variables: dict[str, str]) -> bool:
    return any(rule_matches(rule["if"], variables) and rule.get("when") != "never" for rule in job["rules"])


PIPELINES = {
    "push to the default branch": {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"},
    "schedule on the default branch": {"CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"},
    "merge request": {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_DEFAULT_BRANCH": "main"},
    "push to a branch": {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "fix-typo", "CI_DEFAULT_BRANCH": "main"},
}


def test_the_gitlab_file_publishes_public_from_the_default_branch_and_validates_merge_requests(tmp_path: Path) -> None:
    ci = gitlab(site_repository(tmp_path, ".", "gitlab"))
    assert ci["stages"] == ["test", "deploy"]
    assert ci["default"]["before_script"] == [f'pip install --disable-pip-version-check --quiet "statusgen=={__version__}"']
    pages, validate, notify = ci["pages"], ci["validate"], ci["notify"]
    assert pages["stage"] == "deploy" and pages["artifacts"]["paths"] == ["public"]
    assert pages["script"] == ["statusgen build --site-dir public"]
    assert validate["stage"] == "test" and validate["script"][0] == "statusgen validate"
    assert notify["stage"] == "test" and notify["allow_failure"] is True  # before publishing, never blocking it
    assert {"key": "statusgen-notify-state", "paths": ["notify-state.json"], "when": "always"} in notify["cache"]
    assert ci["stages"].index(notify["stage"]) < ci["stages"].index(pages["stage"])
    expected = {  # pipeline -> the jobs it runs
        "push to the default branch": {"notify", "pages"},
        "schedule on the default branch": {"notify", "pages"},
        "merge request": {"validate"},
        "push to a branch": set(),
    }
    for pipeline, variables in PIPELINES.items():
        assert {name for name in ("pages", "validate", "notify") if runs(ci[name], variables)} == expected[pipeline], pipeline


@pytest.mark.parametrize("where", SITES.values(), ids=SITES.keys())
def test_the_gitlab_scripts_validate_and_publish_public(tmp_path: Path, where: str) -> None:
    repo = site_repository(tmp_path, where, "gitlab")
    ci = gitlab(repo)

    def job(name: str) -> subprocess.CompletedProcess[str]:
        return run_bash("\n".join(ci[name]["script"]), repo, {})

    assert job("validate").returncode == 0
    notify = job("notify")
    assert notify.returncode == 0 and "notify is not configured" in notify.stdout
    assert job("pages").returncode == 0
    assert (repo / "public/index.html").is_file() and (repo / "public/api/v2/summary.json").is_file()
    kept = [entry for entry in ci["pages"]["cache"] if entry.get("key") == "statusgen-build"]
    assert [entry["paths"] for entry in kept] == [[(Path(where) / ".statusgen-cache").as_posix()]]
    assert (repo / kept[0]["paths"][0] / "CACHEDIR.TAG").is_file()  # the build wrote the cache the pipeline keeps
    broken = repo / where / "content/components.yml"
    broken.write_text("components:\n  - id: Website\n", encoding="utf-8")
    failed = job("validate")
    assert failed.returncode == 1 and re.search(r"content/components\.yml:2: ", failed.stderr), failed.stderr
