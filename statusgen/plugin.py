"""The MkDocs plugin: thin glue between MkDocs' events and statusgen's core.

on_config turns the `statusgen` block of mkdocs.yml into Settings and wires the theme;
on_pre_build loads the records; on_files builds every output from them and hands them to
MkDocs as generated files.
With statusgen's own theme the pages are complete HTML, copied as they are (cheap: no
MkDocs page per incident). Under any other theme each page becomes a generated Markdown page
kept out of the nav, whose content is swapped for statusgen's HTML, so the site's own theme
wraps it.
"""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any, ClassVar

from mkdocs.config import base
from mkdocs.config import config_options as option
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import settled, urls
from .cache import use as cache_use
from .cache.published import place_linked_ahead
from .cache.store import CACHE_FOLDER, is_cache_folder
from .clock import NowError, resolve_now
from .derive import measuring_ahead
from .errors import ContentError
from .headers import site_page_policy
from .languages import default_language, language_problems
from .loader import RECORD_FOLDERS, is_record_relative
from .mkdocs_options import load_as_yaml12
from .outputs import OutputFile
from .pipeline import build_outputs, load_publishers_libraries
from .publish.stylesheet import STYLESHEET_TEMPLATE, Stylesheet, load_stylesheet
from .record_layout import CONTENT_FOLDER
from .record_memo import load_records_once
from .records import Records
from .served_section import ServedSection, write_files
from .settings import Settings
from .swap import release_retired_site
from .templating import templates_dir
from .watching import watch_natively

log = get_plugin_logger(__name__)


class _CheckedByNotify(base.BaseConfigOption[Any]):
    """Any value: MkDocs only has to know the key."""


class StatusgenConfig(base.Config):
    """The `statusgen` block of mkdocs.yml."""

    content_dir = option.Type(str, default=CONTENT_FOLDER)
    """Folder of the records, relative to mkdocs.yml."""
    prefix = option.Type(str, default="")
    """Mount the status section under this path, e.g. `status/`."""
    uptime_days = option.Type(int, default=90)
    """Days in the uptime window."""
    uptime_months = option.Type(int, default=12)
    """Calendar months on the uptime page (/uptime/), ending with the month of now."""
    feed_items = option.Type(int, default=50)
    """Most entries per feed."""
    incidents_per_page = option.Type(int, default=25)
    """Incidents per page of the history."""
    cache_dir = option.Type(str, default=CACHE_FOLDER)
    """The build cache's folder, relative to mkdocs.yml; "" builds without a cache."""
    languages = option.Type(list, default=["en"])
    """Languages of the site (Babel identifiers): the first at the root, the others under /LANG/."""
    notify = _CheckedByNotify()
    """Channels and reminders of `statusgen notify`; read and checked by notify itself
    (notify/config_file.py), at YAML 1.2 and with line numbers, never by a build."""


