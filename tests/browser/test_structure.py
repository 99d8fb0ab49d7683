"""What a screen reader, a search engine and a link preview need, on every page of the site.

Landmarks, one h1 and no skipped heading level, a skip link first, `<time datetime>` on every
time the pages write, uptime bars with text, status never by colour alone, OpenGraph meta.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from itertools import pairwise
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest
import yaml
from babel import Locale

from statusgen.languages import catalogue

from .sitewalk import html_files

pytestmark = pytest.mark.browser

DURATION = re.compile(r"P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?")
MONTH = re.compile(r"\d{4}-\d{2}")


@cache
def _written_date(tag: str) -> re.Pattern[str]:
    """The dates our templates write in a page's language ("5 Jul 2020", "5. Juli 2020",
    "5 يوليو 2020"): a day, a month's name in CLDR's words, a year. Record prose (.sg-prose)
    is the author's own."""
    months = Locale.parse(tag, sep="-").months["format"]
    names = sorted({name for width in ("abbreviated", "wide") for name in months[width].values()}, key=len, reverse=True)
    return re.compile(r"\b\d{1,2}\.? (" + "|".join(map(re.escape, names)) + r") \d{4}\b")


def _no_data(tag: str) -> str:
    """A bar's words for a day without a figure, in a page's language."""
    return catalogue(tag.replace("-", "_")).gettext("no data")


