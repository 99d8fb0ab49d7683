"""The site commands through Click's runner, and the plugin through a real `mkdocs build`."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import feedparser
import pytest
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.cli.site import _BUILD_YOUNGEST_THRESHOLD, collecting_rarely_while_building

from conftest import EXAMPLE_NOW, REPO
from golden_compare import compare_trees, files_under


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the example site, safe to break."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def command_tree(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command under `command`, groups and their subcommands included, with the words
    that invoke it."""
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)  # as Click lists them: the top level loads its commands lazily
        for name in command.list_commands(context):
            subcommand = command.get_command(context, name)
            assert subcommand is not None and subcommand.name == name, name
            yield from command_tree(subcommand, (*path, name))


def test_every_command_and_subcommand_has_help_and_is_documented() -> None:
    guide = (REPO / "docs" / "user-guide.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tree = dict(command_tree(main))
    # The walk reaches into the groups (a walk of the top level alone would pass what follows).
    assert {("new", kind) for kind in ("incident", "maintenance", "postmortem", "announcement")} <= set(tree)
    assert {("import",), ("import", "statuspage"), ("build",), ("update",), ("resolve",)} <= set(tree)
    for path, command in tree.items():
        words = " ".join(("statusgen", *path))
        assert command.help and command.help.strip(), f"{words} has no help text"
        result = CliRunner().invoke(main, [*path, "--help"], prog_name="statusgen")
        assert result.exit_code == 0 and result.output.startswith(f"Usage: {words} "), (words, result.output)
        assert result.output.split("\n\n")[1].strip(), f"{words} --help shows no description"
        if path:
            assert words in guide, f"{words} is not in docs/user-guide.md"
        if len(path) == 1:
            assert words in readme, f"{words} is not in README.md"


def test_build_imports_only_what_it_runs() -> None:
    # The commands load lazily: a build (and so every rebuild a hook or CI runs) does not pay
    # for importing the authoring commands, the importer or notify's channel library.
    script = ("import sys\nfrom statusgen.cli import main\ntry:\n    main(['build', '--help'])\n"
              "except SystemExit:\n    pass\nprint(sorted(name for name in sys.modules if name.split('.')[0] == 'apprise'"
              " or name.startswith(('statusgen.authoring', 'statusgen.cli.importer', 'statusgen.notify'))))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
    assert "Usage: " in result.stdout


@pytest.mark.parametrize("command", ["build", "serve"])
def test_only_serve_loads_the_publishers_libraries_up_front(command: str) -> None:
    # A build writes the feeds and metrics in a child, which alone imports feedgen and
    # prometheus_client; `serve` forks such a child at every rebuild, so it loads them once.
    script = ("import sys\nfrom statusgen.plugin import StatusgenPlugin\n"
              f"StatusgenPlugin().on_startup(command={command!r}, dirty=False)\n"
              "print(sorted(name for name in ('feedgen.feed', 'prometheus_client') if name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = ["feedgen.feed", "prometheus_client"] if command == "serve" else []
    assert result.stdout.strip().splitlines()[-1] == str(loaded), result.stdout


def test_validate_summarises_what_it_read(example: Path) -> None:
    result = run("validate", "-f", str(example / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    incidents = len(list((example / "content" / "incidents").glob("*.md")))
    assert result.output.startswith("OK: ") and f"{incidents} incidents" in result.output


def test_build_publishes_every_page_kind(example: Path) -> None:
    site = example / "site"
    result = run("build", "-q", "-f", str(example / "mkdocs.yml"), "--now", EXAMPLE_NOW, "--site-dir", str(site))
    assert result.exit_code == 0, result.output
    published = files_under(site)
    for path in ("index.html", "incidents/index.html", "postmortems/index.html", "announcements/index.html",
                 "pricing/index.html", "404.html", "feed.xml", "atom.xml", "feed.json", "sitemap.xml",
                 "api/v2/summary.json", "api/uptime.json", "maintenance.ics", "badge.svg"):
        assert path in published, path
    for folder, kind in (("incidents", "incidents"), ("maintenance", "maintenance"),
                         ("postmortems", "postmortems"), ("announcements", "announcements")):
        for record in (example / "content" / folder).glob("*.md"):
            assert f"{kind}/{record.stem}/index.html" in published
    assert not any(name.startswith(("incidents/", "postmortems/")) and name.endswith(".md") for name in published)
    assert "components.yml" not in published and "plans.yml" not in published
    for feed in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((site / feed).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries


def test_build_reads_the_history_once_and_builds_what_it_validated(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `statusgen build` validates the records, then MkDocs builds them: the plugin is handed
    # the validated records (record_memo.held) instead of looking at every file again, so a
    # record saved while MkDocs runs is not half in the site.
    from statusgen import record_memo
    from statusgen.cli import site as site_command

    record = example / "content" / "incidents" / "2020-07-05-amazon-linux-pulls.md"
    validated = site_command.validated_records

    def then_edited(*args: object, **options: object) -> object:
        records = validated(*args, **options)  # type: ignore[arg-type]
        record.write_text(record.read_text(encoding="utf-8").replace("title:", "title: Edited afterwards", 1), encoding="utf-8")
        return records

    fingerprints: list[Path] = []
    fingerprint = record_memo.fingerprint
    monkeypatch.setattr(site_command, "validated_records", then_edited)
    monkeypatch.setattr(record_memo, "fingerprint", lambda folder, *rest: fingerprints.append(folder) or fingerprint(folder, *rest))
    monkeypatch.setattr(record_memo, "_last", None)
    site = example / "site"
    result = run("build", "-q", "-f", str(example / "mkdocs.yml"), "--now", EXAMPLE_NOW, "--site-dir", str(site))
    assert result.exit_code == 0, result.output
    assert len(fingerprints) == 1, "the history is looked at once"
    page = (site / "incidents" / record.stem / "index.html").read_text(encoding="utf-8")
    assert "Edited afterwards" not in page and record_memo._held is None


def test_broken_record_names_file_and_line_and_keeps_the_site(example: Path) -> None:
    site = example / "site"
    assert run("build", "-q", "-f", str(example / "mkdocs.yml"), "--now", EXAMPLE_NOW, "--site-dir", str(site)).exit_code == 0
    before = {name: (site / name).read_bytes() for name in files_under(site)}
    incident = sorted((example / "content" / "incidents").glob("*.md"))[0]
    text = incident.read_text()
    incident.write_text(text.replace("impact:", "impcat:", 1))
    for command in (["validate"], ["build", "--now", EXAMPLE_NOW, "--site-dir", str(site)]):
        result = run(*command, "-f", str(example / "mkdocs.yml"))
        assert result.exit_code == 1
        line = text.splitlines().index(next(row for row in text.splitlines() if row.startswith("impact:"))) + 1
        assert f"{incident.name}:{line}: impcat: unknown field 'impcat' (did you mean 'impact'?)" in result.output
        assert "Traceback" not in result.output
    assert {name: (site / name).read_bytes() for name in files_under(site)} == before


def test_bad_now_and_missing_config_are_clean_errors(example: Path) -> None:
    result = run("build", "-f", str(example / "mkdocs.yml"), "--now", "2021-10-04 18:00")
    assert result.exit_code == 1 and "--now" in result.output and "Traceback" not in result.output
    result = run("validate", "-f", str(example / "nowhere.yml"))
    assert result.exit_code == 1 and "nowhere.yml" in result.output


def test_schema_command_writes_every_record_schema(tmp_path: Path) -> None:
    result = run("schema", str(tmp_path / "schema"))
    assert result.exit_code == 0, result.output
    names = {path.name for path in (tmp_path / "schema").iterdir()}
    assert {"incident.json", "maintenance.json", "postmortem.json", "announcement.json", "components.json", "plans.json"} <= names
    for path in (tmp_path / "schema").iterdir():
        assert json.loads(path.read_text())["type"] == "object"


def test_plain_mkdocs_build_matches_statusgen_build(example: Path) -> None:
    """The plugin through a real `mkdocs build`; SOURCE_DATE_EPOCH sets now (2021-10-04T18:00:00Z)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1633370400")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    completed = subprocess.run([str(mkdocs), "build", "-q", "-f", str(example / "mkdocs.yml"), "-d", str(example / "by-mkdocs")],
                               env=env, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert run("build", "-q", "-f", str(example / "mkdocs.yml"), "--now", EXAMPLE_NOW, "--site-dir", str(example / "by-statusgen")).exit_code == 0
    assert not compare_trees(example / "by-mkdocs", example / "by-statusgen", update=False)


def _built(example: Path, config: str = "mkdocs.yml", *options: str) -> str:
    """`statusgen build` of the example in a process of its own: what it printed."""
    statusgen = Path(sys.executable).parent / "statusgen"
    completed = subprocess.run([str(statusgen), "build", "-f", str(example / config), "--now", EXAMPLE_NOW, *options],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return completed.stderr


def test_build_tells_what_it_took_from_the_cache(example: Path) -> None:
    # A cache that restores nothing (in CI, a cache step with the wrong path or key) would
    # otherwise go unnoticed: each build says how much it took from the cache.
    def taken() -> tuple[int, int, int, int]:
        told = [line for line in _built(example).splitlines() if "from the build cache" in line]
        assert len(told) == 1, told
        found = re.search(r"statusgen: from the build cache, ([\d,]+) of ([\d,]+) records and ([\d,]+) of ([\d,]+) archived pages$",
                          told[0])
        assert found is not None, told[0]
        first, records, second, pages = (int(number.replace(",", "")) for number in found.groups())
        return first, records, second, pages

    record_files = sum(1 for folder in ("incidents", "maintenance", "postmortems", "announcements")
                       for _ in (example / "content" / folder).glob("*.md"))
    cold = taken()
    assert cold[0] == 0 and cold[1] == record_files and cold[2] == 0 and cold[3] > record_files
    assert taken() == (record_files, record_files, cold[3], cold[3])
    incident = sorted((example / "content" / "incidents").glob("*.md"))[0]
    incident.write_text(incident.read_text(encoding="utf-8").replace("title: ", "title: Fixed ", 1), encoding="utf-8")
    records_taken, _, pages_taken, _ = taken()
    assert records_taken == record_files - 1
    assert cold[3] - 3 <= pages_taken < cold[3]  # its page, the history page that lists it, perhaps another listing
    without = _built(example, "mkdocs.yml", "--no-cache")
    assert "Built " in without and "from the build cache" not in without


def test_a_missing_site_url_is_warned_of_once_under_the_plugins_name(example: Path) -> None:
    config = example / "mkdocs.yml"
    (example / "no-url.yml").write_text("\n".join(line for line in config.read_text().splitlines()
                                                  if not line.startswith("site_url:")), encoding="utf-8")
    warned = [line for line in _built(example, "no-url.yml").splitlines() if "site_url is not set" in line]
    assert len(warned) == 1 and warned[0].endswith("statusgen: site_url is not set in mkdocs.yml; feeds and the API will "
                                                   "link to http://localhost/")
    assert "statusgen: statusgen:" not in warned[0]


def test_a_cache_kept_in_docs_dir_is_never_published(example: Path) -> None:
    # `cache_dir: content/cache` puts the build cache in docs_dir, whose every file MkDocs
    # publishes: the cache's entries (the paths of the machine that built them among them)
    # would be published, more of them with every build, and by a build without the cache too.
    config = example / "mkdocs.yml"
    config.write_text(config.read_text().replace("content_dir: content", "content_dir: content\n      cache_dir: content/cache"))
    for _ in range(2):
        assert run("build", "-q", "-f", str(config), "--now", EXAMPLE_NOW, "--site-dir", str(example / "site")).exit_code == 0
    assert (example / "content" / "cache" / "CACHEDIR.TAG").is_file()
    assert run("build", "-q", "-f", str(config), "--now", EXAMPLE_NOW, "--no-cache",
               "--site-dir", str(example / "without")).exit_code == 0
    mkdocs = Path(sys.executable).parent / "mkdocs"
    completed = subprocess.run([str(mkdocs), "build", "-q", "-f", str(config), "-d", str(example / "by-mkdocs")],
                               env=dict(os.environ, SOURCE_DATE_EPOCH="1633370400"), capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    published = files_under(example / "site")
    assert not [name for name in published if name.startswith("cache/")]
    assert published == files_under(example / "without") == files_under(example / "by-mkdocs")
    assert not compare_trees(example / "by-mkdocs", example / "site", update=False)


@pytest.mark.parametrize(("written", "message"), [
    ("uptime_days: 0", "uptime_days must be at least 1"),
    ("uptime_days: 90\n      uptime_months: 0", "uptime_months must be at least 1"),
])
def test_plugin_options_are_checked(example: Path, written: str, message: str) -> None:
    config = example / "mkdocs.yml"
    config.write_text(config.read_text().replace("uptime_days: 90", written))
    result = run("build", "-q", "-f", str(config), "--now", EXAMPLE_NOW, "--site-dir", str(example / "site"))
    assert result.exit_code == 1 and message in result.output
    assert not (example / "site").exists()


def test_a_build_collects_its_young_objects_rarely_and_restores_the_collector_after() -> None:
    before = gc.get_threshold()
    with collecting_rarely_while_building():
        assert gc.get_threshold()[0] >= _BUILD_YOUNGEST_THRESHOLD
        made = [[number] for number in range(50_000)]  # young objects the build keeps
    assert gc.get_threshold() == before
    assert gc.get_count()[0] < 1_000  # they joined the oldest generation: no collection of them is due
    assert len(made) == 50_000
