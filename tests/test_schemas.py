"""schema/*.json: valid JSON Schema (draft 2020-12) that accepts real records and rejects typos."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from statusgen.models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from statusgen.publish.schemas import render_schemas, schema_files

from sites.corpus import (
    ANNOUNCEMENTS,
    BASE_URL,
    COMPONENTS,
    INCIDENTS,
    MAINTENANCE,
    PLANS,
    POSTMORTEMS,
    by_path,
    corpus_site,
)

REPO = Path(__file__).resolve().parent.parent
NAMES = {"incident.json", "maintenance.json", "postmortem.json", "announcement.json", "components.json", "plans.json"}
CORPUS = {
    "incident.json": list(INCIDENTS.values()),
    "maintenance.json": list(MAINTENANCE.values()),
    "postmortem.json": list(POSTMORTEMS.values()),
    "announcement.json": list(ANNOUNCEMENTS.values()),
    "components.json": [COMPONENTS],
    "plans.json": [PLANS],
}
MODELS = {"incident.json": Incident, "maintenance.json": Maintenance, "postmortem.json": Postmortem,
          "announcement.json": Announcement, "components.json": ComponentCatalogue, "plans.json": PlanCatalogue}
EXAMPLE_FOLDERS = {"incidents": "incident.json", "maintenance": "maintenance.json",
                   "postmortems": "postmortem.json", "announcements": "announcement.json"}


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it: timestamps and dates stay strings."""


EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    files = schema_files()
    assert set(files) == NAMES
    found = {}
    for name, content in files.items():
        schema = json.loads(content)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema" and "$id" not in schema
        Draft202012Validator.check_schema(schema)
        found[name] = Draft202012Validator(schema)
    return found


def errors(validator: Draft202012Validator, document) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


@pytest.mark.parametrize("name", sorted(NAMES))
def test_corpus_records_are_valid(validators, name):
    for document in CORPUS[name]:
        assert errors(validators[name], document) == []
        MODELS[name].model_validate(document)  # and the models agree


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.load(text.split("---", 2)[1], Loader=EditorLoader)


def test_the_example_sites_records_are_valid(validators):
    checked = 0
    for folder, name in EXAMPLE_FOLDERS.items():
        for path in sorted((REPO / "content" / folder).glob("*.md")):
            assert errors(validators[name], front_matter(path)) == [], path
            checked += 1
    for file_name, name in (("components.yml", "components.json"), ("plans.yml", "plans.json")):
        path = REPO / "content" / file_name
        if path.exists():
            assert errors(validators[name], yaml.load(path.read_text(), Loader=EditorLoader)) == [], path
            checked += 1
    if checked == 0:
        pytest.skip("no example content in this checkout")


@pytest.mark.parametrize("name", sorted(NAMES))
def test_an_unknown_key_is_rejected(validators, name):
    document = copy.deepcopy(CORPUS[name][0])
    document["titel"] = "typo"
    assert any("titel" in message for message in errors(validators[name], document))


def test_nested_typos_and_wrong_words_are_rejected(validators):
    incident = copy.deepcopy(INCIDENTS["2024-05-01-pulls-failing"])
    incident["updates"][0]["stauts"] = "resolved"
    assert errors(validators["incident.json"], incident)
    incident = copy.deepcopy(INCIDENTS["2024-05-01-pulls-failing"])
    incident["impact"] = "huge"
    assert errors(validators["incident.json"], incident)
    incident = copy.deepcopy(INCIDENTS["2024-05-01-pulls-failing"])
    del incident["started"]
    assert errors(validators["incident.json"], incident)


@pytest.mark.parametrize("name", ["incident.json", "maintenance.json", "postmortem.json", "announcement.json"])
def test_loader_fields_are_not_part_of_the_schema(validators, name):
    properties = validators[name].schema["properties"]
    assert "id" not in properties and "body" not in properties
    document = dict(CORPUS[name][0], body="text")
    assert errors(validators[name], document), "body belongs after the front matter, not in it"


def test_published_schemas_have_absolute_ids():
    site = corpus_site()
    files = by_path(render_schemas(site.records, site.state, site.settings))
    assert set(files) == {f"schema/{name}" for name in NAMES}
    for path, content in files.items():
        assert json.loads(content)["$id"] == BASE_URL + path
    assert schema_files(BASE_URL)["plans.json"] == files["schema/plans.json"]
