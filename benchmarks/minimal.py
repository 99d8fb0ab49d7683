"""The floor statusgen is measured against: the least a Python pipeline must do per incident.

Read each incident file, parse its front matter with PyYAML's libyaml loader, render its body
and its updates' bodies with one reused Python-Markdown instance, fill one compiled jinja2
template, write one file. No validation, no derived state, no feeds, no API.

With --every-record it also does so for the other records a site publishes as pages, each
Markdown text of them (a post-mortem's summary, impact, root cause... and timeline; a
maintenance window's updates; a notice's body), through a second template: the same content
statusgen must render, which the incidents-only floor leaves out (at 10,000 incidents, a
quarter of the texts).

    python benchmarks/minimal.py SITE_ROOT OUTPUT_DIR [--every-record]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jinja2
import markdown
import yaml
from markupsafe import Markup

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
<p>Impact: {{ impact }}. Started {{ started }}{% if resolved %}, resolved {{ resolved }}{% endif %}.</p>
<ul>{% for component, status in components.items() %}<li>{{ component }}: {{ status }}</li>{% endfor %}</ul>
<div>{{ body }}</div>
<ol>{% for update in updates %}<li id="update-{{ loop.index }}"><strong>{{ update.status }}</strong>
<time>{{ update.at }}</time>{{ update.html }}</li>{% endfor %}</ol>
</main></body></html>
"""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


RECORD_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
{% for html in texts %}<section>{{ html }}</section>{% endfor %}
</main></body></html>
"""

MARKDOWN_FIELDS = {
    "postmortems": ("summary", "impact", "trigger", "root_cause", "detection", "resolution", "timeline.event",
                    "lessons.went_well", "lessons.went_wrong", "lessons.got_lucky"),
    "maintenance": ("updates.body",),
    "announcements": (),
}
"""The Markdown texts of each other kind of record, besides its body: `a.b` is field b of
each item of list a (or each text of list b in mapping a)."""


def build(root: Path, output: Path, every_record: bool = False) -> int:
    """Render every incident of the site at root into output (and with every_record, the
    other records too); returns how many records."""
    renderer = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    environment = jinja2.Environment(autoescape=True)
    template = environment.from_string(TEMPLATE)
    count = 0
    if every_record:
        record_template = environment.from_string(RECORD_TEMPLATE)
        for folder, fields in MARKDOWN_FIELDS.items():
            for path in sorted((root / "content" / folder).glob("*.md")):
                _, front, body = path.read_text("utf-8").split("---\n", 2)
                data = yaml.load(front, Loader=_Loader)  # noqa: S506 - CSafeLoader is safe
                texts = [Markup(renderer.reset().convert(text)) for text in (*_texts(data, fields), body)]
                target = output / folder / path.stem
                target.mkdir(parents=True, exist_ok=True)
                (target / "index.html").write_text(record_template.render(title=data["title"], texts=texts), "utf-8")
                count += 1
    for path in sorted((root / "content" / "incidents").glob("*.md")):
        _, front, body = path.read_text("utf-8").split("---\n", 2)
        data = yaml.load(front, Loader=_Loader)  # noqa: S506 - CSafeLoader is safe
        updates = [
            {**update, "html": Markup(renderer.reset().convert(update["body"]))}
            for update in data.get("updates", ())
        ]
        data.update(updates=updates, body=Markup(renderer.reset().convert(body)))
        html = template.render(data)
        target = output / "incidents" / path.stem
        target.mkdir(parents=True, exist_ok=True)
        (target / "index.html").write_text(html, "utf-8")
        count += 1
    return count


def _texts(data: dict[str, Any], fields: tuple[str, ...]) -> list[str]:
    texts = []
    for field in fields:
        outer, _, inner = field.partition(".")
        value = data.get(outer)
        if not inner:
            texts += [value] if isinstance(value, str) else []
        elif isinstance(value, list):
            texts += [item[inner] for item in value if isinstance(item, dict) and isinstance(item.get(inner), str)]
        elif isinstance(value, dict):
            texts += [text for text in value.get(inner) or () if isinstance(text, str)]
    return texts


if __name__ == "__main__":
    every = "--every-record" in sys.argv[3:]
    print(build(Path(sys.argv[1]), Path(sys.argv[2]), every), "records" if every else "incidents")
