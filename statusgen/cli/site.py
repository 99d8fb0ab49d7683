"""Commands that read a whole site: build, validate, serve, schema."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any, NamedTuple, TextIO

import click
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from ..cache.published import (
    CheckedAndLinked,
    check_and_link,
    checked_ahead,
    forget_published,
    record_published,
    vouch_again,
)
from ..cache.store import TAG_FILE, CacheStore
from ..clock import NowError, resolve_now
from ..derive import measuring_ahead
from ..docs_listing import record_folders_unlisted
from ..errors import ContentError
from ..files_seen import take_ahead
from ..languages import Language
from ..parallel import HandingOver
from ..plugin import StatusgenPlugin, settings_from_config
from ..publish.schemas import schema_files
from ..record_memo import held, history_length, load_records_once, one_build
from ..records import Records
from ..settings import Settings
from ..swap import folder_beside, left_to_child, staged_site, take_retired_site
from ..templating import compile_templates, compiled_ahead
from ..translations import missing_translations
from .options import cache_options, config_option

__all__ = ["UserError", "build_site", "config_option", "load_site_config", "user_errors", "validated_records"]


class UserError(click.ClickException):
    """A mistake of the user's: printed without a traceback, exit code 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the user's mistakes into clean messages; let bugs keep their traceback."""
    try:
        yield
    except ContentError as error:
        raise UserError(error.report()) from None
    except (NowError, ConfigurationError) as error:
        raise UserError(f"error: {error}") from None
    except PluginError as error:
        raise UserError(str(error)) from None
    except Abort as error:
        raise UserError(str(error)) from None
    except click.ClickException:
        raise
    except OSError as error:  # the site folder cannot be written: disk full, permissions
        raise UserError(f"error: {error}") from None
    except Exception:
        click.echo("statusgen: internal error (a bug in statusgen, not in your records), please report it:", err=True)
        raise


@contextmanager
def source_date_epoch(now: datetime) -> Iterator[None]:
    """Build as `SOURCE_DATE_EPOCH=... mkdocs build` would: the reproducible-builds variable is
    how MkDocs (its sitemap under another theme) and the statusgen plugin both learn "now",
    so the CLI and plain MkDocs take one road to the same bytes."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def load_site_config(config_file: str, **overrides: Any) -> tuple[MkDocsConfig, StatusgenPlugin]:
    """mkdocs.yml, loaded and checked, with its statusgen plugin instance."""
    if not Path(config_file).is_file():
        raise UserError(f"error: {config_file}: no such file (give the site's mkdocs.yml with -f)")
    config = load_config(config_file=config_file, **overrides)
    plugin = config.plugins.get("statusgen")
    if not isinstance(plugin, StatusgenPlugin):
        raise UserError(f"error: {config_file}: add `statusgen` under `plugins:` to build a status site")
    return config, plugin


def validated_records(config: MkDocsConfig, plugin: StatusgenPlugin, building: bool = False,
                      assembled: Callable[[Records], object] | None = None) -> Records:
    """Every record of the site, checked; raises ContentError with every problem. The build
    that follows gets them from the same process-wide memo instead of reading them again.
    Only a build makes the build cache: `validate` and `notify` (a pre-commit hook, a CI step)
    use it when a build already made it, and otherwise leave no folder behind. `assembled`:
    see loader.load_records."""
    settings = settings_from_config(config, plugin.config)
    cache_dir = settings.cache_dir if building or (settings.cache_dir is not None and settings.cache_dir.is_dir()) else None
    return load_records_once(settings.content_dir, settings.languages, cache_dir, assembled)


@contextmanager
def building_what_was_validated(config: MkDocsConfig, plugin: StatusgenPlugin, records: Records, now: datetime) -> Iterator[None]:
    """The plugin builds the records validated_records just checked, without reading the
    history again (record_memo.held), as of `now`; their uptime figures are counted on the
    other core meanwhile, while MkDocs starts (derive.measuring_ahead)."""
    settings = settings_from_config(config, plugin.config)
    with held(settings.content_dir, settings.languages, settings.cache_dir, records), \
            measuring_ahead(records, settings, now):
        yield


@contextmanager
def chosen_cache(cache_dir: str | None, no_cache: bool) -> Iterator[None]:
    """The plugin uses the cache the command line chose, for this command only."""
    StatusgenPlugin.cache_dir_chosen = "" if no_cache else str(Path(cache_dir).resolve()) if cache_dir else None
    try:
        yield
    finally:
        StatusgenPlugin.cache_dir_chosen = None


