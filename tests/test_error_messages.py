"""Broken records and the exact messages they produce (golden files: tests/golden_errors/).

Each case breaks one thing in an otherwise valid site. The wording is part of the product:
refresh the golden files with `pytest tests/test_error_messages.py --update-golden` and
review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.errors import ContentError
from statusgen.loader import load_records
from statusgen.record_layout import MAX_FILE_BYTES
from statusgen.yamlsource import MAX_VALUES

from sites.files import (
    ANNOUNCEMENT,
    BASE,
    COMPONENTS,
    DELETE,
    DIRECTORY,
    INCIDENT,
    MAINTENANCE,
    PLANS,
    POSTMORTEM,
    replace,
    write_site,
)

GOLDEN = Path(__file__).parent / "golden_errors"
INC = "content/incidents/api-errors.md"
MNT = "content/maintenance/db-upgrade.md"
PM = "content/postmortems/api-errors-review.md"
ANN = "content/announcements/team-price.md"
COMP = "content/components.yml"
PLN = "content/plans.yml"


def inc(old: str, new: str) -> dict[str, str]:
    return {INC: replace(INCIDENT, old, new)}


SLA = PLANS + """\
    sla:
      target: 99.9
      components: [api]
      credits:
        - {below: 99.9, credit: 10}
        - {below: 99.0, credit: 25}
"""


def sla(old: str, new: str) -> dict[str, str]:
    """plans.yml with the team plan's SLA changed."""
    return {PLN: replace(SLA, old, new)}


