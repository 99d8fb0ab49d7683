"""The `statusgen` command: a thin Click layer over the library.

Each command parses its options, calls the core, and turns the user's mistakes
(ContentError, a bad --now, a broken mkdocs.yml) into a clean message and exit code 1.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import atexit
import gc
import importlib
from typing import Any

import click

from .. import __version__

COMMANDS = {
    "build": "build:build_command",
    "validate": "site:validate_command",
    "serve": "site:serve_command",
    "schema": "site:schema_command",
    "notify": "notify:notify_command",
    "init": "init:init_command",
    "new": "records:new_group",
    "update": "records:update_command",
    "resolve": "records:resolve_command",
    "import": "importer:import_group",
}
"""Each command's name -> where it is defined (module of statusgen.cli : attribute)."""


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs (or help lists
    it), as Click's documentation suggests for large tools: `statusgen build` does not pay
    for the importer, the authoring commands and notify's channel library (a tenth of a
    second of every build, and of every rebuild a pre-commit hook runs)."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy and cmd_name not in self.commands:
            module, _, attribute = self._lazy[cmd_name].partition(":")
            command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
            if command.name != cmd_name:  # a renamed command would vanish from help silently
                raise RuntimeError(f"statusgen.cli.{module}.{attribute} is named {command.name!r}, not {cmd_name!r}")
            self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="statusgen")
def main() -> None:
    """Build a static status site, post-mortems and customer notices from records in git."""
    _collect_rarely()


def _collect_rarely() -> None:
    # A build holds a large heap of long-lived objects (a history's records and pages): at
    # Python's default thresholds the collector walks it over and over (a sixth of a warm
    # build of 10,000 incidents) and once more at exit (half a second). As mypy does, collect
    # rarely; at exit, freeze the heap the process is about to drop whole.
    if gc.get_threshold()[0] < _YOUNGEST_THRESHOLD:
        gc.set_threshold(_YOUNGEST_THRESHOLD, 50, 100)
        atexit.register(gc.freeze)


_YOUNGEST_THRESHOLD = 100_000

