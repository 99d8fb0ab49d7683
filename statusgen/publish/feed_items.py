"""What the feeds say: one item per incident update, maintenance window, post-mortem and
announcement, chosen newest first before any of them is rendered.

A long history has tens of thousands of updates and a feed shows fifty, so the incidents that
cannot hold one of a feed's newest entries are passed over by their times alone (`recent`);
items are then collected as cheap candidates (time, id, a function that builds the item), the
newest are picked, and only those are rendered, each Markdown text once per build.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from .. import urls
from ..cache.texts import StoredTexts
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


_last_rendered: dict[str, Markup] = {}
"""The texts the last build of this process rendered (`serve` rebuilding on every save: the
feeds' newest entries are mostly the same from one build to the next)."""


class RenderedTexts:
    """Markdown rendered once per text within a build: the feeds of every language share it,
    and a text no translation changed is the same in all of them. Rendering depends on the
    text alone, so the last build's results are reused too: this process's, else those the
    build cache holds (`stored`)."""

    def __init__(self, stored: StoredTexts | None = None) -> None:
        self._renderer = MarkdownRenderer()
        self._html: dict[str, Markup] = {}
        self._stored = stored

    def render(self, text: str) -> Markup:
        if text not in self._html:
            known = _last_rendered.get(text)
            if known is None and self._stored is not None:
                known = self._stored.get(text)
            self._html[text] = known if known is not None else self._renderer.render(text)
        return self._html[text]

    def keep(self) -> None:
        """Offer this build's texts to the next build (and forget older ones)."""
        global _last_rendered
        _last_rendered = self._html
        if self._stored is not None:
            self._stored.save(self._html)


class ItemSource:
    """Makes candidates from the records of one build; renders each item at most once, so the
    per-component feeds reuse the main feed's work."""

    def __init__(self, records: Records, state: SiteState, settings: Settings, language: Language = ENGLISH,
                 texts: RenderedTexts | None = None) -> None:
        self._state = state
        self._base = settings.base_url + language.prefix  # a language's items link its own pages
        self._language = language
        self._names = {component.id: component.name for component in records.components.components}
        self._texts = texts if texts is not None else RenderedTexts()
        self._built: dict[str, FeedItem] = {}
        self._records = records
        self._by_latest: list[Incident] | None = None

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

    def recent(self, incidents: Iterable[Incident], limit: int, newest_entry_first: bool = False) -> Iterator[Incident]:
        """The incidents that may have one of the `limit` newest entries of all `incidents`:
        all but those whose latest entry is older than `limit` entries of the ones already
        given. Given in any order, each is looked at, the most of them by one comparison;
        given `newest_entry_first` (by `latest_entry`, newest first), it stops at the first
        that cannot hold one, as none after it can."""
        newest: list[datetime] = []  # a min-heap of the `limit` newest entry times given so far
        for incident in incidents if limit > 0 else ():
            if len(newest) == limit and latest_entry(incident) < newest[0]:
                if newest_entry_first:
                    return
                continue  # `limit` entries given are newer than all of its own (an equal time is kept)
            for moment in entry_times(incident):
                if len(newest) < limit:
                    heapq.heappush(newest, moment)
                elif moment > newest[0]:
                    heapq.heapreplace(newest, moment)
            yield incident

    def recent_among(self, incidents: Iterable[Incident], limit: int) -> Iterator[Incident]:
        """`recent` of some of the site's incidents (those a component's feed shows), taken in
        the order of the site's newest entries: a component's feed of 50 then stops after a few
        dozen of its incidents, where going through a long history's thousands took each
        component's feed a few milliseconds."""
        chosen = {id(incident) for incident in incidents}
        return self.recent((incident for incident in self._newest_entry_first() if id(incident) in chosen),
                           limit, newest_entry_first=True)

    def newest(self, limit: int) -> list[FeedItem]:
        """The `limit` newest items of the site-wide feeds: `pick` over `everything`, looking
        into the recent incidents only."""
        incidents = self.recent(self._newest_entry_first(), limit, newest_entry_first=True)
        return self.pick(self._candidates(incidents, self._records), limit)

    def _newest_entry_first(self) -> list[Incident]:
        """The site's incidents by their latest entry, newest first: sorted once, for every feed."""
        if self._by_latest is None:
            self._by_latest = sorted(self._records.incidents, key=latest_entry, reverse=True)
        return self._by_latest

    def everything(self, records: Records) -> Iterator[Candidate]:
        """Candidates of the site-wide feeds."""
        return self._candidates(records.incidents, records)

    def _candidates(self, incidents: Iterable[Incident], records: Records) -> Iterator[Candidate]:
        for incident in incidents:
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
                    content_html=str(self._texts.render(incident.body)), tags=("incident", incident.impact.value),
                ))
                continue

            def build(update: IncidentUpdate = incident.updates[number - 1], item_id: str = item_id) -> FeedItem:
                return FeedItem(
                    id=item_id, url=item_id,
                    title=f"{incident.title} — {label(update.status, self._language)}",
                    published=update.at, updated=update.at,
                    content_html=str(self._texts.render(update.body)),
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
                      + self._texts.render(seen[-1].body))
        return FeedItem(
            id=page, url=page,
            title=self._tr(N_("Maintenance: %(title)s — %(state)s"), title=window.title,
                           state=label(state, self._language)),
            published=announced, updated=max([announced, *(update.at for update in seen)]),
            content_html=str(header + self._texts.render(window.body) + latest),
            tags=("maintenance",),
        )

    def postmortem(self, postmortem: Postmortem) -> Iterator[Candidate]:
        """One candidate, dated by its publication day; its summary is the content."""
        published = start_of_day(postmortem.published)
        page = urls.absolute(self._base, urls.postmortem(postmortem.id))
        yield Candidate(published, page, lambda: FeedItem(
            id=page, url=page, title=postmortem.title, published=published, updated=published,
            content_html=str(self._texts.render(postmortem.summary)), tags=("postmortem",),
        ))

    def announcement(self, announcement: Announcement) -> Iterator[Candidate]:
        """One candidate, dated by its publication day."""
        published = start_of_day(announcement.published)
        page = urls.absolute(self._base, urls.announcement(announcement.id))

        def build() -> FeedItem:
            html = self._texts.render(announcement.body)
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


def entry_times(incident: Incident) -> list[datetime]:
    """The times of `incident_entries`, without making their paths: all that choosing needs."""
    return [update.at for update in incident.updates] or [incident.started]


def latest_entry(incident: Incident) -> datetime:
    """The time of the incident's newest entry: its last update's, as updates are in order
    (rules.py refuses any other), or `started` without one."""
    return incident.updates[-1].at if incident.updates else incident.started


def maintenance_by_component(windows: Iterable[Maintenance]) -> Mapping[str, tuple[Maintenance, ...]]:
    """Component id -> the windows that name it, built in one pass."""
    found: dict[str, list[Maintenance]] = {}
    for window in windows:
        for component_id in window.components:
            found.setdefault(component_id, []).append(window)
    return {key: tuple(value) for key, value in found.items()}
