"""The jinja2 environment every HTML page is rendered with: user templates first, then ours.

Autoescape is on, so a record's title can never become markup; record Markdown reaches a page
only through the `md` filters, which use the one sanitizing `MarkdownRenderer` of the build.
`StrictUndefined` turns a misspelled variable into a failed build instead of a blank.
One environment serves one language: its gettext catalogue is installed for `{% trans %}` and
`_()`, and its filters format dates, numbers and money for that language's locale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import urls, wording
from .languages import Language, site_languages, text_direction
from .markup import MarkdownRenderer
from .moments import rfc3339
from .publish import formatting
from .settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The packaged templates (package data): the theme's pages, partials and stylesheet."""


def templates_dir() -> Path:
    """The packaged templates, where the wheel and a checkout both keep them."""
    return TEMPLATES


class _CompiledInMemory(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process: every build makes a new
    environment, and `serve` rebuilds many times. Jinja checks each entry against its
    template's source, so an edited template is compiled again. One per language: compiling
    folds a filter applied to a constant (`{{ 100.0|percent }}`) into the code, in the
    environment's language. Never on disk: compiled code read back from a cache folder would
    be code whoever wrote the folder chose."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()

    def entries(self) -> dict[str, bytes]:
        return dict(self._compiled)

    def adopt(self, entries: dict[str, bytes]) -> None:
        self._compiled.update(entries)


_COMPILED: dict[Language, _CompiledInMemory] = {}


def compiled_templates(language: Language) -> dict[str, bytes]:
    """The templates this process compiled for `language`, as jinja's bytecode. A forked
    child that rendered pages hands them back (publish/pages.py): `serve` forks one at every
    rebuild, and without them each would compile the same templates again."""
    return _COMPILED.setdefault(language, _CompiledInMemory()).entries()


def adopt_compiled(language: Language, compiled: dict[str, bytes]) -> None:
    """Keep templates compiled by a child of this process (see compiled_templates). Only a
    child of ours may hand them over: bytecode is code. Jinja checks each entry against its
    template's source before using it, as it does any other."""
    _COMPILED.setdefault(language, _CompiledInMemory()).adopt(compiled)


def compile_templates(settings: Settings) -> dict[Language, dict[str, bytes]]:
    """Every page template of the site (the theme's and its own folders') compiled in each
    of its languages: the work a child does ahead of a build, while the records are read
    (cli/site.py), so that the build's processes find them compiled. A template that does not
    compile is left to the build, which reports it where it is used (or never uses it:
    main.html is MkDocs' theme's, for its filters)."""
    compiled = {}
    for language in site_languages(settings.languages):
        environment = make_environment(settings, language)
        for name in environment.list_templates(filter_func=_is_page_template):
            try:
                environment.get_template(name)
            except Exception:  # noqa: BLE001 - left to the build, which reports it where it is used
                continue
        compiled[language] = compiled_templates(language)
    return compiled


def _is_page_template(name: str) -> bool:
    return name.endswith(".html") and not name.startswith("notify/")


_ahead: Callable[[], dict[Language, dict[str, bytes]]] | None = None
"""The templates a child is compiling ahead of the build (compiled_ahead), not yet taken."""


@contextmanager
def compiled_ahead(compiled: Callable[[], dict[Language, dict[str, bytes]]]) -> Iterator[None]:
    """Within: the first environment made takes the templates `compiled()` gives, as a child
    compiled them ahead of the build (compile_templates). Should the child have failed, each
    template is compiled where it is first used, as without."""
    global _ahead
    _ahead = compiled
    try:
        yield
    finally:
        _ahead = None


def _take_compiled_ahead() -> None:
    global _ahead
    if _ahead is None:
        return
    compiled, _ahead = _ahead, None
    try:
        taken = compiled()
    except Exception:  # noqa: BLE001 - it only saves time
        return
    for language, entries in taken.items():
        adopt_compiled(language, entries)


def make_environment(settings: Settings, language: Language = wording.ENGLISH) -> jinja2.Environment:
    """A jinja2 environment for one language that searches settings.template_dirs, then
    templates_dir()."""
    _take_compiled_ahead()
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(folder)) for folder in settings.template_dirs]
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        # One environment serves a whole build: compiled templates stay cached in it.
        cache_size=-1,
        auto_reload=False,
        bytecode_cache=_COMPILED.setdefault(language, _CompiledInMemory()),
    )
    # newstyle: `_("... %(name)s", name=value)` escapes its values like any other output.
    environment.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]
    environment.globals["gettext"] = _translated_once(language.translations)
    environment.globals["urls"] = urls
    environment.globals["language"] = language
    environment.globals["cached"] = partial(_cached, {})
    environment.filters.update(
        iso=rfc3339,
        level=formatting.uptime_level,
        rel=_relative,
        md=_markdown,
        md_inline=_markdown_inline,
        text=_text,
        headings_below=formatting.headings_below,
    )
    in_language: dict[str, Callable[..., Any]] = {
        "time": formatting.time_tag,
        "date": formatting.date_tag,
        "short_date": formatting.short_date,
        "duration": formatting.duration_tag,
        "human_duration": wording.human_duration,
        "percent": formatting.percent,
        "exact_percent": formatting.exact_percent,
        "short_month": formatting.short_month,
        "month": formatting.month_label,
        "label": wording.label,
        "sentence": wording.indicator_sentence,
        "existing_customers": wording.existing_customers,
        "retention_action": wording.retention_action,
        "duration_words": wording.describe_duration,
    }
    environment.filters.update({name: partial(_in, function, language) for name, function in in_language.items()})
    environment.filters["money"] = partial(_money, language)
    # Babel reads a locale's CLDR data on first use (20 ms): read here, before the processes
    # that render pages are forked, they find it read rather than each reading it again.
    text_direction(language.tag)
    return environment


