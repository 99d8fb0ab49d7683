"""The floor statusgen is measured against: the least a Python pipeline must do per incident.

Read each incident file, parse its front matter with PyYAML's libyaml loader, render its body
and its updates' bodies with one reused Python-Markdown instance, fill one compiled jinja2
template, write one file. No validation, no derived state, no feeds, no API.

    python benchmarks/minimal.py SITE_ROOT OUTPUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

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


def build(root: Path, output: Path) -> int:
    """Render every incident of the site at root into output; returns how many."""
    renderer = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    count = 0
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


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2])), "incidents")
