"""Status badges: badge.svg for the page, components/ID/badge.svg for each component, and
badge.json, a shields.io endpoint (https://shields.io/badges/endpoint-badge).

The SVG is built with ElementTree, so every name from the records is escaped by the XML
writer. Text width is estimated from Verdana's character widths at 11px, as shields.io
does; a badge never loads a font or anything else from elsewhere.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

from .. import urls
from ..models import ComponentStatus
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import Indicator, SiteState
from ..wording import label
from .jsonout import dump_json

SVG_NS = "http://www.w3.org/2000/svg"

# shields.io's named colours, so badge.svg and badge.json agree.
COLOURS = {
    "brightgreen": "#4c1",
    "yellow": "#dfb317",
    "orange": "#fe7d37",
    "red": "#e05d44",
    "blue": "#007ec6",
    "grey": "#555",
}
INDICATOR_COLOUR: Mapping[Indicator, str] = {
    Indicator.NONE: "brightgreen",
    Indicator.MINOR: "yellow",
    Indicator.MAJOR: "orange",
    Indicator.CRITICAL: "red",
    Indicator.MAINTENANCE: "blue",
}
STATUS_COLOUR: Mapping[ComponentStatus, str] = {
    ComponentStatus.OPERATIONAL: "brightgreen",
    ComponentStatus.DEGRADED_PERFORMANCE: "yellow",
    ComponentStatus.PARTIAL_OUTAGE: "orange",
    ComponentStatus.MAJOR_OUTAGE: "red",
    ComponentStatus.UNDER_MAINTENANCE: "blue",
}

# Approximate advance widths of Verdana at 11px, in pixels; anything else counts as wide.
_NARROW = dict.fromkeys("fijlrt!'(),-./:;I[]`|", 4.0)
_MEDIUM = dict.fromkeys("abcdeghknopqsuvxyz0123456789 _?$#*+<=>^~\"", 7.0)
_WIDE = dict.fromkeys("mwMW@%", 11.0)
_WIDTHS = {**_MEDIUM, **_NARROW, **_WIDE}
_DEFAULT_WIDTH = 8.0
_PADDING = 10


def render_badges(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """badge.svg and badge.json for the page; badge.svg and badge.json for each component."""
    page_colour = INDICATOR_COLOUR[state.indicator]
    outputs = [
        OutputFile(urls.BADGE, badge_svg("status", state.description, page_colour)),
        OutputFile(urls.BADGE_ENDPOINT, endpoint_json("status", state.description, page_colour)),
    ]
    for component in records.components.components:
        status = state.component_status[component.id]
        colour = STATUS_COLOUR[status]
        outputs.append(OutputFile(urls.component_badge(component.id), badge_svg(component.name, label(status), colour)))
        outputs.append(OutputFile(urls.component_badge_endpoint(component.id),
                                  endpoint_json(component.name, label(status), colour)))
    return outputs


def endpoint_json(label: str, message: str, colour: str) -> bytes:
    """The shields.io endpoint schema: shields.io draws the badge from this file."""
    return dump_json({"schemaVersion": 1, "label": label, "message": message, "color": colour})


def text_width(text: str) -> int:
    """Estimated width of `text` in pixels (Verdana, 11px)."""
    return round(sum(_WIDTHS.get(char, _DEFAULT_WIDTH) for char in text))


def _text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG luminance)."""
    digits = background.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    channels = [int(digits[index:index + 2], 16) / 255 for index in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#fff"


def badge_svg(label: str, message: str, colour: str) -> bytes:
    """A flat two-part badge, readable without colour: the message is written out."""
    label_width = text_width(label) + _PADDING
    message_width = text_width(message) + _PADDING
    width = label_width + message_width
    fill = COLOURS[colour]
    summary = f"{label}: {message}"
    ET.register_namespace("", SVG_NS)
    svg = ET.Element(f"{{{SVG_NS}}}svg", {
        "width": str(width), "height": "20", "viewBox": f"0 0 {width} 20",
        "role": "img", "aria-label": summary,
    })
    ET.SubElement(svg, f"{{{SVG_NS}}}title").text = summary
    ET.SubElement(svg, f"{{{SVG_NS}}}rect", {"width": str(label_width), "height": "20", "fill": COLOURS["grey"]})
    ET.SubElement(svg, f"{{{SVG_NS}}}rect", {
        "x": str(label_width), "width": str(message_width), "height": "20", "fill": fill,
    })
    group = ET.SubElement(svg, f"{{{SVG_NS}}}g", {
        "font-family": "Verdana,Geneva,DejaVu Sans,sans-serif", "font-size": "11", "text-anchor": "middle",
    })
    parts = ((label, label_width / 2, COLOURS["grey"]), (message, label_width + message_width / 2, fill))
    for text, centre, background in parts:
        attributes = {"x": f"{centre:g}", "y": "14", "fill": _text_colour(background)}
        ET.SubElement(group, f"{{{SVG_NS}}}text", attributes).text = text
    document: bytes = ET.tostring(svg, encoding="utf-8", xml_declaration=False)
    return document + b"\n"
