"""Options shared by several commands; light to import (Click only), as `build` is declared
before the rest of statusgen is imported (cli/build.py)."""

from __future__ import annotations

from collections.abc import Callable

import click

config_option = click.option(
    "-f", "--config-file", "config_file", default="mkdocs.yml", show_default=True,
    type=click.Path(dir_okay=False), help="The site's MkDocs configuration.",
)


def cache_options(command: Callable[..., None]) -> Callable[..., None]:
    """--cache-dir and --no-cache, shared by build and serve."""
    command = click.option("--no-cache", is_flag=True, help="Build without the build cache (neither read nor written).")(command)
    return click.option("--cache-dir", type=click.Path(file_okay=False),
                        help="The build cache's folder (default: mkdocs.yml's cache_dir, .statusgen-cache beside it).")(command)
