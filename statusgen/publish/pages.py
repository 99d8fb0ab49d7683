"""Render stage: every HTML page of the URL table, from the jinja2 templates.

Each page kind has one function that makes its `Page` (path, template, title, values); one
environment and one Markdown renderer serve the whole build. Only the incident history lists
every incident; every other page costs what its own content costs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from functools import partial
from typing import NamedTuple

import jinja2

from .. import urls
from ..cache.pages import PageCache, finish_pages, page_scope
from ..cache.published import PublishedPages, publishing
from ..cache.store import CacheStore, code_digest
from ..cache.use import note_pages
from ..languages import N_, site_languages
from ..measured import measures_sla
from ..models import Announcement, AnnouncementKind, Incident, Postmortem
from ..outputs import OutputFile
from ..parallel import Beside, Shared, map_in_order
from ..records import Records
from ..settings import Settings
from ..state import IncidentFigures, SiteState
from ..templating import adopt_compiled, compiled_templates, make_environment
from ..translations import translated_state
from ..wording import indicator_sentence
from .formatting import month_label
from .history_pages import sla_page, uptime_page
from .page_context import ArchivedPage, Page, SiteLookups, SiteView, build_site_view, page_context
from .record_pages import (
    announcement_page,
    component_page,
    incident_page,
    maintenance_page,
    postmortem_page,
)
from .stylesheet import load_stylesheet

SITE_WIDE_KINDS = frozenset({AnnouncementKind.POLICY, AnnouncementKind.RETENTION, AnnouncementKind.PRICING})
"""Announcements of these kinds that name no plan apply to every plan on the pricing page."""


def render_pages(records: Records, state: SiteState, settings: Settings,
                 alongside: Sequence[Callable[[], list[OutputFile]]] = (),
                 listed_by: Callable[[tuple[str, ...]], list[OutputFile]] | None = None) -> list[OutputFile]:
    """Every HTML page of the site in each of its languages, plus its stylesheet; archived
    pages come from the build cache when it holds them (statusgen/cache/pages.py).

    The live pages of every language are rendered by one forked child while the archived
    pages are looked up here; then the jobs `alongside` (the other publishers) are shared
    between the two (parallel.Shared), and their files returned after the pages, in the
    jobs' order. One child, forked once: after a fork each page of memory this process
    writes to (a record's reference count, as a loop passes it) is copied first, 45 ms for
    one pass over 10,000 incidents, so every further child made each later pass dearer.
    The live pages show the uptime figures, which a long history has counted on the other
    core (state.Counted): the child is forked as soon as they are in, checked every
    _CHECK_EVERY archived pages looked up (which never show them); the build waited 70 ms
    for them before it looked any up."""
    stylesheet = load_stylesheet(settings)
    outputs = [OutputFile(stylesheet.path, stylesheet.text.encode("utf-8"))]
    languages = site_languages(settings.languages)
    store = CacheStore.open(settings.cache_dir) if settings.cache_dir is not None else None
    published = None
    if store is not None and settings.published_section is not None:
        published = PublishedPages(store, settings.published_section)
        publishing(published)
    prepared: list[_InLanguage] = []
    for language in languages:
        environment = make_environment(settings, language)
        # The records' text in this language (translations, else the default's, marked).
        in_language = translated_state(state, language, languages[0])
        site = build_site_view(in_language.public, in_language, settings, stylesheet, language, languages)
        cache = PageCache(store, page_scope(site.lookups, state.public, code_digest())) if store is not None else None
        prepared.append(_InLanguage(environment, site, list(all_pages(site)), cache))

    if listed_by is not None:
        # The sitemap: the pages' paths are known before any is rendered, so it is one of the
        # jobs shared between the cores rather than made once every page is in.
        alongside = [*alongside, partial(listed_by, sitemap_paths(prepared))]
    shared: list[Shared[list[OutputFile]]] = []
    """The other publishers' jobs, once made (start_live)."""

    def render_live() -> tuple[list[list[OutputFile]], list[dict[str, bytes]], dict[int, list[OutputFile]]]:
        live = [[render_page(each.environment, each.site, _made(page) if isinstance(page, Later) else page)
                 for page in each.pages if not isinstance(page, ArchivedPage)]
                for each in prepared]
        # The child's compiled templates go back too: the next build's child (`serve`) need not compile them.
        return live, [compiled_templates(each.site.language) for each in prepared], shared[0].take()

    kept: dict[str, OutputFile] = {}
    with ExitStack() as stack:
        # The child rendering the live pages starts once the uptime figures are in (the pages
        # show them): checked while the archived pages are looked up, which never show them.
        started: list[Beside[tuple[list[list[OutputFile]], list[dict[str, bytes]], dict[int, list[OutputFile]]]]] = []

        def start_live(ready: bool = True) -> None:
            if started or not (ready or state.figures.ready()):
                return
            state.figures.get()  # taken here, so that the child finds them
            shared.append(stack.enter_context(Shared(alongside)))
            started.append(stack.enter_context(Beside(render_live, meanwhile=sum(len(each.pages) for each in prepared))))

        looked_up = [_look_up_archived(each, kept, published, partial(start_live, False)) for each in prepared]
        if store is not None:
            archived = sum(1 for each in prepared for page in each.pages if isinstance(page, ArchivedPage))
            note_pages(archived - sum(len(missing) for _, missing in looked_up), archived)
        start_live()
        live_child = started[0]
        fresh = [map_in_order(partial(_render_and_keep, each.environment, each.site, each.cache), missing, costly=True)
                 for each, (_, missing) in zip(prepared, looked_up, strict=True)]
        # What needs no live page is done while the child renders them, rather than after.
        not_found = [_not_found_page(each, settings, stylesheet.text) for each in prepared]
        _keep_archived(store, prepared, looked_up, fresh, kept, published)
        made_here = shared[0].take()
        live, compiled, made_there = live_child.result()
    for each, (found, _), rendered, made, templates, page_404 in zip(prepared, looked_up, live, fresh, compiled, not_found,
                                                                     strict=True):
        adopt_compiled(each.site.language, templates)
        outputs.extend(_in_order(found, iter(rendered), made))
        outputs.extend(page_404)
    others = {**made_here, **made_there}
    return outputs + [output for index in sorted(others) for output in others[index]]


def sitemap_paths(prepared: Sequence[_InLanguage]) -> tuple[str, ...]:
    """The paths of the files of every page meant for the sitemap, in every language, sorted:
    an archived or live page always is (the 404 page, the only one left out, is neither)."""
    return tuple(sorted(_file_of(each.site, page.path) for each in prepared for page in each.pages
                        if not isinstance(page, Page) or page.in_sitemap))


def _made(later: Later) -> Page:
    page = later.make()
    if page.path != later.path:
        raise ValueError(f"a live page said to go to {later.path!r} goes to {page.path!r}")
    return page


def _not_found_page(prepared: _InLanguage, settings: Settings, stylesheet: str) -> list[OutputFile]:
    """One 404 page, at the root: hosts serve it for a missing path in any language."""
    if not settings.standalone or prepared.site.language.prefix:
        return []
    return [render_page(prepared.environment, prepared.site, not_found_page(prepared.site, stylesheet))]


def _keep_archived(store: CacheStore | None, prepared: list[_InLanguage],
                   looked_up: list[tuple[list[OutputFile | None], list[tuple[ArchivedPage, str | None]]]],
                   fresh: list[list[OutputFile]], kept: dict[str, OutputFile], published: PublishedPages | None) -> None:
    """Every archived page of this build by its key, found (already in `kept`) or made now:
    kept in the cache for the next build, and noted as published for the one after."""
    for (_, missing), made in zip(looked_up, fresh, strict=True):
        kept.update((key, output) for (_, key), output in zip(missing, made, strict=True) if key is not None)
    if store is not None:
        finish_pages(store, [each.cache for each in prepared if each.cache is not None], kept)
    if published is not None:
        for key, output in kept.items():
            published.publish(key, output)


class _InLanguage(NamedTuple):
    """The pages of one language, ready to render or look up."""

    environment: jinja2.Environment
    site: SiteView
    pages: list[Page | ArchivedPage | Later]
    cache: PageCache | None


def _look_up_archived(prepared: _InLanguage, kept: dict[str, OutputFile], published: PublishedPages | None,
                      now_and_then: Callable[[], None] = lambda: None,
                      ) -> tuple[list[OutputFile | None], list[tuple[ArchivedPage, str | None]]]:
    """Each page of one language as found: an archived page the cache holds as it was (linked
    from the site the last build published when it is there untouched: cache/published.py),
    _LIVE for a live page, None for an archived page to make; and those to make, with their
    keys. `kept` gathers every archived page found by its key, for the next build of this process."""
    site, cache = prepared.site, prepared.cache
    found: list[OutputFile | None] = []
    missing: list[tuple[ArchivedPage, str | None]] = []
    for index, page in enumerate(prepared.pages):
        if not index % _CHECK_EVERY:
            now_and_then()
        if not isinstance(page, ArchivedPage):
            found.append(_LIVE)
            continue
        key = cache.key(page) if cache is not None else None
        output: OutputFile | None = None
        if cache is not None and key is not None:
            path = _file_of(site, page.path)
            output = published.find(path, key, partial(_stored_bytes, cache, key)) if published is not None else None
            if output is not None:
                cache.used.add(key)  # its entry stays: the next build may need its bytes
            else:
                output = cache.lookup(key)
        if output is None:
            missing.append((page, key))
        elif key is not None:
            kept[key] = output
        found.append(output)
    return found, missing


def _in_order(found: list[OutputFile | None], live: Iterator[OutputFile], made: list[OutputFile]) -> list[OutputFile]:
    """One language's pages in order, the live ones and those made again in their places."""
    fresh = iter(made)
    return [next(live) if output is _LIVE else next(fresh) if output is None else output for output in found]


_CHECK_EVERY = 250
"""Archived pages looked up between two checks for the uptime figures (a system call each)."""

_LIVE = OutputFile("", b"")
"""Stands in a language's list of found pages for a live page until the child has rendered it."""


def _stored_bytes(cache: PageCache, key: str) -> bytes | None:
    found = cache.lookup(key)
    return found.content if found is not None else None


def _render_and_keep(environment: jinja2.Environment, site: SiteView, cache: PageCache | None,
                     job: tuple[ArchivedPage, str | None]) -> OutputFile:
    """Make and render one archived page; it is stored in the cache here, in the worker, so
    that the writes are shared by the cores."""
    archived, key = job
    output = render_page(environment, site, archived.make(site.lookups, *archived.arguments))
    if cache is not None and key is not None:
        cache.keep(key, output)
    return output


def render_page(environment: jinja2.Environment, site: SiteView, page: Page) -> OutputFile:
    """One page through its template, as a file of the site."""
    html = environment.get_template(page.template).render(page_context(site, page))
    return _output(site, page, html.encode("utf-8"))


def _output(site: SiteView, page: Page, html: bytes) -> OutputFile:
    return OutputFile(
        path=_file_of(site, page.path),
        content=html,
        title=page.title,
        in_sitemap=page.in_sitemap,
    )


def _file_of(site: SiteView, path: str) -> str:
    """The file a page at `path` (Page.path) is written to, under its language's prefix."""
    return site.language.prefix + urls.page_file(path)


class Later(NamedTuple):
    """A live page made only when it is rendered: pages that show the uptime figures wait for
    them, which a long history counts on the other core while its archived pages are looked up."""

    make: Callable[[], Page]
    path: str
    """Where the page goes, as the Page made says (checked as it is made): the sitemap lists
    the pages before they are made."""


def all_pages(site: SiteView) -> Iterator[Page | ArchivedPage | Later]:
    """The pages of the URL table, in a stable order; each archived page with all it shows of
    the state as its arguments (see record_pages)."""
    records, state = site.records, site.state
    yield home_page(site)
    yield from history_pages(site)
    yield Later(partial(uptime_page, site), urls.UPTIME)
    for incident in records.incidents:
        yield ArchivedPage(urls.incident(incident.id), incident_page, (
            incident, state.incident_status.get(incident.id), state.incident_figures.get(incident.id),
            state.postmortem_for.get(incident.id)))
    yield ArchivedPage(urls.POSTMORTEMS, postmortem_list_page, (records.postmortems[::-1],))
    for postmortem in records.postmortems:
        yield ArchivedPage(urls.postmortem(postmortem.id), postmortem_page, (postmortem, site.incidents.get(postmortem.incident)))
    for maintenance in records.maintenance:
        yield ArchivedPage(urls.maintenance(maintenance.id), maintenance_page,
                           (maintenance, state.maintenance_status.get(maintenance.id)))
    yield ArchivedPage(urls.ANNOUNCEMENTS, announcement_list_page, (records.announcements[::-1],))
    for announcement in records.announcements:
        yield ArchivedPage(urls.announcement(announcement.id), announcement_page, (announcement,))
    if records.plans is not None:
        yield Later(partial(pricing_page, site), urls.PRICING)
    if measures_sla(records):
        yield Later(partial(sla_page, site), urls.SLA)
    for component in records.components.components:
        yield Later(partial(component_page, site, component), urls.component(component.id))


def home_page(site: SiteView) -> Page:
    """The front page: the overall status first, then what a reader checks next."""
    count = site.settings.recent_announcements
    recent = tuple(reversed(site.records.announcements[-count:])) if count > 0 else ()
    return Page(
        path=urls.HOME,
        template="index.html",
        title=site.settings.site_name,
        description=site.tr(N_("%(status)s. Current status, uptime and incident history of %(site)s."),
                            status=indicator_sentence(site.state.indicator, site.language), site=site.settings.site_name),
        values={"announcements": recent},
    )


FRONT = 0
"""The number of the history's front page (incidents/): its newest incidents."""


def history_pages(site: SiteView) -> Iterator[ArchivedPage]:
    """The incident history, newest first, `history_page_size` incidents a page.

    Pages are cut from the oldest incident on: incidents/page/1/ holds the oldest, and the
    front of the history (incidents/) the newest, one to two pages' worth. So a new incident
    (the newest) changes the front alone, and once in `history_page_size` incidents also
    starts a numbered page below it: while the history grows at its newest end, a numbered page
    keeps its incidents (a link to it stays true), and a build with the cache renders one to
    three history pages for a new incident, not every one of them."""
    oldest_first = site.records.incidents
    figures, postmortems = site.state.incident_figures, site.state.postmortem_for
    size = max(site.settings.history_page_size, 1)
    numbered = max(len(oldest_first) // size - 1, 0)
    for number in [FRONT, *range(numbered, 0, -1)]:
        chunk = oldest_first[numbered * size :] if number == FRONT else oldest_first[(number - 1) * size : number * size]
        newer = None if number == FRONT else number + 1 if number < numbered else FRONT
        below = numbered if number == FRONT else number - 1
        older = below if below >= 1 else None  # numbered pages start at 1
        yield ArchivedPage(urls.incident_history_page(number), history_page, (
            number, newer, older, chunk[::-1],
            {incident.id: figures[incident.id] for incident in chunk if incident.id in figures},
            {incident.id: postmortems[incident.id] for incident in chunk if incident.id in postmortems}))


def history_page(site: SiteLookups, number: int, newer: int | None, older: int | None, chunk: tuple[Incident, ...],
                 figures: dict[str, IncidentFigures], postmortems: dict[str, Postmortem]) -> Page:
    """One page of the incident history (see history_pages), its incidents grouped by month."""
    months: list[tuple[str, str, list[Incident]]] = []
    for incident in chunk:
        key = f"{incident.started:%Y-%m}"
        if not months or months[-1][0] != key:
            months.append((key, month_label(incident.started.date(), site.language), []))
        months[-1][2].append(incident)
    return Page(
        path=urls.incident_history_page(number),
        template="history.html",
        title=site.tr(N_("Incident history")) if number == FRONT
        else site.tr(N_("Incident history, page %(number)s"), number=number),
        description=site.tr(N_("Every incident of %(site)s, newest first."), site=site.settings.site_name),
        values={
            "months": months,
            "previous": urls.incident_history_page(newer) if newer is not None else None,
            "next": urls.incident_history_page(older) if older is not None else None,
            "incident_figures": figures,
            "postmortem_for": postmortems,
        },
        archived=True,
    )


def postmortem_list_page(site: SiteLookups, postmortems: tuple[Postmortem, ...]) -> Page:
    return Page(
        path=urls.POSTMORTEMS,
        template="postmortems.html",
        title=site.tr(N_("Post-mortems")),
        description=site.tr(N_("What went wrong at %(site)s, why, and what we changed."), site=site.settings.site_name),
        values={"postmortems": postmortems},
        archived=True,
    )


def announcement_list_page(site: SiteLookups, announcements: tuple[Announcement, ...]) -> Page:
    return Page(
        path=urls.ANNOUNCEMENTS,
        template="announcements.html",
        title=site.tr(N_("Announcements")),
        description=site.tr(N_("Policy, retention and pricing notices of %(site)s."), site=site.settings.site_name),
        values={"announcements": announcements},
        archived=True,
    )


def pricing_page(site: SiteView) -> Page:
    """The plans side by side, each with the announcements that concern it."""
    by_plan: dict[str, list[Announcement]] = {plan_id: [] for plan_id in site.plans}
    general = []
    for announcement in site.records.announcements[::-1]:
        concerned = set(announcement.plans) | {change.plan for change in announcement.pricing or ()}
        if not concerned and announcement.kind in SITE_WIDE_KINDS:
            general.append(announcement)
        for plan_id in sorted(concerned):
            by_plan.setdefault(plan_id, []).append(announcement)
    return Page(
        path=urls.PRICING,
        template="pricing.html",
        title=site.tr(N_("Pricing")),
        description=site.tr(N_("The plans of %(site)s compared, with the policies that apply to each."),
                            site=site.settings.site_name),
        values={"by_plan": by_plan, "general": general},
    )


def not_found_page(site: SiteView, stylesheet: str) -> Page:
    """The 404 page: served at any depth, so it links to the absolute base URL and carries
    its stylesheet inline rather than by a relative link that would break."""
    return Page(
        path=urls.NOT_FOUND,
        template="404.html",
        title=site.tr(N_("Page not found")),
        description=site.tr(N_("This page does not exist on %(site)s."), site=site.settings.site_name),
        values={"inline_css": stylesheet},
        in_sitemap=False,
        absolute_links=True,
    )
