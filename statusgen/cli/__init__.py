"""The `statusgen` command: a thin Click layer over the library.

Each command parses its options, calls the core, and turns the user's mistakes
(ContentError, a bad --now, a broken mkdocs.yml) into a clean message and exit code 1.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import atexit
import gc

import click

from .. import __version__
from . import importer, init, records
from .notify import notify_command
from .site import build_command, schema_command, serve_command, validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


main.add_command(build_command)
main.add_command(validate_command)
main.add_command(serve_command)
main.add_command(schema_command)
main.add_command(notify_command)
for command in (init.init_command, *records.COMMANDS, importer.import_group):
    main.add_command(command)