@contextmanager
def publishing_to(target: Path, config: MkDocsConfig, plugin: StatusgenPlugin) -> Iterator[None]:
    """The plugin links pages unchanged since the last build from `target`, for this build only;
    what needs no record is worked out on the other core meanwhile, while the records are read."""
    StatusgenPlugin.publishing_to = target.resolve()
    try:
        with _worked_ahead(settings_from_config(config, plugin.config)):
            yield
    except BaseException:
        forget_published()
        raise
    finally:
        StatusgenPlugin.publishing_to = None


_Ahead = HandingOver[dict[Language, dict[str, bytes]], "CheckedAndLinked | None"]
"""The child working ahead: it hands over the templates compiled, then the last site's pages checked and linked."""


@contextmanager
def _worked_ahead(settings: Settings) -> Iterator[None]:
    """Within: what the build needs that no record decides is worked out by a forked child
    while the records are read (on two cores, the second is idle then for most of a second of
    a long history): every template compiled (templating.compile_templates), and, when a cache
    may hold what the last build published where this one publishes, that site's pages
    checked, the site before it deleted, and the untouched ones linked beside it
    (cache/published.py, check_and_link).
    A short history goes without: each is done where it is needed."""
    take_ahead(settings.content_dir, settings.cache_dir)  # what a child found out while this process started (cli/build.py)
    site, section, cache = settings.published_site, settings.published_section, settings.cache_dir
    usable = section is not None and site is not None and site.is_dir() and cache is not None and (cache / TAG_FILE).is_file()
    store = CacheStore.open(cache) if usable and cache is not None else None
    with ExitStack() as stack:
        last = None
        if store is not None and site is not None and section is not None:
            last = _LastSite(store, site, section, stack.enter_context(folder_beside(site)))
        child: _Ahead = stack.enter_context(HandingOver(partial(_work_ahead, settings, last),
                                                        meanwhile=history_length(settings.content_dir)))
        if child.forked:
            stack.enter_context(compiled_ahead(child.first))
            if last is not None:
                stack.enter_context(checked_ahead(last.store, last.folder, child.result))
                stack.enter_context(left_to_child(last.site))  # the child deletes the site before the last
                stack.push(partial(_vouch_if_failed, child, last))
        yield


def _vouch_if_failed(child: _Ahead, last: _LastSite, failed: type[BaseException] | None, *_: object) -> None:
    """A build that fails leaves the last site as it was, but the links its child made move
    each page's change time as they go: once the child is done, they are removed here and the
    pages recorded again (published.vouch_again), so that the next build still links them."""
    if failed is None:
        return
    try:
        answer = child.result()
    except Exception:  # noqa: BLE001 - the next build writes the pages anew, as without
        return
    if answer is not None:
        shutil.rmtree(last.side, ignore_errors=True)
        vouch_again(last.store, str(last.folder), answer[0])


class _LastSite(NamedTuple):
    store: CacheStore
    site: Path
    """Where the last build published."""
    folder: Path
    """Where the last build published the section."""
    side: Path
    """Where its untouched pages are linked."""


def _work_ahead(settings: Settings, last: _LastSite | None,
                hand_over: Callable[[dict[Language, dict[str, bytes]]], None]) -> CheckedAndLinked | None:
    """The child's work for _worked_ahead: the templates first, handed over as soon as they
    are compiled (the build needs them once MkDocs starts); then the last site's pages, which
    it needs only once the pages are looked up, a few tenths of a second later."""
    hand_over(compile_templates(settings))
    if last is None:
        return None
    # Once the last site's pages are checked, the site before it becomes the folder they are
    # linked into (those it shares with the last one are there already), before any is linked.
    section = last.folder.resolve().relative_to(last.site.resolve())
    return check_and_link(last.store, str(last.folder), str(last.side), partial(take_retired_site, last.site, section, last.side))


_BUILD_YOUNGEST_THRESHOLD = 1_000_000
"""Objects a build may make before its collector looks at them (statusgen.cli's default for
every command is 100,000)."""