class StatusgenPlugin(BasePlugin[StatusgenConfig]):
    """Adds the status section to an MkDocs build."""

    supports_multiple_instances = False
    cache_dir_chosen: ClassVar[str | None] = None
    """The command line's --cache-dir ("" for --no-cache), over mkdocs.yml's `cache_dir`. A
    class attribute, because `serve` reads mkdocs.yml again on every rebuild; the command
    sets it for its own run only (cli/site.py)."""
    publishing_to: ClassVar[Path | None] = None
    """Where `statusgen build` swaps the site it builds (site/), for its own run only: pages
    unchanged since the build published there are linked from it (cache/published.py)."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self._fragments: dict[str, OutputFile] = {}
        self._serving = False
        self._stylesheet: Stylesheet | None = None
        self._served: ServedSection | None = None
        """Under `serve` with statusgen's theme: the section's files, kept across rebuilds."""
        self._native_watcher: Any = None
        """Under `serve`: the inotify observer of the records' folder, if it has one (watching.py)."""
        self._pages: dict[str, OutputFile] = {}
        """A build with statusgen's theme: the section's HTML pages, written once MkDocs is done."""
        self._loaded: tuple[Records, datetime] | None = None
        """The records of the build under way and its "now", from on_pre_build to on_files."""
        self._ahead = ExitStack()
        """What on_pre_build set to work on the other core for the build under way."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Under `serve` MkDocs injects its reload script into every page: only then may the
        # pages' Content-Security-Policy let it run. (Defining this event also keeps the
        # plugin across the rebuilds of one `serve`; on_config recomputes its settings.)
        self._serving = command == "serve"
        settled.keep_facts(self._serving)  # every save derives the state again
        if self._serving:
            load_publishers_libraries()

    def load_config(self, options: dict[str, Any], config_file_path: str | None = None) -> tuple[Any, Any]:
        # MkDocs read mkdocs.yml as YAML 1.1: the options are given the meaning YAML 1.2, as
        # in the records, gives the text (`uptime_days: 030` is 30, `prefix: on` is text).
        return load_as_yaml12(super().load_config, options, config_file_path)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.site_url:
            log.warning("site_url is not set in mkdocs.yml; feeds and the API will link to http://localhost/")
        self.settings = replace(settings_from_config(config, self.config), live_reload=self._serving)
        self._stylesheet = load_stylesheet(self.settings)
        if self.settings.standalone:
            # The theme's templates are statusgen/templates/ (see statusgen/theme/__init__.py).
            position = 1 if config.theme.custom_dir else 0
            config.theme.dirs.insert(position, str(templates_dir()))
            # statusgen writes its own sitemap, listing its pages as well as MkDocs' ones.
            config.theme.static_templates.discard(urls.SITEMAP)
        else:
            config.extra_css.append(self.settings.prefix + self._stylesheet.path)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        settings = self.settings
        assert settings is not None
        self._ahead.close()  # a build that failed before on_files left its child behind
        try:
            # "Now" is decided here, at the edge and once per build, as MkDocs decides it for
            # its own outputs: SOURCE_DATE_EPOCH (which `statusgen build --now` sets), else the clock.
            now = resolve_now()
            records = load_records_once(settings.content_dir, settings.languages, settings.cache_dir)
        except ContentError as error:
            raise PluginError(error.report()) from None
        except NowError as error:
            raise PluginError(str(error)) from None
        self._loaded = (records, now)
        if not self._serving:
            # Before MkDocs lists its files, which no record decides: the figures that take
            # the whole history are counted on the other core meanwhile. Not under `serve`,
            # whose derivations keep settled incidents' timelines from one save to the next
            # (settled.py): a child cannot hand them back, and counting every one of them
            # again took it longer than the serving process takes to count them itself.
            self._ahead.enter_context(measuring_ahead(records, settings, now))

    def on_build_error(self, *, error: Exception) -> None:
        self._end_build()

    def _end_build(self) -> None:
        """The build under way is over: its records let go, its child on the other core stopped."""
        self._loaded = None
        self._ahead.close()

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        settings = self.settings
        assert settings is not None and self._loaded is not None
        # MkDocs' files first: the uptime figures are still being counted on the other core
        # (on_pre_build), and the site's outputs want them next.
        for file in _records_among(settings.content_dir, files):
            files.remove(file)
        for file in _cache_files_among(config.docs_dir, files):
            files.remove(file)
        theme_folders = tuple(str(Path(folder).resolve()) for folder in config.theme.dirs)
        for file in [file for file in files if _is_notify_template(file, theme_folders)]:
            files.remove(file)  # message templates of `statusgen notify`, not files of the site
        # The theme's copy of the stylesheet source is published fingerprinted, by its content, instead.
        source = files.get_file_from_path(STYLESHEET_TEMPLATE)
        if source is not None and _from_theme(source, config):
            files.remove(source)
        records, now = self._loaded
        try:
            outputs = build_outputs(records, settings, now)
        except ContentError as error:
            raise PluginError(error.report()) from None
        finally:
            self._end_build()
        # No page is checked in the last site after this: the site before it may go (swap.py).
        # A build that links pages released it as soon as it had checked them (cache/published.py).
        release_retired_site()
        self._fragments = {}  # under serve the plugin lives across rebuilds: no page of the last one stays
        if not settings.standalone:
            # The other theme's sitemap already lists every page, statusgen's included.
            outputs = [output for output in outputs if output.path != urls.SITEMAP]
        served = self._add_outputs(outputs, files, config, settings)
        self._pages = {}
        if self._serving and settings.standalone:
            if self._served is None:
                self._served = ServedSection()
            self._served.update({path: output.content for path, output in served.items()})
            return files
        for path, output in served.items():
            if settings.standalone and path.endswith(".html"):
                # Thousands of pages (one per incident) are written here directly: a File per
                # page costs MkDocs as much again as writing it. The section's other files
                # stay MkDocs' own, so that a page of the site may link to a feed or the API.
                self._pages[path] = output
            else:
                files.append(File.generated(config, path, content=output.content))
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._served is not None and self._serving:
            self._served.link_into(Path(config.site_dir))
        try:
            pages = self._pages
            if self.settings is not None and pages:
                # Pages unchanged since the last build, linked from it ahead (cache/published.py).
                prefix = self.settings.prefix
                placed = {prefix + path for path in place_linked_ahead(Path(config.site_dir) / prefix)}
                pages = {path: page for path, page in pages.items() if path not in placed}
            write_files(Path(config.site_dir), pages)
        except OSError as error:
            raise PluginError(f"statusgen: {error}") from None
        finally:
            self._pages = {}
        told = cache_use.told()
        if told is not None:
            log.info(told)

    def on_shutdown(self) -> None:
        watcher, self._native_watcher = self._native_watcher, None
        try:
            if watcher is not None:
                watcher.stop()
        finally:  # a watcher that fails to stop leaves no section folder behind
            if self._served is not None:
                self._served.remove()
                self._served = None

    def _add_outputs(self, outputs: list[OutputFile], files: Files, config: MkDocsConfig,
                     settings: Settings) -> dict[str, OutputFile]:
        """Hand MkDocs the outputs it renders (pages under another theme) and return the
        files to publish as they are, by their path in the site."""
        served: dict[str, OutputFile] = {}
        taken = {file.dest_uri: file for file in files}
        for output in outputs:
            path = output.path if output.at_site_root else settings.prefix + output.path
            if output.at_site_root and path in taken:
                merged = _beside_the_sites_own(output, taken[path])
                if merged is None:
                    continue
                files.remove(taken[path])
                output = merged
            elif path in taken:
                if not _from_theme(taken[path], config):
                    raise PluginError(f"statusgen: {taken[path].src_uri} and the status section's {output.path} would both be published at {path}")
                files.remove(taken[path])  # a theme's file (its stylesheet, its sitemap) gives way to statusgen's
            if settings.standalone or output.title is None:
                served[path] = output
                continue
            source = path[: -len(".html")] + ".md"
            inclusion = InclusionLevel.UNDEFINED if output.path[: -len("index.html")] in urls.SECTION_PAGES else InclusionLevel.NOT_IN_NAV
            front_matter = f"---\ntitle: {json.dumps(output.title)}\n---\n"
            files.append(File.generated(config, source, content=front_matter, inclusion=inclusion))
            self._fragments[source] = output
        return served

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # main.html (the site's own Markdown pages, in statusgen's chrome) links to the status
        # section: it gets the paths from urls.py with the prefix already applied.
        settings = self.settings
        assert settings is not None
        assert self._stylesheet is not None
        # The site's own pages are in the default language: main.html's words come from its catalogue.
        language = default_language(settings.languages)
        env.install_gettext_translations(language.translations)
        env.globals["status_section"] = {
            "lang": language.tag,
            "dir": language.direction,
            "home": settings.prefix or "./",
            "history": settings.prefix + urls.INCIDENT_HISTORY,
            "stylesheet": settings.prefix + self._stylesheet.path,
            "content_security_policy": site_page_policy(settings, (self._stylesheet.inline_source,)),
            "feeds": [(settings.prefix + feed.path, feed.media_type, feed.label) for feed in urls.FEEDS],
        }
        return env

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        output = self._fragments.get(page.file.src_uri)
        return output.content.decode("utf-8") if output is not None else html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        # Under another theme the <head> is the theme's: give status pages the feeds' discovery links.
        settings = self.settings
        if settings is None or settings.standalone or page.file.src_uri not in self._fragments:
            return output
        links = "".join(
            f'<link rel="alternate" type="{feed.media_type}" title="{escape(settings.site_name)}" '
            f'href="{urls.relative(page.file.dest_uri, settings.prefix + feed.path)}">'
            for feed in urls.FEEDS
        )
        return output.replace("</head>", links + "</head>", 1)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # MkDocs watches only docs_dir; records mounted from a folder beside it must be watched too.
        if self.settings is not None and self.settings.content_dir.is_dir():
            server.watch(str(self.settings.content_dir))
            self._native_watcher = watch_natively(server, self.settings.content_dir)
        return server


def _real_folder(folder: str) -> str:
    # Resolved at every build: under `serve` a folder may become a link between two.
    return str(Path(folder).resolve())


def _records_among(content_dir: Path, files: Files) -> list[File]:
    """The records (and translations) among MkDocs' files: data, never published. A site
    lists thousands of records in a few folders, so each folder is judged once."""
    content = _real_folder(str(content_dir))
    by_folder: dict[str, str | None] = {}
    """folder -> its path below the content folder (resolved), or None when it is outside."""
    found = []
    for file in files:
        if not file.abs_src_path:
            continue
        folder, name = os.path.split(file.abs_src_path)
        if folder not in by_folder:
            by_folder[folder] = below_content(content, _real_folder(folder))
        below = by_folder[folder]
        if below is not None and (in_record_folder(below) or is_record_relative(Path(below, name))):
            found.append(file)  # a file of a record folder is told without a Path (is_record_relative says the same)
    return found


def _cache_files_among(docs_dir: str, files: Files) -> list[File]:
    """The files of a build cache kept in docs_dir (`cache_dir: content/cache`, or one an
    earlier configuration left there): MkDocs would publish its entries, the paths of the
    machine that built them among them, and more of them with every build."""
    top = os.path.realpath(docs_dir)
    judged: dict[str, bool] = {}

    def in_cache(folder: str) -> bool:
        found = judged.get(folder)
        if found is None:
            inside = folder == top or folder.startswith(top + os.sep)
            found = inside and (is_cache_folder(folder) or (folder != top and in_cache(os.path.dirname(folder))))
            judged[folder] = found
        return found

    return [file for file in files if file.abs_src_path and in_cache(os.path.dirname(os.path.realpath(file.abs_src_path)))]


def below_content(content: str, real: str) -> str | None:
    """A real path relative to the content folder's real path ("" for the folder itself), or
    None when it is outside."""
    return real[len(content) + 1 :] if real == content or real.startswith(content + os.sep) else None


def in_record_folder(below: str) -> bool:
    """True for a path below the content folder (as below_content gives it) that is a record
    folder or in one: everything there is a record, never published."""
    return below.split(os.sep, 1)[0] in RECORD_FOLDERS


def _from_theme(file: File, config: MkDocsConfig) -> bool:
    """True for a file the theme (or its custom_dir) brought, rather than the site's docs."""
    folders = tuple(str(Path(folder).resolve()) for folder in config.theme.dirs)
    return str(Path(file.abs_src_path or "/").resolve()).startswith(folders)


