"""`_headers` at the site root: statusgen.headers' rules in the format Netlify and Cloudflare
Pages read (a path pattern, then its indented `Name: value` lines).

The two hosts differ when several rules set one header for one path (Netlify keeps one value,
Cloudflare joins them with commas), so the rules are made so that never happens: the headers
of every response in one rule for the whole section; caching (and CORS) in one rule per
top-level entry of the section, which never overlap; CORS for data files inside folders of
pages (components/ID/feed.xml) by a placeholder pattern; each fingerprinted asset by its name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import headers, urls
from ..headers import FileKind, file_kind
from ..outputs import OutputFile
from ..settings import Settings

PLACEHOLDER = ":id"


@dataclass(frozen=True)
class Rule:
    """One block of `_headers`: a path pattern from the site root and its headers."""

    pattern: str
    headers: tuple[tuple[str, str], ...]


def render_host_headers(outputs: list[OutputFile], settings: Settings) -> list[OutputFile]:
    """`_headers` for the files of a build (the last stage: it sees every other output)."""
    policy = headers.site_host_policy(settings)
    rules = host_rules([output.path for output in outputs if not output.at_site_root], settings.prefix, policy)
    # Files at the site root beside the section (robots.txt) are data, served fresh.
    rules.extend(_kind_rule("/" + output.path, file_kind(output.path)) for output in outputs if output.at_site_root)
    return [OutputFile(urls.HOST_HEADERS, render_rules(rules).encode("utf-8"), at_site_root=True)]


def host_rules(paths: Iterable[str], prefix: str, policy: str | None) -> list[Rule]:
    """The rules for the section's files (`paths`, relative to the section at `prefix`)."""
    root = "/" + prefix
    kinds = [(path, file_kind(path)) for path in set(paths)]  # each path's kind once: a long history has 11,000
    entries: dict[str, set[FileKind]] = {}
    for path, kind in kinds:
        entries.setdefault(_top_entry(path), set()).add(kind)
    rules = [Rule(root + "*", tuple(headers.common_headers(policy).items())),
             _kind_rule(root, FileKind.PAGE)]  # the section's front page, asked for as its folder
    for entry, entry_kinds in sorted(entries.items()):
        if entry_kinds != {FileKind.ASSET}:
            pattern = root + entry + ("*" if entry.endswith("/") else "")
            rule = _kind_rule(pattern, FileKind.DATA if entry_kinds == {FileKind.DATA} else FileKind.PAGE)
            if entry in headers.CONTENT_TYPES:
                rule = Rule(rule.pattern, (*rule.headers, ("Content-Type", headers.CONTENT_TYPES[entry])))
            rules.append(rule)
    # Data inside a folder of pages (components/ID/feed.xml): CORS by a pattern, caching by the folder's rule.
    inner_data = sorted({_placeholder_pattern(path) for path, kind in kinds
                         if kind is FileKind.DATA and len(entries[_top_entry(path)]) > 1})
    rules.extend(Rule(root + pattern, (("Access-Control-Allow-Origin", headers.ANY_ORIGIN),)) for pattern in inner_data)
    rules.extend(_kind_rule(root + path, FileKind.ASSET) for path in sorted(path for path, kind in kinds if kind is FileKind.ASSET))
    return rules


def render_rules(rules: list[Rule]) -> str:
    """The text of `_headers`."""
    blocks = ["# How to serve this site (Netlify, Cloudflare Pages). Written by statusgen."]
    for rule in rules:
        blocks.append("\n".join([rule.pattern, *(f"  {name}: {value}" for name, value in rule.headers)]))
    return "\n\n".join(blocks) + "\n"


def _kind_rule(pattern: str, kind: FileKind) -> Rule:
    return Rule(pattern, tuple(headers.kind_headers(kind).items()))


def _top_entry(path: str) -> str:
    """The top-level entry of the section a path is in: "incidents/" or "feed.xml"."""
    head, slash, _ = path.partition("/")
    return head + slash


def _placeholder_pattern(path: str) -> str:
    """components/x/feed.xml -> components/:id/feed.xml: one rule for every record's file."""
    first, *middle, last = path.split("/")
    names = [PLACEHOLDER] if len(middle) == 1 else [f"{PLACEHOLDER}{n}" for n in range(1, len(middle) + 1)]
    return "/".join([first, *names, last])
