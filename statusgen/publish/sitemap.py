"""sitemap.xml of the status section's pages, written with ElementTree (never by hand).

With several languages every page is listed once per language, each entry naming all of its
versions (`xhtml:link rel="alternate" hreflang`, plus x-default: the default language's), as
search engines read them from a sitemap.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from .. import urls
from ..cache.outputs import made_once
from ..languages import Language, site_languages
from ..outputs import OutputFile
from ..settings import Settings

_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XHTML = "http://www.w3.org/1999/xhtml"
_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"


def render_sitemap(outputs: list[OutputFile], settings: Settings) -> list[OutputFile]:
    """One <url> per page marked in_sitemap, by path, with its other languages' versions."""
    return sitemap_of(tuple(sorted(output.path for output in outputs if output.in_sitemap)), settings)


def sitemap_of(listed: tuple[str, ...], settings: Settings) -> list[OutputFile]:
    """The sitemap of the pages at these paths (sorted), kept in the build cache by them."""
    inputs = (listed, settings.base_url, settings.languages)
    return [OutputFile(urls.SITEMAP, made_once(settings, "sitemap.xml", sitemap_bytes, inputs))]


def sitemap_bytes(inputs: tuple[tuple[str, ...], str, tuple[str, ...]]) -> bytes:
    """The sitemap of the pages at these paths (sorted), under base_url, in these languages."""
    paths, base_url, language_codes = inputs
    languages = site_languages(language_codes)
    attributes = {"xmlns": _NAMESPACE} if len(languages) == 1 else {"xmlns": _NAMESPACE, "xmlns:xhtml": _XHTML}
    root = ElementTree.Element("urlset", attributes)
    listed = set(paths)
    for path in paths:
        page = path[: -len("index.html")] if path.endswith("index.html") else path
        entry = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(entry, "loc").text = urls.absolute(base_url, page)
        if len(languages) > 1:
            _alternates(entry, _unprefixed(page, languages), languages, listed, base_url)
    ElementTree.indent(root)
    # Serialized as text, then encoded once: with encoding="utf-8" ElementTree passes each of
    # the 100,000 pieces of a long history's sitemap through a codec (a third of the time).
    # The declaration is the one it writes for UTF-8, which for text it would take from the locale.
    return _DECLARATION + ElementTree.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def _unprefixed(page: str, languages: tuple[Language, ...]) -> str:
    """The page's path in the default language: "de/incidents/x/" -> "incidents/x/"."""
    for language in languages:
        if language.prefix and page.startswith(language.prefix):
            return page[len(language.prefix):]
    return page


def _alternates(entry: ElementTree.Element, page: str, languages: tuple[Language, ...], listed: set[str],
                base_url: str) -> None:
    # The "xhtml:" prefix is written as the attribute above declares it: ElementTree's own
    # namespace handling would rename the sitemap's default namespace to "ns0".
    versions = [(language.tag, language.prefix + page) for language in languages
                if urls.page_file(language.prefix + page) in listed]
    if len(versions) < 2:
        return
    for tag, path in [*versions, ("x-default", versions[0][1])]:
        ElementTree.SubElement(entry, "xhtml:link", rel="alternate", hreflang=tag,
                               href=urls.absolute(base_url, path))
