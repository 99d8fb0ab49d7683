"""Records translated by sibling files: discovered apart from records, applied per language,
the default language's text marked where a translation is missing, nothing not yet public."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import html5lib
import pytest

from statusgen.loader import load_records
from statusgen.pipeline import build_outputs
from statusgen.settings import Settings

from sites.corpus import by_path
from sites.files import write_site

NOW = datetime(2021, 11, 1, tzinfo=timezone.utc)
_NS = {"h": "http://www.w3.org/1999/xhtml"}

INCIDENT_DE = """\
---
title: API-Fehler
updates:
  - at: 2021-10-01T10:30:00Z
    body: Wir untersuchen das.
---
Die API lieferte Fehler.
"""

COMPONENTS_DE = """\
components:
  - id: api
    name: Schnittstelle
"""

FUTURE_INCIDENT = """\
---
title: Future outage
impact: minor
components: [web]
started: 2030-01-01T00:00:00Z
---
Later.
"""


def _build(root: Path, changes: dict[str, object], languages: tuple[str, ...] = ("en", "de")) -> dict[str, bytes]:
    content = write_site(root, changes)
    settings = Settings(content_dir=content, site_url="https://status.example.org/", languages=languages)
    return by_path(build_outputs(load_records(content, languages), settings, NOW))


def _document(content: bytes):
    return html5lib.parse(content, namespaceHTMLElements=True)


def _text_of(element) -> str:
    return "".join(element.itertext()).strip()


def test_a_translation_is_not_a_record_and_is_kept_by_language(tmp_path):
    content = write_site(tmp_path, {"content/incidents/api-errors.de.md": INCIDENT_DE, "content/components.de.yml": COMPONENTS_DE})
    records = load_records(content, ("en", "de"))
    assert [incident.id for incident in records.incidents] == ["api-errors"]
    german = records.translations["de"]
    assert german.records[("incidents", "api-errors")].title == "API-Fehler"
    assert german.records[("incidents", "api-errors")].body == "Die API lieferte Fehler."
    assert german.components is not None and german.components.components[0].name == "Schnittstelle"


def test_translation_files_are_data_never_published(tmp_path):
    from statusgen.loader import is_record_path

    content = write_site(tmp_path, {"content/incidents/api-errors.de.md": INCIDENT_DE, "content/components.de.yml": COMPONENTS_DE,
                                    "content/plans.pt_BR.yml": "plans: []\n", "content/notes.de.yml": "a: 1\n"})
    assert all(is_record_path(content, content / name) for name in
               ("incidents/api-errors.de.md", "components.de.yml", "plans.pt_BR.yml", "components.yml"))
    # A file of the site's own that merely looks like one is still the site's.
    assert not is_record_path(content, content / "notes.de.yml")
    assert not is_record_path(content, content / "components.de.yaml")


def test_the_german_pages_show_the_translation_and_mark_the_rest_english(tmp_path):
    files = _build(tmp_path, {"content/incidents/api-errors.de.md": INCIDENT_DE, "content/components.de.yml": COMPONENTS_DE})
    page = _document(files["de/incidents/api-errors/index.html"])
    assert _text_of(page.find(".//h:h1", _NS)) == "API-Fehler"
    html = files["de/incidents/api-errors/index.html"].decode()
    assert "Wir untersuchen das." in html and "Die API lieferte Fehler." in html
    # The update without a translation is the original's, marked as English.
    fixed = [element for element in page.iterfind(".//h:*[@lang='en']", _NS) if _text_of(element) == "Fixed."]
    assert fixed, "the untranslated update is not marked lang=en"
    assert "Schnittstelle" in html
    # The website has no German name: its English name is marked on the front page.
    home = _document(files["de/index.html"])
    assert any(_text_of(element) == "Website" for element in home.iterfind(".//h:span[@lang='en']", _NS))
    # The maintenance window is not translated at all: its title is marked.
    window = _document(files["de/maintenance/db-upgrade/index.html"])
    title = window.find(".//h:h1/h:span", _NS)
    assert title is not None and title.get("lang") == "en" and _text_of(title) == "Database upgrade"
    # The default language's pages are unchanged and unmarked.
    english = files["incidents/api-errors/index.html"].decode()
    assert "API-Fehler" not in english and 'lang="en">' not in english.split("<body", 1)[1]


def test_a_translation_of_what_is_not_public_yet_is_not_published(tmp_path):
    future_de = "---\ntitle: Zukünftige Störung\n---\nSpäter.\n"
    files = _build(tmp_path, {"content/incidents/future-outage.md": FUTURE_INCIDENT,
                              "content/incidents/future-outage.de.md": future_de})
    assert not [path for path, content in files.items() if "Zukünftige".encode() in content or b"Future outage" in content]


def test_translations_change_no_byte_of_the_default_language_or_the_shared_files(tmp_path):
    plain = _build(tmp_path / "a", {})
    translated = _build(tmp_path / "b", {"content/incidents/api-errors.de.md": INCIDENT_DE,
                                         "content/components.de.yml": COMPONENTS_DE})
    changed = sorted(path for path in plain if plain[path] != translated[path])
    assert changed and all(path.startswith("de/") for path in changed), changed


def test_every_language_has_its_feeds_with_its_texts(tmp_path):
    import json

    import feedparser

    files = _build(tmp_path, {"content/incidents/api-errors.de.md": INCIDENT_DE})
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(files["de/" + name])
        assert not feed.bozo, feed.bozo_exception
        if name == "feed.xml":
            assert feed.feed.language == "de"
        titles = [entry.title for entry in feed.entries]
        assert any(title.startswith("API-Fehler — ") for title in titles), titles
        assert all(entry.link.startswith("https://status.example.org/de/") for entry in feed.entries)
        assert any("Wir untersuchen das." in entry.content[0].value for entry in feed.entries)
        assert any(title.startswith("Wartung: Database upgrade") for title in titles), titles
        english = feedparser.parse(files[name])
        assert not any("API-Fehler" in entry.title for entry in english.entries)
    document = json.loads(files["de/feed.json"])
    assert document["language"] == "de" and document["feed_url"] == "https://status.example.org/de/feed.json"
    assert any(item["title"].startswith("API-Fehler") for item in document["items"])
    assert "de/components/api/feed.xml" in files


def test_the_sitemap_lists_every_version_of_a_page(tmp_path):
    import xml.etree.ElementTree as ElementTree

    files = _build(tmp_path, {})
    root = ElementTree.fromstring(files["sitemap.xml"])
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = {url.findtext("s:loc", namespaces=ns): {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
               for url in root.findall("s:url", ns)}
    page = "https://status.example.org/incidents/api-errors/"
    german = "https://status.example.org/de/incidents/api-errors/"
    assert entries[page] == entries[german] == {"en": page, "de": german, "x-default": page}
    assert all(set(links) == {"en", "de", "x-default"} for links in entries.values())


def test_what_stays_single_is_byte_identical_with_more_languages():
    from statusgen.urls import is_single

    from sites.corpus import corpus_site

    def build(languages):
        site = corpus_site(languages=languages)
        return by_path(build_outputs(site.records, site.settings, site.state.now))

    one, three = build(("en",)), build(("en", "de", "ar"))
    single = [path for path in one if is_single(path) and path != "sitemap.xml"]
    assert any(path.startswith("api/") for path in single) and "maintenance.ics" in single and "metrics" in " ".join(single)
    assert any(path.endswith("badge.svg") for path in single)
    assert [path for path in single if one[path] != three[path]] == []
    assert not [path for path in three if path not in one and is_single(path)]


def _foreign(document) -> list:
    """Every element of a page's body in another language than the page's."""
    body = document.find("h:body", _NS)
    return [element for element in body.iter() if element.get("lang")]


def test_a_fallback_written_the_other_way_is_isolated_with_its_direction(tmp_path):
    files = _build(tmp_path, {"content/incidents/api-errors.de.md": INCIDENT_DE}, languages=("en", "de", "ar"))
    incident = _document(files["ar/incidents/api-errors/index.html"])
    assert incident.get("dir") == "rtl"
    english = [element for element in _foreign(incident) if element.get("lang") == "en"]
    # The title, the body (a block) and both updates have no Arabic text: each is isolated
    # left to right, so "Fixed." keeps its full stop at its end.
    shown = {_text_of(element): (element.tag.split("}")[1], element.get("dir")) for element in english}
    assert shown["API errors"] == ("span", "ltr")
    assert shown["The API returned errors."] == ("div", "ltr")
    assert shown["Fixed."][1] == "ltr"
    assert all(element.get("dir") == "ltr" for element in english)
    # On the German pages English runs the same way: lang alone, no direction.
    for path in ("de/incidents/api-errors/index.html", "de/index.html", "de/pricing/index.html"):
        marked = _foreign(_document(files[path]))
        assert [element for element in marked if element.get("lang") == "en"]
        assert [element.get("lang") for element in marked if element.get("dir")] == ["ar"], path
    for path in ("ar/index.html", "ar/pricing/index.html", "ar/maintenance/db-upgrade/index.html"):
        marked = [element for element in _foreign(_document(files[path])) if element.get("lang") != "ar"]
        assert marked and all(element.get("dir") == "ltr" for element in marked), path


def test_an_arabic_default_is_isolated_right_to_left_on_the_other_pages(tmp_path):
    files = _build(tmp_path, {}, languages=("ar", "en"))
    incident = _document(files["en/incidents/api-errors/index.html"])
    marked = [element for element in _foreign(incident) if element.get("lang") == "ar"]
    assert marked and all(element.get("dir") == "rtl" for element in marked)
    assert not [element for element in _foreign(_document(files["incidents/api-errors/index.html"]))
                if element.get("lang") == "ar" and element.tag.endswith("}div")]


def test_the_404_page_is_single_and_links_no_other_version(tmp_path):
    files = _build(tmp_path, {}, languages=("en", "de"))
    assert "de/404.html" not in files
    page = _document(files["404.html"])
    assert not page.findall(".//h:link[@hreflang]", _NS) and not page.findall(".//h:a[@hreflang]", _NS)
    # Every other page links its versions.
    assert _document(files["de/index.html"]).findall(".//h:link[@hreflang]", _NS)


def test_a_state_is_translated_once_per_language(tmp_path):
    from statusgen.derive import derive_state
    from statusgen.languages import site_languages
    from statusgen.translations import translated_state

    content = write_site(tmp_path, {"content/incidents/api-errors.de.md": INCIDENT_DE})
    languages = ("en", "de", "ar")
    settings = Settings(content_dir=content, site_url="https://status.example.org/", languages=languages)
    records = load_records(content, languages)
    english, german, arabic = site_languages(languages)
    state = derive_state(records, settings, NOW)
    # The pages and the feeds of one build share the copies; another state gets its own.
    assert translated_state(state, german, english) is translated_state(state, german, english)
    assert translated_state(state, german, english) is not translated_state(state, arabic, english)
    again = derive_state(records, settings, NOW)
    assert translated_state(again, german, english) is not translated_state(state, german, english)
    assert translated_state(again, german, english).public.incidents[0].title == "API-Fehler"
    assert translated_state(state, english, english) is state


def test_a_record_no_language_translates_is_copied_once_for_every_language(tmp_path):
    # Its copy marks every text with the default language, the same in German as in Arabic:
    # made once, whatever the number of languages. A translated record gets a copy per language.
    from statusgen.derive import derive_state
    from statusgen.languages import site_languages
    from statusgen.translations import Fallback, translated_state

    untranslated = FUTURE_INCIDENT.replace("Future outage", "Slow pages").replace("2030-01-01", "2021-10-05")
    content = write_site(tmp_path, {"content/incidents/api-errors.de.md": INCIDENT_DE,
                                    "content/incidents/slow-pages.md": untranslated})
    languages = ("en", "de", "ar")
    settings = Settings(content_dir=content, site_url="https://status.example.org/", languages=languages)
    records = load_records(content, languages)
    english, german, arabic = site_languages(languages)
    state = derive_state(records, settings, NOW)
    in_german, in_arabic = (translated_state(state, language, english).public for language in (german, arabic))
    translated = [index for index, incident in enumerate(state.public.incidents) if incident.id == "api-errors"]
    assert translated and len(state.public.incidents) > 1
    for index, original in enumerate(state.public.incidents):
        german_copy, arabic_copy = in_german.incidents[index], in_arabic.incidents[index]
        assert german_copy is not original and isinstance(arabic_copy.title, Fallback)
        if index in translated:
            assert german_copy is not arabic_copy and german_copy.title == "API-Fehler"
        else:
            assert german_copy is arabic_copy and isinstance(german_copy.title, Fallback)


@pytest.mark.parametrize("forked", [False, True], ids=["here", "with a child"])
def test_the_sitemap_made_before_the_pages_lists_the_pages_published(tmp_path, monkeypatch, forked):
    # The sitemap is one of the jobs shared while the pages render (publish/pages.py): made
    # from the paths the pages are to take, it must list every page the build writes that is
    # meant for it (the 404 page is not), in every language, live and archived pages alike.
    from statusgen import parallel
    from statusgen.publish.sitemap import render_sitemap

    if forked:
        monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
        monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    content = write_site(tmp_path, {"content/incidents/api-errors.de.md": INCIDENT_DE})
    settings = Settings(content_dir=content, site_url="https://status.example.org/", languages=("en", "de", "fr"))
    outputs = build_outputs(load_records(content, settings.languages), settings, NOW)
    sitemap = by_path(outputs)["sitemap.xml"]
    assert sitemap == by_path(render_sitemap(outputs, settings))["sitemap.xml"]
    assert b"/fr/uptime/" in sitemap and b"/de/components/api/" in sitemap and b"404" not in sitemap