def billion_laughs() -> str:
    lines = ["---", "title: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"x{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    return "\n".join(lines) + "\n---\n"


CASES: dict[str, dict[str, object]] = {
    # The file cannot be read as YAML front matter.
    "yaml_unclosed_double_quote": inc("title: API errors", 'title: "API errors'),
    "yaml_unclosed_single_quote": inc("title: API errors", "title: 'API errors"),
    "yaml_unclosed_bracket": {MNT: replace(MAINTENANCE, "[api, web]", "[api, web")},
    "yaml_tab_indent": inc("  api: partial_outage", "\tapi: partial_outage"),
    "yaml_bad_indentation": inc("    status: investigating", "      status: investigating"),
    "yaml_missing_colon_space": inc("impact: major", "impact:major\nstarted 2021"),
    "yaml_list_item_misaligned": inc("    status: investigating", "   status: investigating"),
    "yaml_text_after_quote": inc("title: API errors", 'title: "API" errors'),
    "yaml_undefined_alias": inc("title: API errors", "title: *important* API errors"),
    "yaml_reserved_character": inc("title: API errors", "title: @channel API errors"),
    "yaml_duplicate_key": inc("impact: major", "impact: major\nimpact: minor"),
    "yaml_python_object_tag": inc("title: API errors", 'title: !!python/object/apply:os.system ["echo owned"]'),
    "yaml_python_name_tag": inc("title: API errors", "title: !!python/name:os.system"),
    "yaml_unknown_tag": inc("title: API errors", "title: !secret API errors"),
    "yaml_alias_bomb": {INC: billion_laughs()},
    "yaml_recursive_alias": inc("updates:", "loop: &loop [*loop]\nupdates:"),
    "yaml_too_deep": inc("title: API errors", "title: " + "[" * 200 + "]" * 200),
    "yaml_impossible_date": {PM: replace(POSTMORTEM, "2021-10-05", "2021-13-45")},
    "yaml_impossible_time": inc("started: 2021-10-01T10:00:00Z", "started: 2021-10-01T25:00:00Z"),
    "yaml_huge_integer": {PLN: replace(PLANS, "price: 0", "price: " + "9" * 5000)},
    "yaml_many_documents": {COMP: COMPONENTS + "---\ncomponents: []\n"},
    "front_matter_missing": {INC: INCIDENT.split("---\n", 2)[2]},
    "front_matter_unclosed": {INC: INCIDENT.replace("---\nThe API", "The API")},
    "front_matter_empty": {INC: "---\n---\nBody only.\n"},
    "front_matter_is_a_list": {INC: "---\n- title: API errors\n---\n"},
    "front_matter_is_text": {INC: "---\njust some words\n---\n"},
    "empty_file": {INC: ""},
    "whitespace_only_file": {INC: "\n  \n"},
    "empty_catalogue": {COMP: ""},
    "not_utf8": {INC: INCIDENT.replace("errors\nimpact", "erreurs \xe9\nimpact").encode("latin-1")},
    "utf16": {INC: INCIDENT.encode("utf-16")},
    "nul_bytes": {INC: INCIDENT.replace("The API", "The \0API")},
    "file_too_large": {INC: INCIDENT + "x" * MAX_FILE_BYTES},
    "too_many_values": {INC: INCIDENT.replace("---\nThe", f"many: [{', '.join(['1'] * (MAX_VALUES + 1))}]\n---\nThe")},
    # Files and folders.
    "file_name_not_an_id": {INC: DELETE, "content/incidents/API Errors.md": INCIDENT},
    "file_name_upper_case": {INC: DELETE, "content/incidents/Api-errors.md": INCIDENT},
    "file_name_too_long": {"content/announcements/" + "a" * 101 + ".md": ANNOUNCEMENT},
    "file_not_markdown": {"content/incidents/extra.yml": "title: x\n"},
    "file_upper_case_extension": {"content/incidents/extra.MD": INCIDENT},
    "duplicate_record_id": {"content/incidents/2021/api-errors.md": INCIDENT},
    "directory_instead_of_record": {"content/incidents/broken.md": DIRECTORY},
    "directory_instead_of_catalogue": {PLN: DIRECTORY},
    "file_instead_of_folder": {INC: DELETE, PM: DELETE, "content/incidents": "not a folder\n"},
    "broken_symlink": {"content/incidents/gone.md": "->../nowhere.md"},
    "symlink_outside_content": {"content/incidents/secret.md": "->../../secret.md", COMP: "->../secret.yml"},
    "linked_folders": {"content/incidents/2020": "->../../elsewhere", PM: DELETE, "content/postmortems": "->../elsewhere"},
    "device_instead_of_catalogue": {PLN: "->/dev/zero"},
    "old_mac_line_ends": {MNT: MAINTENANCE.replace("\n", "\r").replace("[api, web]", "[api, wbe]")},
    "windows_line_ends_and_bom": {MNT: "\ufeff" + MAINTENANCE.replace("\n", "\r\n").replace("[api, web]", "[api, wbe]")},
    "missing_components": {COMP: DELETE},
    "missing_content_folder": {path: DELETE for path in BASE},
    "reserved_keys": inc("impact: major", "impact: major\nid: other\nbody: text"),
    # Unknown keys, wrong types and values.
    "unknown_key": inc("resolved:", "resovled:"),
    "unknown_nested_key": inc("    status: investigating", "    stauts: investigating"),
    "unknown_key_far_off": inc("impact: major", "impact: major\nseverity: high"),
    "unknown_catalogue_key": {COMP: replace(COMPONENTS, "    group: hub\n  - id: web", "    grop: hub\n  - id: web")},
    "missing_fields": {PM: replace(POSTMORTEM, "summary: A bad deploy.\n", "")},
    "wrong_type_title_list": inc("title: API errors", "title: [API, errors]"),
    "wrong_type_title_number": inc("title: API errors", "title: 404"),
    "wrong_type_boolean": {COMP: replace(COMPONENTS, "name: Website", "name: TRUE")},
    "wrong_type_hex_number": {COMP: replace(COMPONENTS, "id: web", "id: 0x10")},
    "wrong_type_timestamp_for_text": inc("title: API errors", "title: 2021-10-01 10:00:00Z"),
    "wrong_type_updates": inc("updates:\n", "updates: all fine\nx:\n"),
    "wrong_type_components": inc("components:\n  api: partial_outage", "components: api"),
    "bad_enum_value": inc("impact: major", "impact: majr"),
    "bad_component_status": inc("api: partial_outage", "api: down"),
    "status_cut_short": inc("api: partial_outage", "api: major"),
    "bad_update_status": inc("status: investigating", "status: investigatin"),
    "empty_title": inc("title: API errors", 'title: ""'),
    "naive_timestamp": inc("started: 2021-10-01T10:00:00Z", "started: 2021-10-01T10:00:00"),
    "date_for_timestamp": inc("started: 2021-10-01T10:00:00Z", "started: 2021-10-01"),
    "number_for_timestamp": inc("started: 2021-10-01T10:00:00Z", "started: 1633082400"),
    "text_for_timestamp": inc("started: 2021-10-01T10:00:00Z", "started: yesterday evening"),
    "text_for_date": {ANN: replace(ANNOUNCEMENT, "published: 2021-09-20", "published: last week")},
    "invalid_component_id": {COMP: replace(COMPONENTS, "id: web", "id: Web Site")},
    "javascript_action_link": {PM: replace(POSTMORTEM, "https://tracker.example/1", "javascript:alert(1)")},
    "bad_currency": {PLN: replace(PLANS, "USD", "dollars")},
    "bad_duration": {ANN: ANNOUNCEMENT.replace("kind: pricing", "kind: retention").replace(
        "pricing:\n  - plan: team\n    from: 7\n    to: 9\n    existing_customers: next_renewal",
        "retention:\n  subject: old images\n  inactive_after: six months\n  action: delete")},
    "block_does_not_match_kind": {ANN: replace(ANNOUNCEMENT, "kind: pricing", "kind: policy")},
    "non_text_key": inc("impact: major", "impact: major\n2021-10-01: note"),
    "non_text_key_hex": inc("impact: major", "impact: major\n0x1F: note"),
    "non_text_key_boolean": inc("impact: major", "impact: major\nTRUE: note"),
    "non_text_key_nested": {COMP: replace(COMPONENTS, "name: Website", "name: Website\n    2021-10-01: launched\n    1_0: ten")},
    # YAML 1.2: a time of day is text, not sexagesimal minutes (18:30 was read as 1110).
    "time_of_day_for_timestamp": inc("at: 2021-10-01T10:30:00Z", "at: 18:30"),
    "number_written_in_hex_for_timestamp": inc("started: 2021-10-01T10:00:00Z", "started: 0x6156DD20"),
    "number_without_digits": inc("started: 2021-10-01T10:00:00Z", "started: 0x_"),
    # Prices are non-negative decimals.
    "price_too_many_places": {PLN: replace(PLANS, "price: 9", "price: 4.999")},
    "price_negative": {PLN: replace(PLANS, "price: 9", "price: -1")},
    "price_text": {PLN: replace(PLANS, "price: 9", "price: seven")},
    "price_infinite": {PLN: replace(PLANS, "price: 9", "price: .inf")},
    "price_not_a_number": {PLN: replace(PLANS, "price: 9", "price: .nan")},
    "price_change_negative": {ANN: replace(ANNOUNCEMENT, "to: 9", "to: -9.5")},
    "price_exponent": {PLN: replace(PLANS, "price: 9", "price: 1.0e99999999999999999999")},
    # Prices are read in plain decimal notation only, and quoted as written.
    "price_hexadecimal": {PLN: replace(PLANS, "price: 9", "price: 0x10")},
    "price_octal": {PLN: replace(PLANS, "price: 9", "price: 0o17")},
    "price_binary": {PLN: replace(PLANS, "price: 9", "price: 0b111")},
    "price_underscores": {PLN: replace(PLANS, "price: 9", "price: 1_000")},
    "price_short_exponent": {PLN: replace(PLANS, "price: 9", "price: 7e2")},
    "price_quoted_exponent": {PLN: replace(PLANS, "price: 9", 'price: "7e2"')},
    "price_empty": {PLN: replace(PLANS, "price: 9", "price:")},
    "price_null": {PLN: replace(PLANS, "price: 9", "price: ~")},
    "price_negative_infinite": {PLN: replace(PLANS, "price: 9", "price: -.Inf")},
    "price_negative_leading_zeros": {PLN: replace(PLANS, "price: 9", "price: -007")},
    "price_too_many_places_written_oddly": {PLN: replace(PLANS, "price: 9", "price: 00.999")},
    "price_change_hexadecimal": {ANN: replace(ANNOUNCEMENT, "to: 9", "to: 0x9")},
    "price_change_underscores": {ANN: replace(ANNOUNCEMENT, "from: 7", "from: 7_0")},
    # References between records.
    "unknown_component": inc("api: partial_outage", "apii: partial_outage"),
    "unknown_component_in_update": inc("    body: Fixed.", "    body: Fixed.\n    components:\n      wbe: operational"),
    "unknown_component_in_maintenance": {MNT: replace(MAINTENANCE, "[api, web]", "[api, webb]")},
    "unknown_group": {COMP: replace(COMPONENTS, "group: hub\n  - id: web", "group: hubb\n  - id: web")},
    "unknown_plan": {ANN: replace(ANNOUNCEMENT, "plans: [team]", "plans: [teams]")},
    "unknown_plan_in_pricing": {ANN: replace(ANNOUNCEMENT, "- plan: team", "- plan: tema")},
    "unknown_plan_without_plans_file": {PLN: DELETE},
    "unknown_incident": {PM: replace(POSTMORTEM, "incident: api-errors", "incident: api-error")},
    "duplicate_component": {COMP: replace(COMPONENTS, "id: web", "id: api")},
    "group_and_component_share_id": {COMP: replace(COMPONENTS, "id: web", "id: hub")},
    "duplicate_plan": {PLN: replace(PLANS, "id: team", "id: free")},
    "two_postmortems": {"content/postmortems/another-review.md": POSTMORTEM},
    # Service levels in plans.yml.
    "sla_target_above_100": sla("target: 99.9", "target: 100.5"),
    "sla_target_zero": sla("target: 99.9", "target: 0"),
    "sla_target_text": sla("target: 99.9", "target: three nines"),
    "sla_credit_above_100": sla("credit: 25", "credit: 150"),
    "sla_credit_negative": sla("credit: 10", "credit: -10"),
    "sla_threshold_zero": sla("below: 99.0", "below: 0"),
    "sla_credits_out_of_order": sla("{below: 99.9, credit: 10}\n        - {below: 99.0, credit: 25}",
                                    "{below: 99.0, credit: 25}\n        - {below: 99.9, credit: 10}"),
    "sla_duplicate_threshold": sla("below: 99.0", "below: 99.9"),
    "sla_threshold_above_target": sla("below: 99.9, credit: 10", "below: 99.95, credit: 10"),
    "sla_smaller_credit_for_lower_uptime": sla("credit: 25", "credit: 5"),
    "sla_unknown_component": sla("components: [api]", "components: [api, wbe]"),
    "sla_component_listed_twice": sla("components: [api]", "components: [api, web, api]"),
    "sla_no_components": sla("components: [api]", "components: []"),
    "sla_unknown_key": sla("credits:", "credit:"),
    "sla_missing_target": sla("      target: 99.9\n", ""),
    # Ordering and time rules.
    "resolved_before_started": inc("resolved: 2021-10-01T12:00:00Z", "resolved: 2021-10-01T09:00:00Z"),
    "update_before_started": inc("at: 2021-10-01T10:30:00Z", "at: 2021-10-01T09:30:00Z"),
    "updates_out_of_order": inc("at: 2021-10-01T10:30:00Z", "at: 2021-10-01T12:30:00Z"),
    "resolved_without_resolved_update": inc("status: resolved", "status: monitoring"),
    "resolved_update_without_resolved_time": inc("resolved: 2021-10-01T12:00:00Z\n", ""),
    "maintenance_ends_before_start": {MNT: replace(MAINTENANCE, "04:00:00Z", "01:00:00Z")},
    "maintenance_updates_out_of_order": {MNT: replace(MAINTENANCE, "---\nShort", (
        "updates:\n  - at: 2021-10-10T03:00:00Z\n    status: in_progress\n    body: Started.\n"
        "  - at: 2021-10-10T02:00:00Z\n    status: completed\n    body: Done.\n---\nShort"))},
    "timeline_out_of_order": {PM: replace(POSTMORTEM, "at: 2021-10-01T12:00:00Z", "at: 2021-10-01T09:00:00Z")},
    "effective_before_published": {ANN: replace(ANNOUNCEMENT, "effective: 2021-11-01", "effective: 2021-09-01")},
    # Translations (ID.LANG.md, components.LANG.yml) hold only text the original has; the
    # site's languages here are en and de.
    "translation_structural_key": {"content/incidents/api-errors.de.md": "---\ntitle: API-Fehler\nimpact: minor\n---\n"},
    "translation_unknown_update": {"content/incidents/api-errors.de.md":
                                   "---\nupdates:\n  - at: 2021-10-01T10:31:00Z\n    body: Wir schauen nach.\n---\n"},
    "translation_language_not_configured": {"content/incidents/api-errors.fr.md": "---\ntitle: Erreurs\n---\n"},
    "translation_in_the_default_language": {"content/incidents/api-errors.en.md": "---\ntitle: Errors\n---\n"},
    "translation_of_no_record": {"content/incidents/api-erors.de.md": "---\ntitle: API-Fehler\n---\n"},
    "translation_unknown_component": {"content/components.de.yml": "components:\n  - id: apii\n    name: Schnittstelle\n"},
    "translation_wrong_feature_count": {PLN: replace(PLANS, "per: user", "per: user\n    features: [SSO, Audit log]"),
                                        "content/plans.de.yml": "plans:\n  - id: team\n    features: [SSO]\n"},
    "translation_postmortem_timeline": {"content/postmortems/api-errors-review.de.md":
                                        "---\ntimeline:\n  - at: 2021-10-01T11:00:00Z\n    event: Mitte.\n"
                                        "action_items:\n  - title: A\n  - title: B\n---\n"},
    # Several broken files: every problem at once, in path order.
    "many_problems": {**inc("impact: major", "impact: big"), MNT: "", PM: replace(POSTMORTEM, "incident: api-errors", "incident: nope"),
                      "content/announcements/Bad Name.md": ANNOUNCEMENT},
}


def report_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changes: dict[str, object]) -> str:
    """The report of loading the valid site with `changes`; "->target" makes a symbolic link."""
    monkeypatch.chdir(tmp_path)
    links = {path: value[2:] for path, value in changes.items() if isinstance(value, str) and value.startswith("->")}
    content = write_site(tmp_path, {path: value for path, value in changes.items() if path not in links})
    (tmp_path / "secret.md").write_text("---\ntitle: a secret\n---\n")
    (tmp_path / "secret.yml").write_text("components: [{id: api, name: a secret}]\n")
    (tmp_path / "elsewhere").mkdir()
    for path, target in links.items():
        (tmp_path / path).unlink(missing_ok=True)
        (tmp_path / path).symlink_to(target if target.startswith("/") else (tmp_path / path).parent / target)
    with pytest.raises(ContentError) as caught:
        load_records(content, ("en", "de"))
    return caught.value.report() + "\n"


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_record_message(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, update_golden: bool) -> None:
    report = report_for(tmp_path, monkeypatch, CASES[case])
    golden = GOLDEN / f"{case}.txt"
    if update_golden:
        golden.write_text(report, encoding="utf-8")
    assert golden.exists(), f"no golden file for {case}: run pytest --update-golden"
    assert report == golden.read_text(encoding="utf-8")


def test_the_valid_site_loads(tmp_path: Path) -> None:
    records = load_records(write_site(tmp_path))
    assert [len(records.incidents), len(records.maintenance), len(records.postmortems), len(records.announcements)] == [1, 1, 1, 1]


def test_the_valid_site_with_an_sla_loads(tmp_path: Path) -> None:
    records = load_records(write_site(tmp_path, {PLN: SLA}))
    assert records.plans is not None
    team_sla = records.plans.plans[1].sla
    assert team_sla is not None and team_sla.components == ("api",)
    assert [(str(credit.below), str(credit.credit)) for credit in team_sla.credits] == [("99.9", "10"), ("99.0", "25")]


def test_every_golden_file_has_a_case() -> None:
    assert sorted(path.stem for path in GOLDEN.glob("*.txt")) == sorted(CASES)


def test_an_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, for whom chmod 000 changes nothing: refuse the read instead.
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "api-errors.md":
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report = report_for(tmp_path, monkeypatch, {})
    assert report.splitlines()[0] == "content/incidents/api-errors.md:1: cannot read the file: Permission denied"


def test_validate_prints_every_problem_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = report_for(tmp_path, monkeypatch, CASES["many_problems"])
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: content\ntheme:\n  name: statusgen\nplugins:\n  - statusgen\n")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.output == expected
    assert "Traceback" not in result.output
