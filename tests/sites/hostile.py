"""A site whose every string holds injection payloads, on disk, for the injection tests.

Every string a record can hold gets the text payloads, every Markdown field the Markdown and
HTML payloads too, and the site's name and description the text payloads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .files import RecordDumper, record_text, write_config, write_site

TEXT = (
    "<script>alert('xss')</script> \"><img src=x onerror=alert('xss')> '><svg onload=alert('xss')> "
    "]]></title><script>alert('xss')</script> </textarea><iframe src=javascript:alert('xss')> "
    "javascript:alert('xss') {{ 7*7 }} {% raw %} &amp; &lt;b&gt; \u202e\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected\n"
)
"""For titles, names and every plain string."""
MARKDOWN = TEXT + """

[click](javascript:alert('xss')) [click2](JaVaScRiPt:alert('xss')) [click3](  java\tscript:alert('xss'))
![img](javascript:alert('xss')) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[vb](vbscript:msgbox("xss")) <javascript:alert('xss')> [ref][r] [t](https://ok.example/ "a\\" onmouseover=\\"alert('xss')")

[r]: javascript:alert('xss')

<a href="jav&#x09;ascript:alert('xss')">tab</a> <a href="&#106;avascript:alert('xss')">entity</a>
<img src=x onerror="alert('xss')"> <img src="https://evil.example/track.png"> <img src="//evil.example/t.png">
<svg><script>alert('xss')</script></svg> <svg onload="alert('xss')"></svg>
<iframe src="https://evil.example/xss"></iframe> <object data="https://evil.example/xss"></object>
<embed src="https://evil.example/xss">
<form action="https://evil.example/xss"><input name=q><button formaction="javascript:alert('xss')">go</button></form>
<style>body{background:url("javascript:alert('xss')")}</style>
<meta http-equiv="refresh" content="0;url=https://evil.example/xss">
<div style="background:url(javascript:alert('xss'))" onclick="alert('xss')">div</div>
<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')></style></mglyph></table></mtext></math>
<a href="https://ok.example/" onmouseover="alert('xss')">ok</a>
<details open ontoggle="alert('xss')"><summary>s</summary></details>
<base href="https://evil.example/"> <link rel="stylesheet" href="https://evil.example/xss.css">
<!--<script>alert('xss')</script>--> <![CDATA[<script>alert('xss')</script>]]>
<noscript><p title="</noscript><img src=x onerror=alert('xss')>"></noscript>

```html
<script>alert('xss')</script>
```
"""
"""For every Markdown field: the text payloads, then Markdown and raw HTML ones."""
LINK = "https://tracker.example/?q=\"><script>alert('xss')</script>&x='onmouseover='alert(1)"


def record(front_matter: dict[str, Any], body: str = MARKDOWN) -> str:
    return record_text(front_matter, body)


def write_hostile_site(root: Path) -> Path:
    """Every field of every record kind, and the site's name, full of payloads; returns root."""
    components = {
        "groups": [{"id": "hub", "name": TEXT, "description": TEXT}],
        "components": [{"id": "api", "name": TEXT, "group": "hub", "description": TEXT},
                       {"id": "web", "name": "Web " + TEXT}],
    }
    plans = {"currency": "USD", "plans": [
        {"id": "free", "name": TEXT, "price": 0, "period": "month", "description": TEXT, "features": [TEXT, MARKDOWN]},
        {"id": "team", "name": TEXT, "price": 9, "period": "month", "per": "user", "features": [TEXT]},
    ]}
    update = {"status": "investigating", "body": MARKDOWN}
    files = {
        "content/components.yml": yaml.dump(components, Dumper=RecordDumper, allow_unicode=True),
        "content/plans.yml": yaml.dump(plans, Dumper=RecordDumper, allow_unicode=True),
        "content/incidents/api-errors.md": record({
            "title": TEXT, "impact": "major", "components": {"api": "partial_outage"},
            "started": "2021-10-01T10:00:00Z", "resolved": "2021-10-01T12:00:00Z",
            "updates": [{"at": "2021-10-01T10:30:00Z", **update, "components": {"api": "major_outage"}},
                        {"at": "2021-10-01T12:00:00Z", "status": "resolved", "body": MARKDOWN}]}),
        "content/incidents/still-open.md": record({
            "title": TEXT, "impact": "critical", "components": ["api", "web"], "started": "2021-10-04T10:00:00Z",
            "updates": [{"at": "2021-10-04T10:30:00Z", **update}]}),
        "content/maintenance/db-upgrade.md": record({
            "title": TEXT, "components": ["api"], "scheduled_start": "2021-10-04T17:00:00Z",
            "scheduled_end": "2021-10-04T19:00:00Z", "updates": [{"at": "2021-10-04T17:00:00Z",
                                                                  "status": "in_progress", "body": MARKDOWN}]}),
        "content/maintenance/later.md": record({
            "title": TEXT, "components": ["web"], "scheduled_start": "2021-10-10T02:00:00Z",
            "scheduled_end": "2021-10-10T04:00:00Z"}),
        "content/postmortems/api-errors-review.md": record({
            "title": TEXT, "incident": "api-errors", "published": "2021-10-05", "authors": [TEXT],
            "summary": MARKDOWN, "impact": MARKDOWN, "trigger": MARKDOWN, "root_cause": MARKDOWN,
            "detection": MARKDOWN, "resolution": MARKDOWN, "third_parties": [TEXT],
            "timeline": [{"at": "2021-10-01T10:00:00Z", "event": MARKDOWN}],
            "action_items": [{"title": TEXT, "type": "prevent", "status": "planned", "owner": TEXT, "link": LINK}],
            "lessons": {"went_well": [MARKDOWN], "went_wrong": [MARKDOWN], "got_lucky": [MARKDOWN]}}),
        "content/announcements/team-price.md": record({
            "title": TEXT, "kind": "pricing", "published": "2021-09-20", "effective": "2021-11-01",
            "plans": ["team"], "pricing": [{"plan": "team", "from": 7, "to": 9, "existing_customers": "next_renewal"}]}),
        "content/announcements/retention.md": record({
            "title": TEXT, "kind": "retention", "published": "2021-09-21", "plans": ["free"],
            "retention": {"subject": TEXT, "inactive_after": "P6M", "action": "delete"}}),
    }
    write_site(root, files)
    write_config(root, site_name=TEXT, site_description=TEXT)
    return root
