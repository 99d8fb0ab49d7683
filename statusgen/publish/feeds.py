"""RSS 2.0 (feed.xml), Atom (atom.xml) and JSON Feed 1.1 (feed.json), site-wide and per component.

feedgen writes the XML formats and `json` the JSON one. feedgen stamps the current time on
the feed and on every entry unless told otherwise, and prepends entries by default: here
every timestamp is set from the records and entries are appended newest first, so the same
records and the same "now" give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from .. import urls
from ..cache.outputs import made_once
from ..cache.store import CacheStore
from ..cache.texts import StoredTexts
from ..languages import N_, Language, site_languages
from ..moments import rfc3339
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from ..translations import translated_state
from .feed_items import FeedItem, ItemSource, RenderedTexts, maintenance_by_component
from .jsonout import dump_json

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_feeds(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """Every language's feeds: the first's at the root, each other's in its folder (de/feed.xml)."""
    languages = site_languages(settings.languages)
    store = CacheStore.open(settings.cache_dir) if settings.cache_dir is not None else None
    texts = RenderedTexts(StoredTexts(store) if store is not None else None)
    outputs = []
    for language in languages:
        in_language = translated_state(state, language, languages[0])
        outputs.extend(render_language_feeds(in_language.public, in_language, settings, language, texts))
    texts.keep()
    return outputs


def render_language_feeds(records: Records, state: SiteState, settings: Settings, language: Language,
                          texts: RenderedTexts | None = None) -> list[OutputFile]:
    """feed.xml, atom.xml and feed.json for the whole site, and components/ID/feed.xml, in
    `language` (records already translated) under its prefix."""
    source = ItemSource(records, state, settings, language, texts)
    limit = max(settings.feed_items, 0)
    items = source.newest(limit)
    title = settings.site_name
    description = language.gettext(N_("Incidents, maintenance, post-mortems and announcements of %(site)s")) % {
        "site": settings.site_name}
    prefix = language.prefix
    home = urls.absolute(settings.base_url, prefix + urls.HOME)
    tag = language.tag
    site_wide = _Feed(items, title, description, home, state.now, tag)
    outputs = [
        _feed_file(settings, prefix + urls.RSS_FEED, _rss_document, site_wide),
        _feed_file(settings, prefix + urls.ATOM_FEED, _atom_document, site_wide),
        _feed_file(settings, prefix + urls.JSON_FEED, _json_document, site_wide),
    ]
    windows = maintenance_by_component(records.maintenance)
    for component in records.components.components:
        candidates = [
            candidate
            for incident in source.recent_among(state.incidents_by_component.get(component.id, ()), limit)
            for candidate in source.incident(incident)
        ]
        candidates += [candidate for window in windows.get(component.id, ()) for candidate in source.maintenance(window)]
        outputs.append(_feed_file(settings, prefix + urls.component_feed(component.id), _rss_document, _Feed(
            source.pick(candidates, limit),
            f"{settings.site_name}: {component.name}",
            language.gettext(N_("Incidents and maintenance affecting %(component)s")) % {"component": component.name},
            urls.absolute(settings.base_url, prefix + urls.component(component.id)),
            state.now,
            tag,
        )))
    return outputs


class _Feed(NamedTuple):
    """All one feed file shows (and, with its URL, all it is kept by in the build cache)."""

    items: Sequence[FeedItem]
    title: str
    description: str
    home: str
    updated: datetime
    """The feed's time (_feed_time): its newest entry's, so that it keeps its bytes from one build to the next."""
    language: str
    self_url: str = ""


def _feed_file(settings: Settings, path: str, document: Callable[[_Feed], bytes], feed: _Feed) -> OutputFile:
    """A feed file, made again only when what it shows changed (cache/outputs.py): an edit
    changes the few feeds that show the record edited, and the rest (a component's feed per
    component and language) keep their bytes without feedgen being run, or imported."""
    return OutputFile(path, made_once(settings, path, document, feed._replace(
        items=tuple(feed.items), updated=_feed_time(feed.items, feed.updated), self_url=_feed_url(settings, path))))


def _rss_document(feed: _Feed) -> bytes:
    return rss_feed(feed.items, feed.title, feed.description, feed.home, feed.self_url, feed.updated, feed.language)


def _atom_document(feed: _Feed) -> bytes:
    return atom_feed(feed.items, feed.title, feed.description, feed.home, feed.self_url, feed.updated, feed.language)


def _json_document(feed: _Feed) -> bytes:
    return json_feed(feed.items, feed.title, feed.description, feed.home, feed.self_url, feed.language)


def _feed_url(settings: Settings, path: str) -> str:
    return urls.absolute(settings.base_url, path)


def _feed_time(items: Sequence[FeedItem], now: datetime) -> datetime:
    # The newest entry, not the build time: a feed whose entries did not change keeps the
    # same bytes from one build to the next, so readers and caches see nothing new.
    return max((item.updated for item in items), default=now)


def _generator(items: Sequence[FeedItem], title: str, description: str, home: str, now: datetime,
               language: str) -> FeedGenerator:
    # Imported here: a build with a long history writes the feeds in a child process
    # (pipeline.build_outputs), which alone needs feedgen and lxml.
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(home)
    feed.title(title)
    feed.description(description)
    feed.author({"name": title})
    feed.language(language)
    feed.generator("statusgen")
    stamp = _feed_time(items, now)
    feed.updated(stamp)
    feed.lastBuildDate(stamp)
    for item in items:  # newest first, appended in that order
        entry = feed.add_entry(order="append")
        entry.id(item.id)
        entry.guid(item.id, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate")
        entry.published(item.published)
        entry.updated(item.updated)
        entry.description(item.content_html)
        entry.content(item.content_html, type="html")
        for tag in item.tags:
            entry.category(term=tag)
    return feed


def _links(home: str, self_url: str) -> list[dict[str, str]]:
    # feedgen takes the last link as RSS's <link>, which must be the home page.
    return [{"href": self_url, "rel": "self"}, {"href": home, "rel": "alternate"}]


def rss_feed(items: Sequence[FeedItem], title: str, description: str, home: str, self_url: str, now: datetime,
             language: str = "en") -> bytes:
    """An RSS 2.0 document of `items` (already newest first), in `language` (a BCP 47 tag)."""
    feed = _generator(items, title, description, home, now, language)
    feed.link(_links(home, self_url), replace=True)
    document: bytes = feed.rss_str(pretty=True)
    return document


def atom_feed(items: Sequence[FeedItem], title: str, description: str, home: str, self_url: str, now: datetime,
              language: str = "en") -> bytes:
    """An Atom document of `items` (already newest first), in `language`."""
    feed = _generator(items, title, description, home, now, language)
    feed.link(_links(home, self_url), replace=True)
    document: bytes = feed.atom_str(pretty=True)
    return document


def json_feed(items: Sequence[FeedItem], title: str, description: str, home: str, self_url: str,
              language: str = "en") -> bytes:
    """A JSON Feed 1.1 document of `items` (already newest first), in `language`."""
    return dump_json({
        "version": JSON_FEED_VERSION,
        "title": title,
        "description": description,
        "home_page_url": home,
        "feed_url": self_url,
        "language": language,
        "authors": [{"name": title}],
        "items": [
            {
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "content_html": item.content_html,
                "date_published": rfc3339(item.published),
                "date_modified": rfc3339(item.updated),
                "tags": list(item.tags),
            }
            for item in items
        ],
    })
