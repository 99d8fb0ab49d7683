"""Synthetic status sites for the benchmark: N incidents over five years, deterministic.

A dozen components in groups; each incident has two to five updates (some changing component
statuses), Markdown bodies of realistic length with lists, links and emphasis; one incident
in ten has a post-mortem; there is some maintenance, a few announcements and a plan catalogue.
The same (N, seed) always writes the same files.

    python benchmarks/generate.py 1000 /dev/shm/site-1000
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
"""The moment the synthetic sites are built as of: the history spans the five years before."""
YEARS = 5
GROUPS = {"registry": "Registry", "web": "Website and API", "builds": "Builds", "accounts": "Accounts"}
COMPONENTS = [
    ("registry-us-east", "registry"), ("registry-eu-west", "registry"), ("registry-ap-south", "registry"),
    ("registry-cdn", "registry"), ("hub-web", "web"), ("hub-api", "web"), ("search", "web"),
    ("build-queue", "builds"), ("build-workers", "builds"), ("auth", "accounts"),
    ("billing", "accounts"), ("notifications", None),
]
STATUS_BY_IMPACT = {"minor": "degraded_performance", "major": "partial_outage", "critical": "major_outage"}
PROGRESS = ["investigating", "identified", "monitoring"]
WORDS = (
    "requests pulls pushes errors latency region traffic cache origin storage nodes queue workers "
    "database replicas certificate tokens clients retries timeouts network provider rollout config "
    "deployment capacity throughput users builds images layers manifests index search sessions"
).split()
VERBS = "failing slowed recovered increased dropped returned spiked stalled degraded".split()


def sentence(rng: random.Random) -> str:
    """One plain sentence of ten to twenty words, now and then with emphasis or a link."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    words.insert(rng.randint(1, len(words) - 1), rng.choice(VERBS))
    roll = rng.random()
    if roll < 0.15:
        index = rng.randrange(len(words))
        words[index] = f"**{words[index]}**"
    elif roll < 0.25:
        index = rng.randrange(len(words))
        words[index] = f"*{words[index]}*"
    elif roll < 0.32:
        index = rng.randrange(len(words))
        words[index] = f"[{words[index]}](https://docs.example.com/{words[index]}/)"
    return " ".join(words).capitalize() + "."


