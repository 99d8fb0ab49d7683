"""The jinja2 environment every HTML page is rendered with: user templates first, then ours.

Autoescape is on, so a record's title can never become markup; record Markdown reaches a page
only through the `md` filters, which use the one sanitizing `MarkdownRenderer` of the build.
`StrictUndefined` turns a misspelled variable into a failed build instead of a blank.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import urls, wording
from .markup import MarkdownRenderer
from .moments import rfc3339
from .publish import formatting
from .settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The packaged templates (package data): the theme's pages, partials and stylesheet."""


def templates_dir() -> Path:
    """The packaged templates, where the wheel and a checkout both keep them."""
    return TEMPLATES


def make_environment(settings: Settings) -> jinja2.Environment:
    """A jinja2 environment that searches settings.template_dirs, then templates_dir()."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(folder)) for folder in settings.template_dirs]
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # One environment serves a whole build: compiled templates stay cached in it.
        cache_size=-1,
        auto_reload=False,
    )
    environment.globals["urls"] = urls
    environment.filters.update(
        time=formatting.time_tag,
        date=formatting.date_tag,
        short_date=formatting.short_date,
        iso=rfc3339,
        duration=formatting.duration_tag,
        human_duration=wording.human_duration,
        percent=formatting.percent,
        exact_percent=formatting.exact_percent,
        short_month=formatting.short_month,
        month=formatting.month_label,
        level=formatting.uptime_level,
        label=wording.label,
        existing_customers=wording.EXISTING_CUSTOMERS.__getitem__,
        retention_action=wording.RETENTION_ACTIONS.__getitem__,
        money=formatting.money,
        duration_words=wording.describe_duration,
        rel=_relative,
        md=_markdown,
        md_inline=_markdown_inline,
        headings_below=formatting.headings_below,
    )
    return environment


@jinja2.pass_context
def _relative(context: Any, target: str) -> str:
    """A link to `target` (a path of the section) from the page being rendered; absolute only
    on pages served at any depth (the 404 page)."""
    page = context["page"]
    if page.absolute_links:
        return urls.absolute(context["settings"].base_url, target)
    return urls.relative(page.path, target)


@jinja2.pass_context
def _markdown(context: jinja2.runtime.Context, text: str) -> Markup:
    renderer: MarkdownRenderer = context["markdown"]
    return renderer.render(text)


@jinja2.pass_context
def _markdown_inline(context: jinja2.runtime.Context, text: str) -> Markup:
    renderer: MarkdownRenderer = context["markdown"]
    return renderer.render_inline(text)