def _tree(site: Path, path: str) -> Element:
    return html5lib.parse((site / path).read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _classes(element: Element) -> set[str]:
    return set(element.get("class", "").split())


@pytest.fixture(scope="module")
def trees(site_dir: Path) -> dict[str, Element]:
    return {path: _tree(site_dir, path) for path in html_files(site_dir)}


@pytest.fixture(scope="module")
def site_url(site_dir: Path) -> str:
    config = yaml.safe_load((site_dir.parent / "src" / "mkdocs.yml").read_text(encoding="utf-8"))
    return str(config.get("site_url") or "")


def test_landmarks_and_skip_link(trees: dict[str, Element]) -> None:
    for path, tree in trees.items():
        body = tree.find("body")
        assert tree.get("lang"), f"{path}: no language"
        assert [main.get("id") for main in tree.iter("main")] == ["main"], path
        top = [child.tag for child in body]
        assert {"header", "main", "footer"} <= set(top), f"{path}: landmarks {top}"
        assert all(nav.get("aria-label") for nav in tree.iter("nav")), f"{path}: a nav without a name"
        first_link = next(body.iter("a"))
        assert first_link.get("href") == "#main", f"{path}: the skip link is not first"


def test_heading_outline(trees: dict[str, Element]) -> None:
    for path, tree in trees.items():
        levels = [int(h.tag[1]) for h in tree.iter() if isinstance(h.tag, str) and re.fullmatch(r"h[1-6]", h.tag)]
        assert levels.count(1) == 1 and levels[0] == 1, f"{path}: headings {levels}"
        jumps = [(a, b) for a, b in pairwise(levels) if b > a + 1]
        assert not jumps, f"{path}: heading levels skip {jumps}"
        for heading in tree.iter():
            if isinstance(heading.tag, str) and re.fullmatch(r"h[1-6]", heading.tag):
                assert _text(heading), f"{path}: an empty {heading.tag}"


def _outside(element: Element, skip: str) -> list[str]:
    """The text of element, leaving out <time> elements and elements of class `skip`."""
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag != "time" and skip not in _classes(child):
            pieces.extend(_outside(child, skip))
        pieces.append(child.tail or "")
    return pieces


def test_every_time_is_a_time_element(trees: dict[str, Element]) -> None:
    for path, tree in trees.items():
        times = list(tree.iter("time"))
        for time in times:
            value = time.get("datetime", "")
            if DURATION.fullmatch(value):
                continue
            if MONTH.fullmatch(value):  # HTML's month string: the uptime and SLA pages' months
                assert date.fromisoformat(value + "-01"), f"{path}: <time datetime={value!r}>"
                continue
            parse = date.fromisoformat if len(value) == 10 else datetime.fromisoformat
            assert parse(value.replace("Z", "+00:00")), f"{path}: <time datetime={value!r}>"
            assert len(value) == 10 or value.endswith(("Z", "+00:00")), f"{path}: {value} not in UTC"
        loose = _written_date(tree.get("lang", "en")).findall(" ".join(_outside(tree.find("body"), "sg-prose")))
        assert not loose, f"{path}: dates outside <time>: {loose}"
    assert sum(len(list(tree.iter("time"))) for tree in trees.values()) > len(trees)


def test_uptime_bars_are_read_as_text(trees: dict[str, Element]) -> None:
    bars = [(path, ol) for path, tree in trees.items() for ol in tree.iter("ol") if "sg-bars" in _classes(ol)]
    assert bars, "no uptime bars found"
    for path, ol in bars:
        assert ol.get("aria-label"), f"{path}: uptime bars without a name"
        said = re.compile(r"\d\s?%|" + re.escape(_no_data(trees[path].get("lang", "en"))), re.IGNORECASE)
        for day in ol.iter("li"):
            assert said.search(_text(day)), f"{path}: a bar says {_text(day)!r}"


def test_status_is_never_colour_alone(trees: dict[str, Element]) -> None:
    shown = 0
    for path, tree in trees.items():
        parents = {child: parent for parent in tree.iter() for child in parent}
        for element in tree.iter():
            if "sg-st" not in _classes(element):
                continue
            shown += 1
            if element.get("aria-hidden") == "true":
                # A decorative mark beside words that say the same (the banner, the brand).
                assert _text(parents[element]), f"{path}: a status mark with no words beside it"
            else:
                assert _text(element), f"{path}: a status shown by colour and shape only"
    assert shown


def test_head_describes_the_page(trees: dict[str, Element], site_url: str) -> None:
    titles: dict[tuple[str, str], str] = {}
    for path, tree in trees.items():
        head = tree.find("head")
        meta = {m.get("property") or m.get("name"): m.get("content") for m in head.iter("meta")}
        for key in ("description", "viewport", "og:title", "og:description", "og:type", "og:site_name", "og:url"):
            assert meta.get(key), f"{path}: no {key}"
        if path != "404.html":
            own = site_url + (path[: -len("index.html")] if path.endswith("index.html") else path)
            assert meta["og:url"] == own, f"{path}: og:url {meta['og:url']}"
        icons = [link.get("href", "") for link in head.iter("link") if link.get("rel") == "icon"]
        assert len(icons) == 1 and icons[0].startswith("data:image/svg+xml"), f"{path}: favicon {icons}"
        titles[tree.get("lang", ""), path] = _text(head.find("title"))
    # Within a language: a record without a translation has the same title in every language.
    shared = len(titles) - len({(lang, title) for (lang, _), title in titles.items()})
    assert not shared, f"{shared} pages share a title with another of their language"


def test_the_favicon_follows_the_status(trees: dict[str, Element], site_dir: Path) -> None:
    import json

    status = json.loads((site_dir / "api" / "v2" / "status.json").read_text(encoding="utf-8"))["status"]
    from statusgen.publish.formatting import favicon_uri
    from statusgen.state import Indicator

    icon = next(link.get("href") for link in trees["index.html"].iter("link") if link.get("rel") == "icon")
    assert icon == favicon_uri(Indicator(status["indicator"]))
    assert len({favicon_uri(indicator) for indicator in Indicator}) == len(Indicator)


def test_the_404_page_works_at_any_depth(trees: dict[str, Element], site_url: str) -> None:
    tree = trees["404.html"]
    assert tree.find(".//head/style") is not None, "404.html needs its styles inline"
    for element in tree.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value and not value.startswith(("#", "data:", "http://", "https://")):
                pytest.fail(f"404.html: relative {attribute} {value!r} breaks below the root")