def _cached(made: dict[tuple[Any, ...], Any], macro: jinja2.runtime.Macro, *arguments: Any) -> Any:
    """`cached(macro, arguments...)` in a template: what `macro(arguments...)` renders, made
    once per macro and arguments for the environment's life (one build, one language). A
    macro belongs to the page that imported its template with context, so its output may
    depend on that page's context as well as on its arguments; it must change nothing else."""
    key = (macro, *arguments)
    found = made.get(key)
    if found is None:
        found = made[key] = macro(*arguments)
    return found


def _translated_once(translations: Any) -> Callable[..., str]:
    """jinja's newstyle gettext (what `_()` and `{% trans %}` call), with each string translated
    and marked safe once per environment: a long history's pages say the same few dozen strings
    hundreds of thousands of times, and jinja's own does both on every call. As jinja's, it
    treats the translation as a format string even without variables ("%%" gives "%")."""
    translated: dict[tuple[str, bool], str] = {}
    formatted: dict[tuple[str, bool], str] = {}

    def translate(key: tuple[str, bool]) -> str:
        found = translated.get(key)
        if found is None:
            found = translated[key] = Markup(translations.gettext(key[0])) if key[1] else translations.gettext(key[0])
        return found

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, string: str, /, **variables: Any) -> str:
        key = (string, context.eval_ctx.autoescape)
        if variables:
            return translate(key) % variables
        found = formatted.get(key)
        if found is None:
            found = formatted[key] = translate(key) % {}
        return found

    return gettext


def _in(function: Callable[..., Any], language: Language, value: Any) -> Any:
    return function(value, language)


def _money(language: Language, amount: Any, currency: str) -> str:
    return formatting.money(amount, currency, language)


def fallback_lang(text: object) -> str | None:
    """The language a text is in when it is not the page's: set on a record's text that has
    no translation into the page's language (see translations.py)."""
    return getattr(text, "lang", None)


def foreign_attributes(text: object, page: Language) -> Markup | None:
    """The attributes of the element around a record's text that is not in the page's
    language: its `lang`, and its `dir` when it is written the other way than the page. An
    element with `dir` is isolated (HTML's bidi rules), so an English sentence on an Arabic
    page keeps its full stop at its end instead of seeing it jump to the wrong one."""
    lang = fallback_lang(text)
    if lang is None:
        return None
    direction = text_direction(lang)
    if direction == page.direction:
        return Markup(' lang="{}"').format(lang)
    return Markup(' lang="{}" dir="{}"').format(lang, direction)


@jinja2.pass_context
def _text(context: jinja2.runtime.Context, text: str, capitalize: bool = False) -> Markup:
    """A record's text in a page: marked with its language when it is not the page's."""
    attributes = foreign_attributes(text, context["language"])
    shown = str(text).capitalize() if capitalize else str(text)
    if attributes is None:
        return Markup.escape(shown)
    return Markup("<span{}>{}</span>").format(attributes, shown)


@jinja2.pass_context
def _relative(context: Any, target: str) -> str:
    """A link to `target` (a path of the section) from the page being rendered; absolute only
    on pages served at any depth (the 404 page). A target published once for every language
    (the stylesheet, the API, the calendar, badges) is linked at the section's root; any other
    is the page's own language's version."""
    page = context["page"]
    prefix = context["language"].prefix
    shared = urls.is_single(target)
    if page.absolute_links:
        return urls.absolute(context["settings"].base_url, target if shared else prefix + target)
    if shared and prefix:
        return urls.relative_by_paths(prefix + page.path, target)
    return urls.relative(page.path, target)


@jinja2.pass_context
def _markdown(context: jinja2.runtime.Context, text: str) -> Markup:
    renderer: MarkdownRenderer = context["markdown"]
    html = renderer.render(text)
    attributes = foreign_attributes(text, context["language"])
    return Markup("<div{}>{}</div>").format(attributes, html) if attributes else html


@jinja2.pass_context
def _markdown_inline(context: jinja2.runtime.Context, text: str) -> Markup:
    renderer: MarkdownRenderer = context["markdown"]
    html = renderer.render_inline(text)
    attributes = foreign_attributes(text, context["language"])
    return Markup("<span{}>{}</span>").format(attributes, html) if attributes else html