def title(rng: random.Random) -> str:
    """A plain title of four to eight words."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize() + " " + rng.choice(VERBS)


def markdown(rng: random.Random, paragraphs: int) -> str:
    """A few paragraphs of Markdown, one in four followed by a bulleted list."""
    blocks = []
    for _ in range(paragraphs):
        blocks.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 4))))
        if rng.random() < 0.25:
            blocks.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(2, 4))))
    return "\n\n".join(blocks)


def block(text: str, indent: int) -> str:
    """A YAML literal block scalar of `text`, indented."""
    pad = " " * indent
    return "|-\n" + "\n".join(pad + line if line else "" for line in text.split("\n"))


def stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def write_catalogues(content: Path) -> None:
    lines = ["groups:"] + [f"  - id: {gid}\n    name: {name}" for gid, name in GROUPS.items()]
    lines.append("components:")
    for component_id, group in COMPONENTS:
        lines.append(f"  - id: {component_id}\n    name: {component_id.replace('-', ' ').title()}")
        if group:
            lines.append(f"    group: {group}")
        lines.append(f"    description: The {component_id.replace('-', ' ')} service")
        lines.append("    since: 2019-01-01")
    (content / "components.yml").write_text("\n".join(lines) + "\n")
    (content / "plans.yml").write_text(
        "currency: USD\nplans:\n"
        "  - id: free\n    name: Free\n    price: 0\n    period: month\n"
        "  - id: pro\n    name: Pro\n    price: 5\n    period: month\n"
        "    sla: {target: 99.5, credits: [{below: 99.5, credit: 10}]}\n"
        "  - id: team\n    name: Team\n    price: 9\n    period: month\n    per: user\n"
        f"    sla: {{target: 99.9, components: [{', '.join(c for c, _ in COMPONENTS[:4])}],"
        " credits: [{below: 99.9, credit: 10}, {below: 99.0, credit: 25}]}\n"
    )


def incident_text(rng: random.Random, started: datetime, is_open: bool) -> tuple[str, datetime | None]:
    """The file of one incident, and when it was resolved (None while open)."""
    impact = rng.choice(["minor", "minor", "major", "major", "critical", "none"])
    affected = rng.sample([component_id for component_id, _ in COMPONENTS], rng.randint(1, 3))
    status = STATUS_BY_IMPACT.get(impact, "degraded_performance")
    count = rng.randint(2, 5)
    times = [started + timedelta(minutes=rng.randint(3, 20))]
    for _ in range(count - 1):
        times.append(times[-1] + timedelta(minutes=rng.randint(10, 180)))
    resolved = None if is_open else times[-1]
    lines = [
        "---",
        f"title: {json.dumps(title(rng))}",
        f"impact: {impact}",
        "components:",
        *(f"  {component_id}: {status}" for component_id in affected),
        f"started: {stamp(started)}",
    ]
    if resolved is not None:
        lines.append(f"resolved: {stamp(resolved)}")
    lines.append("updates:")
    for index, moment in enumerate(times):
        last = index == count - 1
        state = "resolved" if last and not is_open else PROGRESS[min(index, 2)]
        lines += [f"  - at: {stamp(moment)}", f"    status: {state}",
                  f"    body: {block(markdown(rng, rng.randint(1, 2)), 6)}"]
        if not last and index > 0 and rng.random() < 0.3:
            lines += ["    components:", f"      {affected[0]}: {rng.choice(list(STATUS_BY_IMPACT.values()))}"]
    lines += ["---", markdown(rng, rng.randint(1, 3)), ""]
    return "\n".join(lines), resolved


def postmortem_text(rng: random.Random, incident_id: str, started: datetime, resolved: datetime) -> str:
    timeline = [started + (resolved - started) * step / 4 for step in range(5)]
    lines = [
        "---",
        f"title: {json.dumps('Post-mortem: ' + incident_id)}",
        f"incident: {incident_id}",
        f"published: {(resolved + timedelta(days=rng.randint(3, 20))).date()}",
        "authors: [Site Reliability Team]",
        f"summary: {block(markdown(rng, 1), 2)}",
        f"impact: {block(markdown(rng, 1), 2)}",
        f"trigger: {json.dumps(sentence(rng))}",
        f"root_cause: {block(markdown(rng, 2), 2)}",
        f"detection: {json.dumps(sentence(rng))}",
        f"resolution: {block(markdown(rng, 1), 2)}",
        "third_parties: [CDN provider]",
        "timeline:",
        *(f"  - at: {stamp(moment)}\n    event: {json.dumps(sentence(rng))}" for moment in timeline),
        "action_items:",
        *(f"  - title: {json.dumps(title(rng))}\n    type: {kind}\n    status: planned"
          for kind in ("detect", "prevent", "mitigate")),
        "lessons:",
        f"  went_well: [{json.dumps(sentence(rng))}]",
        f"  went_wrong: [{json.dumps(sentence(rng))}]",
        "---",
        markdown(rng, rng.randint(4, 8)),
        "",
    ]
    return "\n".join(lines)


def maintenance_text(rng: random.Random, start: datetime) -> str:
    components = rng.sample([component_id for component_id, _ in COMPONENTS], rng.randint(1, 2))
    announced = start - timedelta(days=rng.randint(2, 10))
    return "\n".join([
        "---",
        f"title: {json.dumps('Maintenance: ' + title(rng))}",
        f"components: [{', '.join(components)}]",
        f"scheduled_start: {stamp(start)}",
        f"scheduled_end: {stamp(start + timedelta(hours=rng.randint(1, 4)))}",
        "updates:",
        f"  - at: {stamp(announced)}\n    status: scheduled\n    body: {block(markdown(rng, 1), 6)}",
        "---",
        markdown(rng, 2),
        "",
    ])


def write_announcements(content: Path, rng: random.Random) -> None:
    folder = content / "announcements"
    folder.mkdir()
    start = (NOW - timedelta(days=365 * YEARS)).date()
    for index, kind in enumerate(["notice", "policy", "deprecation", "retention", "pricing"]):
        published = start + timedelta(days=365 * (index + 1) - 30)
        extra = ""
        if kind == "retention":
            extra = "plans: [free]\nretention:\n  subject: inactive images\n  inactive_after: P6M\n  action: delete\n"
        elif kind == "pricing":
            extra = "plans: [team]\npricing:\n  - plan: team\n    from: 7\n    to: 9\n    existing_customers: next_renewal\n"
        text = (f"---\ntitle: {json.dumps(title(rng))}\nkind: {kind}\npublished: {published}\n"
                f"effective: {published + timedelta(days=45)}\n{extra}---\n{markdown(rng, 3)}\n")
        (folder / f"{published}-{kind}.md").write_text(text)


def generate(count: int, root: Path, seed: int = 8, prefix: str = "", theme: str = "statusgen") -> Path:
    """Write mkdocs.yml and content/ of a site with `count` incidents into root; returns root.

    With theme other than statusgen the records live outside docs_dir and the status
    section is mounted under `prefix` (the "status section in another site" mode)."""
    rng = random.Random(f"{seed}-{count}")
    content = root / "content"
    for folder in ("incidents", "postmortems", "maintenance"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    write_catalogues(content)
    write_announcements(content, rng)
    span = timedelta(days=365 * YEARS).total_seconds()
    first = NOW - timedelta(days=365 * YEARS)
    starts = sorted(first + timedelta(seconds=rng.uniform(0, span - 86_400)) for _ in range(count))
    for index, started in enumerate(starts):
        started = started.replace(microsecond=0)
        incident_id = f"{started:%Y-%m-%d}-incident-{index:05d}"
        text, resolved = incident_text(rng, started, is_open=index == count - 1)
        (content / "incidents" / f"{incident_id}.md").write_text(text)
        if resolved is not None and index % 10 == 3 and resolved + timedelta(days=20) < NOW:
            (content / "postmortems" / f"pm-{incident_id}.md").write_text(postmortem_text(rng, incident_id, started, resolved))
    for index in range(max(count // 50, 4)):
        start = first + timedelta(days=rng.uniform(30, 365 * YEARS + 20))
        (content / "maintenance" / f"maintenance-{index:04d}.md").write_text(maintenance_text(rng, start.replace(minute=0, second=0, microsecond=0)))
    write_config(root, prefix, theme)
    return root


def add_languages(root: Path, languages: tuple[str, ...], every: int = 5) -> Path:
    """Publish the site at root in `languages` (the first the records' own) and translate, into
    each other one, the component catalogue and one incident in `every` (title, summary and
    every update, matched by `at`); the rest of each language's pages show the original text."""
    import yaml

    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + f"      languages: [{', '.join(languages)}]\n")
    content = root / "content"
    incidents = sorted((content / "incidents").glob("*.md"))[::every]
    for language in languages[1:]:
        lines = ["components:"] + [f"  - id: {component_id}\n    name: {component_id.replace('-', ' ').title()} ({language})"
                                   for component_id, _ in COMPONENTS]
        (content / f"components.{language}.yml").write_text("\n".join(lines) + "\n")
        for path in incidents:
            _, front, body = path.read_text().split("---\n", 2)
            record = yaml.load(front, Loader=yaml.CSafeLoader)
            updates = [f"  - at: {stamp(update['at'])}\n    body: {block(f'({language}) ' + update['body'], 6)}"
                       for update in record["updates"]]
            text = ["---", f"title: {json.dumps(f'({language}) ' + record['title'])}", "updates:", *updates, "---",
                    f"({language}) {body}"]
            (path.parent / f"{path.stem}.{language}.md").write_text("\n".join(text))
    return root


def write_config(root: Path, prefix: str, theme: str) -> None:
    docs = "content" if theme == "statusgen" else "docs"
    if docs == "docs":
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs" / "index.md").write_text("# Product documentation\n\nThe status section is under [status](status/).\n")
    (root / "mkdocs.yml").write_text(
        f"site_name: Benchmark Status\nsite_url: https://status.example.com/\ndocs_dir: {docs}\n"
        f"theme:\n  name: {theme}\nplugins:\n  - statusgen:\n      content_dir: content\n"
        f"      prefix: {json.dumps(prefix)}\n      uptime_days: 90\n      feed_items: 50\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="Number of incidents.")
    parser.add_argument("root", type=Path, help="Folder to write mkdocs.yml and content/ into (must not exist).")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--prefix", default="", help="Mount the status section under this path.")
    parser.add_argument("--theme", default="statusgen", help="statusgen, or e.g. mkdocs for the foreign-theme mode.")
    args = parser.parse_args()
    generate(args.count, args.root, args.seed, args.prefix, args.theme)
    print(args.root)


if __name__ == "__main__":
    main()
