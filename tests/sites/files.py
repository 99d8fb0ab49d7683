"""A site on disk: record files, mkdocs.yml, and a small valid site to break one file of.

`write_site` writes the valid site (every record kind once) with some files changed, added,
deleted or replaced by a folder; the error-message, fuzz and CLI tests break it one file at a
time. `record_text` is how a record file is written from its front matter, `write_config`
how a site's mkdocs.yml is.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from statusgen.yaml12 import IMPLICIT_RESOLVERS

DIRECTORY = object()
"""Put a folder where a file should be."""
DELETE = None
"""Remove the file from the site."""

FileContent = str | bytes | object | None

COMPONENTS = """\
groups:
  - id: hub
    name: Hub
components:
  - id: api
    name: API
    group: hub
  - id: web
    name: Website
    group: hub
"""

PLANS = """\
currency: USD
plans:
  - id: free
    name: Free
    price: 0
    period: month
  - id: team
    name: Team
    price: 9
    period: month
    per: user
"""

INCIDENT = """\
---
title: API errors
impact: major
components:
  api: partial_outage
started: 2021-10-01T10:00:00Z
resolved: 2021-10-01T12:00:00Z
updates:
  - at: 2021-10-01T10:30:00Z
    status: investigating
    body: We are looking into it.
  - at: 2021-10-01T12:00:00Z
    status: resolved
    body: Fixed.
---
The API returned errors.
"""

MAINTENANCE = """\
---
title: Database upgrade
components: [api, web]
scheduled_start: 2021-10-10T02:00:00Z
scheduled_end: 2021-10-10T04:00:00Z
---
Short downtime.
"""

POSTMORTEM = """\
---
title: "Post-mortem: API errors"
incident: api-errors
published: 2021-10-05
summary: A bad deploy.
impact: Some requests failed.
root_cause: A configuration change.
timeline:
  - at: 2021-10-01T10:00:00Z
    event: Errors start.
  - at: 2021-10-01T12:00:00Z
    event: Errors stop.
action_items:
  - title: Check configuration in CI
    type: prevent
    status: planned
    link: https://tracker.example/1
---
What happened.
"""

ANNOUNCEMENT = """\
---
title: Team price change
kind: pricing
published: 2021-09-20
effective: 2021-11-01
plans: [team]
pricing:
  - plan: team
    from: 7
    to: 9
    existing_customers: next_renewal
---
Prices change.
"""

BASE: dict[str, str] = {
    "content/components.yml": COMPONENTS,
    "content/plans.yml": PLANS,
    "content/incidents/api-errors.md": INCIDENT,
    "content/maintenance/db-upgrade.md": MAINTENANCE,
    "content/postmortems/api-errors-review.md": POSTMORTEM,
    "content/announcements/team-price.md": ANNOUNCEMENT,
}
"""Every file of the valid site, relative to the folder that holds content/."""


def write_site(root: Path, changes: Mapping[str, FileContent] | None = None) -> Path:
    """Write the valid site under root with `changes` applied; returns root/content."""
    files: dict[str, FileContent] = {**BASE, **(changes or {})}
    for relative, content in files.items():
        path = root / relative
        if content is DELETE:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is DIRECTORY:
            path.mkdir(exist_ok=True)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(str(content), encoding="utf-8")
    return root / "content"


def replace(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced once; fails loudly when `old` is not there (a stale case)."""
    assert old in text, f"{old!r} not in the base record"
    return text.replace(old, new, 1)


class RecordDumper(yaml.SafeDumper):
    """PyYAML's writer, quoting any text that YAML 1.2 (the loader's reading: `0E0`, `0o7`) or
    YAML 1.1 (other tools': `yes`, `1:20`) would read as something else."""

    yaml_implicit_resolvers = {
        first: IMPLICIT_RESOLVERS.get(first, []) + yaml.SafeDumper.yaml_implicit_resolvers.get(first, [])
        for first in {*IMPLICIT_RESOLVERS, *yaml.SafeDumper.yaml_implicit_resolvers}
    }


def record_text(front_matter: Mapping[str, Any], body: str) -> str:
    """A record file: the front matter as YAML between `---` lines, then the Markdown body."""
    return "---\n" + yaml.dump(dict(front_matter), Dumper=RecordDumper, allow_unicode=True, sort_keys=False) + "---\n" + body


CONFIG: dict[str, Any] = {
    "site_name": "Status",
    "site_url": "https://status.example.com/",
    "docs_dir": "content",
    "theme": {"name": "statusgen"},
    "plugins": ["statusgen"],
}
"""mkdocs.yml of a statusgen site whose records are in content/."""


def write_config(root: Path, **settings: Any) -> Path:
    """Write root/mkdocs.yml: CONFIG with `settings` changed (None leaves a key out); returns its path."""
    values = {key: value for key, value in {**CONFIG, **settings}.items() if value is not None}
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(values, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