@contextmanager
def collecting_rarely_while_building() -> Iterator[None]:
    """The collector's youngest generation looked at ten times more rarely for one build or
    validation, as they read a whole history. At 100,000 a warm build of 10,000 incidents
    collected it four times, 25 to 55 ms each (a young list or dict of thousands of records
    is walked whole every time), 0.15 s in all; at 1,000,000 it does not fill, and the peak
    memory is the same. Afterwards, what the run made joins the oldest generation (freezing
    also empties the youngest's count), so that restoring the threshold starts no collection;
    `serve`, which lives on, keeps the default throughout."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], _BUILD_YOUNGEST_THRESHOLD), *previous[1:])
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.set_threshold(*previous)


def build_site(config_file: str, now: str | None, site_dir: str | None, quiet: bool, cache_dir: str | None,
               no_cache: bool) -> None:
    """`statusgen build` (cli/build.py declares it, and its options)."""
    _quiet_mkdocs(quiet)
    started = time.perf_counter()
    with user_errors(), chosen_cache(cache_dir, no_cache), collecting_rarely_while_building(), one_build():
        build_now = resolve_now(now)
        config, plugin = load_site_config(config_file)
        target = Path(site_dir or config.site_dir)
        with publishing_to(target, config, plugin), ExitStack() as ahead:
            # The uptime figures are counted on the other core from as soon as each record is
            # valid on its own: the rules across records and MkDocs' start overlap them.
            settings = settings_from_config(config, plugin.config)
            records = validated_records(  # every problem reported cleanly, before MkDocs starts
                config, plugin, building=True,
                assembled=lambda loaded: ahead.enter_context(measuring_ahead(loaded, settings, build_now)))
            with staged_site(target) as staging, source_date_epoch(build_now), \
                    building_what_was_validated(config, plugin, records, build_now), record_folders_unlisted():
                config.site_dir = str(staging)  # the config was read once; only where it builds changes
                mkdocs_build.build(config)
        record_published()  # now that the site is in place: what the next build may link from it
    if not quiet:
        click.echo(f"Built {target} as of {build_now:%Y-%m-%dT%H:%M:%SZ} in {time.perf_counter() - started:.1f} s.", err=True)


@click.command("validate")
@config_option
def validate_command(config_file: str) -> None:
    """Check every record, and notify's configuration when there is one; report every problem
    at once (exit 1 if any)."""
    _quiet_mkdocs(True)
    with user_errors(), collecting_rarely_while_building():
        config, plugin = load_site_config(config_file)
        records = validated_records(config, plugin)
    from ..notify.config_file import NotifyConfigError, read_notify_config  # its channel library: only here

    try:
        # Checked here too, so that review (the pre-commit hook, CI on pull requests) catches
        # a broken channel before the first `statusgen notify` after merging does.
        read_notify_config(Path(config_file), records)
    except NotifyConfigError as error:
        count = len(error.problems)
        raise UserError("\n".join(str(problem) for problem in error.problems)
                        + f"\n{count} problem{'s' if count != 1 else ''} found in notify's configuration.") from None
    counts = {
        "components": len(records.components.components), "incidents": len(records.incidents),
        "maintenance windows": len(records.maintenance), "post-mortems": len(records.postmortems),
        "announcements": len(records.announcements),
        "plans": len(records.plans.plans) if records.plans else 0,
    }
    click.echo("OK: " + ", ".join(f"{count} {name}" for name, count in counts.items()) + ".")
    _notice_missing_translations(records, settings_from_config(config, plugin.config).languages)


_LISTED = 20
"""Most untranslated records named in validate's notice, per language."""


def _notice_missing_translations(records: Records, languages: tuple[str, ...]) -> None:
    # A notice, not an error: a missing translation shows the default language's text, marked.
    for code, missing in missing_translations(records, languages).items():
        named = ", ".join(missing[:_LISTED]) + (f" and {len(missing) - _LISTED} more" if len(missing) > _LISTED else "")
        click.echo(f"notice: {len(missing)} without a translation into {code} (shown in {languages[0]}): {named}; "
                   f"start one with `statusgen new translation ID --lang {code}`", err=True)


@click.command("serve")
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@cache_options
def serve_command(config_file: str, dev_addr: str, cache_dir: str | None, no_cache: bool) -> None:
    """Live preview: rebuild on every change to records, templates or mkdocs.yml."""
    from mkdocs.commands.serve import serve

    _quiet_mkdocs(False)  # as `mkdocs serve`: where it serves, each rebuild, what it took from the cache
    with user_errors(), chosen_cache(cache_dir, no_cache), _terminated_as_interrupted(), record_folders_unlisted():
        load_site_config(config_file)
        serve(config_file=config_file, dev_addr=dev_addr, livereload=True, watch=[])


@contextmanager
def _terminated_as_interrupted() -> Iterator[None]:
    """`serve` stopped by SIGTERM (`kill`, a process manager, a container stopping) shuts down
    as on Ctrl-C, which MkDocs handles: it then removes the preview it built in a temporary
    folder, and statusgen its section's folder. SIGTERM's default action left both behind,
    160 MB for a long history, at every stop."""
    owner = os.getpid()

    def interrupt(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a forked worker or child: it ends as SIGTERM would end it
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command("schema")
@click.argument("directory", type=click.Path(file_okay=False))
def schema_command(directory: str) -> None:
    """Write the JSON Schema of every record type into DIRECTORY."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    for name, content in schema_files().items():
        (target / name).write_bytes(content)
        click.echo(str(target / name))


class _CurrentStderr(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a record is logged (Click's test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.setStream(sys.stderr)
        super().emit(record)


def _quiet_mkdocs(quiet: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(handler, _CurrentStderr) for handler in logger.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
