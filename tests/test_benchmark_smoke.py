"""A small run of the benchmark: the synthetic site builds, and every page and feed is there.

No time is asserted (timings belong to `make benchmark`); this keeps the generator valid and
the build of a long history complete.
"""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.pipeline import RENDER_STAGES

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import NOW, generate, stamp  # noqa: E402
from stages import HISTORY_ROWS, stage_times  # noqa: E402

COUNT = 200


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def _links(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text("utf-8"))
    return parser.hrefs


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = generate(COUNT, tmp_path_factory.mktemp("bench"))
    site = root / "site"
    result = CliRunner().invoke(main, ["build", "-q", "-f", str(root / "mkdocs.yml"), "--now", stamp(NOW), "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    return root, site


def _ids(root: Path, folder: str) -> set[str]:
    return {path.stem for path in (root / "content" / folder).glob("*.md")}


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first, second = generate(30, tmp_path / "a"), generate(30, tmp_path / "b")
    files = sorted(path.relative_to(first) for path in first.rglob("*") if path.is_file())
    assert len(files) > 30
    assert all((first / name).read_bytes() == (second / name).read_bytes() for name in files)


def test_every_record_has_its_page(built: tuple[Path, Path]) -> None:
    root, site = built
    incidents = _ids(root, "incidents")
    assert len(incidents) == COUNT
    for folder in ("incidents", "postmortems", "maintenance", "announcements"):
        ids = _ids(root, folder)
        assert ids, folder
        missing = [record_id for record_id in ids if not (site / folder / record_id / "index.html").is_file()]
        assert missing == [], folder


def test_history_pages_cover_every_incident(built: tuple[Path, Path]) -> None:
    root, site = built
    listed: list[str] = []
    pages = [site / "incidents" / "index.html", *sorted((site / "incidents" / "page").glob("*/index.html"))]
    assert len(pages) > 1  # 200 incidents need several pages
    for page in pages:
        listed += [href.rstrip("/").split("/")[-1] for href in _links(page) if _is_incident_link(href)]
    assert sorted(set(listed)) == sorted(_ids(root, "incidents"))


def _is_incident_link(href: str) -> bool:
    # From incidents/ a record is "x/"; from incidents/page/N/ it is "../../x/"; from
    # components/c/ it is "../../incidents/x/".
    parts = [part for part in href.split("/") if part not in ("", "..")]
    if parts[:1] == ["incidents"]:
        parts = parts[1:]
    return len(parts) == 1 and parts[0].startswith(("19", "20")) and "-incident-" in parts[0]


def test_feeds_and_api_parse(built: tuple[Path, Path]) -> None:
    _, site = built
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert len(feed.entries) == 50  # capped at feed_items
    assert len(json.loads((site / "feed.json").read_text("utf-8"))["items"]) == 50
    api = sorted((site / "api").rglob("*.json"))
    assert len(api) >= 9
    for path in api:
        json.loads(path.read_text("utf-8"))
    incidents = json.loads((site / "api" / "v2" / "incidents.json").read_text("utf-8"))["incidents"]
    assert len(incidents) == 50
    unresolved = json.loads((site / "api" / "v2" / "incidents" / "unresolved.json").read_text("utf-8"))
    assert len(unresolved["incidents"]) == 1  # the generator leaves the newest incident open


def test_the_stage_timer_runs_every_stage(built: tuple[Path, Path]) -> None:
    root, site = built
    rows = {name: files for name, _, files, _ in stage_times(root)}
    assert list(rows) == ["load_records", "record_memo.fingerprint", "derive_state", "notify: as_of + plan",
                          *(stage.__name__ for stage in RENDER_STAGES), "render_sitemap", "robots.txt, _headers",
                          *HISTORY_ROWS]
    published = sum(1 for path in site.rglob("*") if path.is_file())
    stages = sum(files for name, files in rows.items() if name not in HISTORY_ROWS)
    assert rows["render_pages"] > COUNT and stages <= published
    assert rows["build_outputs"] == stages and rows["history: pages"] == 2  # /uptime/ and /sla/


def test_component_pages_list_only_recent_incidents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # However long the history, a component's page stays small: the newest incidents, then
    # a count of the earlier ones and a link to the paginated history.
    from statusgen.derive import derive_state
    from statusgen.loader import load_records
    from statusgen.publish import record_pages
    from statusgen.publish.pages import render_pages
    from statusgen.settings import Settings

    monkeypatch.setattr(record_pages, "COMPONENT_INCIDENTS", 5)
    root = generate(60, tmp_path)
    records = load_records(root / "content")
    settings = Settings(content_dir=root / "content", site_name="Bench", site_url="https://status.example.com/")
    state = derive_state(records, settings, NOW)
    pages = {output.path: output.content.decode("utf-8") for output in render_pages(state.public, state, settings)}
    for component_id, incidents in state.incidents_by_component.items():
        page = tmp_path / "page.html"
        page.write_text(pages[f"components/{component_id}/index.html"], "utf-8")
        listed = [href for href in _links(page) if _is_incident_link(href)]
        assert [href.rstrip("/").split("/")[-1] for href in listed] == [incident.id for incident in incidents[:5]]
        earlier = len(incidents) - 5
        assert (f"{earlier} earlier incident" in page.read_text("utf-8")) == (earlier > 0)


@pytest.mark.slow
def test_the_cache_benchmark_runs_its_edits_and_prints_every_figure(tmp_path: Path) -> None:
    """benchmarks/cache.py at a small N: every build succeeds (its edits make valid records),
    and it prints each row and the targets. No figure is asserted."""
    import subprocess

    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "cache.py"), "60", "--repeat", "1", "--no-serve"],
                            capture_output=True, text=True, timeout=600, env={**__import__("os").environ, "TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    for row in ("floor (minimal.py)", "no cache", "cold (empty cache)", "warm (no change)", "after: open an incident",
                "after: post an update", "after: fix an old title", "cache size:", "targets:", "each round: cold / floor"):
        assert row in result.stdout, row


def test_the_rebuild_timeline_times_every_stage_and_child(tmp_path: Path) -> None:
    """benchmarks/rebuild.py at a small N (enough for the build to fork its children): it
    finds every stage it times wherever the build calls it from, and prints each one."""
    import subprocess

    sys.path.insert(0, str(REPO / "benchmarks"))
    from rebuild import STAGES

    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "rebuild.py"), "450"],
                            capture_output=True, text=True, timeout=600, env={**__import__("os").environ, "TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    timed: dict[str, float] = {}  # label -> its longest time (the records are asked for twice: the second finds them)
    for line in result.stdout.splitlines()[1:]:
        if line[:7].strip().replace(".", "").isdigit():
            label = line[17:].strip()
            timed[label] = max(timed.get(label, 0.0), float(line[8:15]))
    for _, _, label in STAGES:
        assert label in timed, label
    assert timed["the records"] > 0 and timed["MkDocs' build"] > timed["on_files: every output"] > timed["the pages"] > 0
    children = result.stdout.split("children, on the second core:")[1].split("waits for")[0]
    for child in ("_seen_for_build", "_work_ahead", "_public_figures", "render_live"):
        assert child in children, child
