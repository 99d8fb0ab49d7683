"""What the feeds say: one item per incident update, maintenance window, post-mortem and
announcement, chosen newest first before any of them is rendered.

A long history has tens of thousands of updates and a feed shows fifty, so items are first
collected as cheap candidates (time, id, a function that builds the item), the newest are
picked, and only those are rendered.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from .. import urls
from ..languages import N_, Language
from ..markup import MarkdownRenderer
from ..models import Announcement, Incident, IncidentUpdate, Maintenance, MaintenanceStatus, Postmortem
from ..moments import start_of_day
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from ..wording import ENGLISH, label


@dataclass(frozen=True)
class FeedItem:
    """One entry of every feed format."""

    id: str
    """Absolute URL, stable across builds (incident updates: .../incidents/ID/#update-N)."""
    url: str
    title: str
    published: datetime
    updated: datetime
    content_html: str
    """Rendered from the record's Markdown and sanitized."""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """An item not yet rendered: enough to sort and pick it."""

    published: datetime
    id: str
    build: Callable[[], FeedItem]


class ItemSource:
    """Makes candidates from the records of one build; renders each item at most once, so the
    per-component feeds reuse the main feed's work."""

    def __init__(self, records: Records, state: SiteState, settings: Settings, language: Language = ENGLISH) -> None:
        self._state = state
        self._base = settings.base_url + language.prefix  # a language's items link its own pages
        self._language = language
        self._names = {component.id: component.name for component in records.components.components}
        self._renderer = MarkdownRenderer()
        self._built: dict[str, FeedItem] = {}

    def _tr(self, message: str, **values: str) -> str:
        return self._language.gettext(message) % values

    def pick(self, candidates: Iterable[Candidate], limit: int) -> list[FeedItem]:
        """The `limit` newest items, newest first (ties broken by id, so the order is total)."""
        newest = heapq.nlargest(limit, candidates, key=lambda candidate: (candidate.published, candidate.id))
        return [self._build(candidate) for candidate in newest]

    def _build(self, candidate: Candidate) -> FeedItem:
        if candidate.id not in self._built:
            self._built[candidate.id] = candidate.build()
        return self._built[candidate.id]

    def everything(self, records: Records) -> Iterator[Candidate]:
        """Candidates of the site-wide feeds."""
        for incident in records.incidents:
            yield from self.incident(incident)
        for window in records.maintenance:
            yield from self.maintenance(window)
        for postmortem in records.postmortems:
            yield from self.postmortem(postmortem)
        for announcement in records.announcements:
            yield from self.announcement(announcement)

    def incident(self, incident: Incident) -> Iterator[Candidate]:
        """One candidate per entry of `incident_entries`: an update's item carries its body;
        the item of an incident without updates, its summary."""
        page = urls.absolute(self._base, urls.incident(incident.id))  # the entry of an incident without updates
        for path, published, number in incident_entries(incident):
            item_id = urls.absolute(self._base, path)
            if number is None:
                yield Candidate(published, item_id, lambda: FeedItem(
                    id=page, url=page, title=incident.title, published=incident.started,
                    updated=incident.resolved or incident.started,
                    content_html=str(self._renderer.render(incident.body)), tags=("incident", incident.impact.value),
                ))
                continue

            def build(update: IncidentUpdate = incident.updates[number - 1], item_id: str = item_id) -> FeedItem:
                return FeedItem(
                    id=item_id, url=item_id,
                    title=f"{incident.title} — {label(update.status, self._language)}",
                    published=update.at, updated=update.at,
                    content_html=str(self._renderer.render(update.body)),
                    tags=("incident", incident.impact.value),
                )

            yield Candidate(published, item_id, build)

    def maintenance(self, window: Maintenance) -> Iterator[Candidate]:
        """One candidate per window, dated when it was announced (without `announced`, its
        first update or its start, which may lie ahead: an upcoming window then heads the
        feed, where it should)."""
        announced = window.announced_at
        page = urls.absolute(self._base, urls.maintenance(window.id))
        yield Candidate(announced, page, lambda: self._maintenance_item(window, page, announced))

    def _maintenance_item(self, window: Maintenance, page: str, announced: datetime) -> FeedItem:
        state = self._state.maintenance_status.get(window.id, MaintenanceStatus.SCHEDULED)
        seen = window.updates
        names = ", ".join(self._names.get(key, key) for key in window.components)
        header = Markup("<p>{}</p>").format(self._tr(
            N_("%(start)s – %(end)s (UTC). Components: %(components)s."),
            start=f"{window.scheduled_start:%Y-%m-%d %H:%M}", end=f"{window.scheduled_end:%Y-%m-%d %H:%M}", components=names,
        ))
        latest = Markup("")
        if seen:
            latest = (Markup("<p><strong>{}:</strong></p>").format(label(seen[-1].status, self._language))
                      + self._renderer.render(seen[-1].body))
        return FeedItem(
            id=page, url=page,
            title=self._tr(N_("Maintenance: %(title)s — %(state)s"), title=window.title,
                           state=label(state, self._language)),
            published=announced, updated=max([announced, *(update.at for update in seen)]),
            content_html=str(header + self._renderer.render(window.body) + latest),
            tags=("maintenance",),
        )

    def postmortem(self, postmortem: Postmortem) -> Iterator[Candidate]:
        """One candidate, dated by its publication day; its summary is the content."""
        published = start_of_day(postmortem.published)
        page = urls.absolute(self._base, urls.postmortem(postmortem.id))
        yield Candidate(published, page, lambda: FeedItem(
            id=page, url=page, title=postmortem.title, published=published, updated=published,
            content_html=str(self._renderer.render(postmortem.summary)), tags=("postmortem",),
        ))

    def announcement(self, announcement: Announcement) -> Iterator[Candidate]:
        """One candidate, dated by its publication day."""
        published = start_of_day(announcement.published)
        page = urls.absolute(self._base, urls.announcement(announcement.id))

        def build() -> FeedItem:
            html = self._renderer.render(announcement.body)
            if announcement.effective is not None:
                html = Markup("<p>{}</p>").format(self._tr(N_("Effective %(date)s."),
                                                           date=announcement.effective.isoformat())) + html
            return FeedItem(id=page, url=page, title=announcement.title, published=published,
                            updated=published, content_html=str(html),
                            tags=("announcement", announcement.kind.value))

        yield Candidate(published, page, build)


def update_entry(page: str, number: int) -> str:
    """The entry of a record's Nth update (1-based, oldest first): its page and the update's
    anchor. With the section's base URL in front, the feed entry's id (and notify's message id)."""
    return f"{page}#{urls.update_anchor(number)}"


def incident_entries(incident: Incident) -> list[tuple[str, datetime, int | None]]:
    """(path, time, update number) of each entry an incident has in the feeds, oldest first.

    One per update, N counting the updates oldest first. An incident opened without any
    update still is news: it has one entry of its own, its page, dated by `started`."""
    page = urls.incident(incident.id)
    if not incident.updates:
        return [(page, incident.started, None)]
    return [(update_entry(page, number), update.at, number) for number, update in enumerate(incident.updates, start=1)]


def maintenance_by_component(windows: Iterable[Maintenance]) -> Mapping[str, tuple[Maintenance, ...]]:
    """Component id -> the windows that name it, built in one pass."""
    found: dict[str, list[Maintenance]] = {}
    for window in windows:
        for component_id in window.components:
            found.setdefault(component_id, []).append(window)
    return {key: tuple(value) for key, value in found.items()}
