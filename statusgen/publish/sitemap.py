"""sitemap.xml of the status section's pages, written with ElementTree (never by hand)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from .. import urls
from ..outputs import OutputFile
from ..settings import Settings

_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_sitemap(outputs: list[OutputFile], settings: Settings) -> list[OutputFile]:
    """One <url> per page marked in_sitemap, by path."""
    root = ElementTree.Element("urlset", xmlns=_NAMESPACE)
    for path in sorted(output.path for output in outputs if output.in_sitemap):
        page = path[: -len("index.html")] if path.endswith("index.html") else path
        ElementTree.SubElement(ElementTree.SubElement(root, "url"), "loc").text = urls.absolute(settings.base_url, page)
    ElementTree.indent(root)
    content = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return [OutputFile(urls.SITEMAP, content)]
