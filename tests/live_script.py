"""Finding live script in what a build publishes: every file parsed as what it is."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import icalendar

FORBIDDEN_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
                      "button", "textarea", "select", "base", "foreignobject", "handler", "listener"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "srcset",
                  "cite", "longdesc", "usemap", "manifest", "codebase", "dynsrc", "lowsrc", "ping"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\xa0\u200b-\u200f\ufeff]")
HTML_IN_XML = {"description", "encoded", "content", "summary"}


def local_name(tag: Any) -> str:
    name = tag if isinstance(tag, str) else ""
    return name.rsplit("}", 1)[-1].lower()


def scheme_of(url: str) -> str:
    """What a browser would take as the URL's scheme (it ignores whitespace and controls)."""
    return _INVISIBLE.sub("", url).lower()


def html_problems(html: str, where: str, fragment: bool = False) -> Iterator[str]:
    """Live script in an HTML document or fragment, each described with where it is."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parseFragment(html) if fragment else parser.parse(html)
    yield from _tree_problems(root, where, in_head=False)


def _tree_problems(element: Any, where: str, in_head: bool) -> Iterator[str]:
    for child in element:
        name = local_name(child.tag)
        if not name:
            continue  # a comment
        yield from _element_problems(child, name, where, in_head)
        yield from _tree_problems(child, where, in_head or name == "head")


def _element_problems(element: Any, name: str, where: str, in_head: bool) -> Iterator[str]:
    attributes = {local_name(key) if "}" not in key else "xlink:" + local_name(key): value
                  for key, value in element.attrib.items()}
    if name in FORBIDDEN_ELEMENTS:
        yield f"{where}: <{name}> element"
    if name == "style" and not in_head:
        yield f"{where}: <style> outside <head>"
    if name == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
        yield f"{where}: <meta http-equiv=refresh>"
    for attribute, value in attributes.items():
        if attribute.startswith("on"):
            yield f"{where}: <{name} {attribute}=...> event handler"
        if attribute in URL_ATTRIBUTES and scheme_of(value).startswith(BAD_SCHEMES):
            if not (in_head and name == "link" and attributes.get("rel") == "icon" and value.startswith("data:image/svg+xml,")):
                yield f"{where}: <{name} {attribute}={value[:40]!r}>"
        if attribute in ("src", "srcset", "poster") and re.match(r"\s*(//|[a-z][a-z0-9+.-]*:)", value, re.I):
            if not value.startswith("data:image/svg+xml,"):
                yield f"{where}: <{name} {attribute}={value[:40]!r}> loads from elsewhere"
        if name == "link" and "stylesheet" in attributes.get("rel", "") and re.match(r"\s*(//|[a-z]+:)", attributes.get("href", ""), re.I):
            yield f"{where}: a stylesheet from elsewhere"
        if attribute == "style" and re.search(r"url\(|expression\(|javascript:", value, re.I):
            yield f"{where}: <{name} style={value[:40]!r}>"


def xml_problems(text: bytes, where: str) -> Iterator[str]:
    """An XML file (feed, sitemap, SVG) that parses, with no script and only sanitized HTML."""
    root = ElementTree.fromstring(text)
    for parent in root.iter():
        for element in parent:
            name = local_name(element.tag)
            yield from _element_problems(element, name, where, in_head=False)
            # An entry's description or content is HTML (Atom says so with type="html");
            # the channel's own description is a plain sentence.
            html_type = element.get("type", "html") in ("html", "text/html")
            in_entry = local_name(parent.tag) in ("item", "entry")
            is_html = element.get("type") == "html" or (name in HTML_IN_XML and in_entry and html_type)
            if is_html and element.text and "<" in element.text:
                yield from html_problems(element.text, f"{where} <{name}>", fragment=True)
    yield from _element_problems(root, local_name(root.tag), where, in_head=False)


def json_problems(text: bytes, where: str) -> Iterator[str]:
    """A JSON file that parses; its HTML fields (JSON Feed's content_html) carry no script."""
    for key, value in _strings(json.loads(text)):
        if key.endswith("html"):
            yield from html_problems(value, f"{where} {key}", fragment=True)


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


def site_problems(site: Path) -> list[str]:
    """Every trace of live script in every file of a built site."""
    problems: list[str] = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        where, content = path.relative_to(site).as_posix(), path.read_bytes()
        if path.suffix == ".html":
            problems += html_problems(content.decode("utf-8"), where)
        elif path.suffix in (".xml", ".svg"):
            problems += xml_problems(content, where)
        elif path.suffix == ".json":
            problems += json_problems(content, where)
        elif path.suffix == ".ics":
            icalendar.Calendar.from_ical(content)
    return problems
