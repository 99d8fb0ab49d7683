"""Reads a built site's HTML as a browser would: the ids each page defines, the links it holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib

# Attributes that make the browser fetch or navigate to another address.
LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src",
                   "source": "src", "iframe": "src", "audio": "src", "video": "src", "form": "action"}
OWN_ORIGIN = "http://site.invalid/"


@dataclass(frozen=True)
class Link:
    """One reference from a page: where it stands and the address it names."""

    page: str
    element: str
    url: str


@dataclass(frozen=True)
class Page:
    """A parsed HTML file: its path in the site, its ids, its links."""

    path: str
    ids: frozenset[str]
    links: tuple[Link, ...]


def read_page(site: Path, path: str) -> Page:
    """Parse one HTML file of the site with an HTML5 parser."""
    tree = html5lib.parse((site / path).read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    ids: set[str] = set()
    links: list[Link] = []
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if element.get("id"):
            ids.add(element.get("id"))
        if tag == "a" and element.get("name"):
            ids.add(element.get("name"))
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and element.get(attribute) is not None:
            links.append(Link(path, tag, element.get(attribute).strip()))
        if tag == "meta" and element.get("property") == "og:url":
            links.append(Link(path, "meta og:url", element.get("content", "").strip()))
    return Page(path, frozenset(ids), tuple(links))


def html_files(site: Path) -> list[str]:
    """Every HTML file of the site, as paths relative to its root."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def resolve(link: Link, site_url: str) -> tuple[str, str] | None:
    """The (file path, fragment) a link lands on inside the site, or None for another site.

    A page is addressed as its folder (`incidents/x/` is `incidents/x/index.html`). Links
    are resolved against the page's own address, as a browser does; absolute links to the
    configured site_url count as internal (the 404 page must use them: it is served at any depth).
    """
    page_url = urljoin(OWN_ORIGIN, link.page[: -len("index.html")] if link.page.endswith("index.html") else link.page)
    url = link.url
    if site_url and url.startswith(site_url):
        url = OWN_ORIGIN + url[len(site_url):]
    target = urlsplit(urljoin(page_url, url))
    if f"{target.scheme}://{target.netloc}/" != OWN_ORIGIN:
        return None
    path = unquote(target.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, unquote(target.fragment)