def _is_notify_template(file: File, theme_folders: tuple[str, ...]) -> bool:
    """A theme folder's notify/ file (MkDocs would copy its .txt templates as static files)."""
    return file.src_uri.startswith("notify/") and str(Path(file.abs_src_path or "/").resolve()).startswith(theme_folders)


def _beside_the_sites_own(output: OutputFile, own: File) -> OutputFile | None:
    """What to publish when the site's docs already hold a root file statusgen writes: the
    site's robots.txt is kept as it is; its _headers comes first, statusgen's rules after."""
    if output.path != urls.HOST_HEADERS:
        return None
    return replace(output, content=own.content_bytes.rstrip(b"\n") + b"\n\n" + output.content)


def settings_from_config(config: MkDocsConfig, plugin_config: StatusgenConfig) -> Settings:
    """Settings for the core from mkdocs.yml (its folder is where relative paths start)."""
    for name in ("uptime_days", "uptime_months", "feed_items", "incidents_per_page"):
        if plugin_config[name] < 1:
            raise PluginError(f"statusgen: {name} must be at least 1 (mkdocs.yml has {plugin_config[name]})")
    problems = language_problems(plugin_config.languages)
    if problems:
        raise PluginError("statusgen: " + "; ".join(problems))
    root = Path(config.config_file_path or ".").resolve().parent
    prefix = plugin_config.prefix.strip("/")
    site_url = config.site_url or "http://localhost/"
    user_templates = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    chosen = StatusgenPlugin.cache_dir_chosen
    cache_dir = plugin_config.cache_dir if chosen is None else chosen
    return Settings(
        content_dir=(root / plugin_config.content_dir).resolve(),
        site_name=config.site_name,
        site_url=site_url if site_url.endswith("/") else site_url + "/",
        prefix=prefix + "/" if prefix else "",
        uptime_days=plugin_config.uptime_days,
        uptime_months=plugin_config.uptime_months,
        feed_items=plugin_config.feed_items,
        history_page_size=plugin_config.incidents_per_page,
        standalone=config.theme.name == "statusgen",
        template_dirs=(user_templates,) if user_templates else (),
        languages=tuple(plugin_config.languages),
        cache_dir=(root / cache_dir).resolve() if cache_dir else None,
        published_site=StatusgenPlugin.publishing_to,
    )

