"""badge.svg, components/ID/badge.svg and the shields.io endpoint JSON, parsed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from statusgen.publish.badges import COLOURS, badge_svg, render_badges, text_width

from sites.corpus import by_path, corpus_site

SVG = "{http://www.w3.org/2000/svg}"
SHIELDS_COLOURS = {"brightgreen", "green", "yellowgreen", "yellow", "orange", "red", "blue", "lightgrey", "grey"}


@pytest.fixture(scope="module")
def published() -> dict[str, bytes]:
    site = corpus_site()
    return by_path(render_badges(site.records, site.state, site.settings))


def parse_badge(content: bytes) -> tuple[ET.Element, list[str]]:
    root = ET.fromstring(content)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == root.get("aria-label")
    widths = [int(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert sum(widths) == int(root.get("width")) and root.get("viewBox") == f"0 0 {root.get('width')} 20"
    return root, [element.text for element in root.iter(f"{SVG}text")]


def test_page_badge_says_the_indicator(published):
    root, texts = parse_badge(published["badge.svg"])
    assert texts == ["status", "Minor Service Outage"]
    assert root.get("aria-label") == "status: Minor Service Outage"


def test_component_badges_name_the_component_and_escape_it(published):
    expected = {"pulls": ("Image pulls", "Under maintenance"), "pushes": ("Image pushes", "Under maintenance"),
                "web": ("Website <main>", "Degraded performance")}
    for component_id, words in expected.items():
        content = published[f"components/{component_id}/badge.svg"]
        assert parse_badge(content)[1] == list(words)
    assert b"&lt;main&gt;" in published["components/web/badge.svg"]
    assert b"<main>" not in published["components/web/badge.svg"]


def test_shields_endpoint_json(published):
    document = json.loads(published["badge.json"])
    assert document == {"schemaVersion": 1, "label": "status", "message": "Minor Service Outage", "color": "yellow"}
    web = json.loads(published["components/web/badge.json"])
    assert web["label"] == "Website <main>" and web["message"] == "Degraded performance"
    assert web["color"] in SHIELDS_COLOURS and json.loads(published["components/pulls/badge.json"])["color"] == "blue"


def test_width_follows_the_text():
    assert text_width("mmmm") > text_width("iiii") > 0
    short = ET.fromstring(badge_svg("status", "OK", "brightgreen"))
    long = ET.fromstring(badge_svg("status", "All Systems Operational", "brightgreen"))
    assert int(long.get("width")) > int(short.get("width")) + 100


def contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        digits = colour.lstrip("#")
        digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
        values = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        values = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * values[0] + 0.7152 * values[1] + 0.0722 * values[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("colour", sorted(COLOURS))
def test_text_contrasts_with_its_background(colour):
    root = ET.fromstring(badge_svg("label", "message", colour))
    rects = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    fills = [text.get("fill") for text in root.iter(f"{SVG}text")]
    for background, foreground in zip(rects, fills, strict=True):
        assert contrast(background, foreground) >= 4.5, (background, foreground)
