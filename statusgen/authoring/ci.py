"""The CI that `statusgen init --ci` writes: a GitHub Actions workflow or a .gitlab-ci.yml.

Both build and publish on pushes to the default branch and on a schedule ("now" is the build
time), validate changes under review, and run notify before publishing once mkdocs.yml
configures it. The texts are templates shipped in the package (ci_templates/); only the
site's location and the pinned versions vary.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path, PurePosixPath

import jinja2
import yaml

from .. import __version__
from ..cache.store import CACHE_FOLDER

CI_CHOICES = ("github", "gitlab", "none")

ACTION_REPOSITORY = "statusgen/statusgen"
"""Where action.yml is published; the workflow uses it at the tag of the statusgen that wrote it."""

PYTHON_VERSION = "3.12"

PINNED_ACTIONS = {
    # Third-party actions by commit, so that a moved tag cannot change what runs; the comment
    # names the release, for people and for Dependabot.
    "checkout": "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1",
    "cache_restore": "actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae  # v5.0.5",
    "cache_save": "actions/cache/save@27d5ce7f107fe9357f9df03efb73ab90386fccae  # v5.0.5",
    "upload_pages_artifact": "actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9  # v5.0.0",
    "deploy_pages": "actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128  # v5.0.0",
}

_TARGETS = {"github": ".github/workflows/status.yml", "gitlab": ".gitlab-ci.yml"}


def repository_root(directory: Path) -> Path:
    """The git work tree that will hold `directory`, where CI files must live; else `directory`."""
    start = directory.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return directory.resolve()


def ci_files(ci: str, site: PurePosixPath) -> dict[str, str]:
    """Path relative to the repository root -> text, for a site whose mkdocs.yml is in `site`.

    `site` is relative to the repository root ("." when the site is the repository)."""
    if ci not in CI_CHOICES:
        raise ValueError(f"unknown CI {ci!r}: expected one of {', '.join(CI_CHOICES)}")
    if ci == "none":
        return {}
    template = _environment().get_template(f"{ci}.yml")
    return {_TARGETS[ci]: template.render(_context(site))}


def _context(site: PurePosixPath) -> dict[str, object]:
    at_root = site == PurePosixPath(".")
    config = site / "mkdocs.yml"
    return {
        "version": __version__,
        "python_version": PYTHON_VERSION,
        "action": f"{ACTION_REPOSITORY}@v{__version__}",
        "pins": PINNED_ACTIONS,
        "config": config.as_posix(),
        # Commands find mkdocs.yml in the working folder (the repository root) by themselves.
        "config_args": "" if at_root else f"-f {shlex.quote(config.as_posix())}",
        "site_dir": (site / "site").as_posix(),  # mkdocs.yml's default site_dir, next to it
        "notify_state": (site / "notify-state.json").as_posix(),
        "build_cache": (site / CACHE_FOLDER).as_posix(),  # the build cache's default folder, next to mkdocs.yml
    }


def _environment() -> jinja2.Environment:
    # Square-bracket delimiters: the files are full of GitHub's own ${{ expressions }}.
    # (So the templates avoid `[[`, as in POSIX classes like [[:space:]].)
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("statusgen.authoring", "ci_templates"),
        variable_start_string="[[", variable_end_string="]]",
        block_start_string="[%", block_end_string="%]",
        comment_start_string="[#", comment_end_string="#]",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False,
    )
    environment.filters.update(yaml=_yaml_scalar, sh=shlex.quote, prefixed=lambda text: f" {text}" if text else "")
    return environment


def _yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar in block context: plain when it reads back unchanged, else quoted."""
    try:
        plain = "\n" not in value and yaml.safe_load(value) == value
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar
