"""JSON Schema of every record type, exported from the pydantic models to schema/*.json.

Editors point their YAML language server at these files to complete and check records as
they are typed (see the README); other tools can validate records without statusgen. The
schemas come from the same models that the build validates with, so they cannot drift.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from .. import urls
from ..cache.outputs import made_once
from ..models import Announcement, ComponentCatalogue, Incident, Maintenance, PlanCatalogue, Postmortem
from ..outputs import OutputFile
from ..records import Records
from ..settings import Settings
from ..state import SiteState
from .jsonout import dump_json

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

RECORD_MODELS: Mapping[str, tuple[type[BaseModel], str]] = {
    "incident.json": (Incident, "Front matter of content/incidents/ID.md"),
    "maintenance.json": (Maintenance, "Front matter of content/maintenance/ID.md"),
    "postmortem.json": (Postmortem, "Front matter of content/postmortems/ID.md"),
    "announcement.json": (Announcement, "Front matter of content/announcements/ID.md"),
    "components.json": (ComponentCatalogue, "content/components.yml"),
    "plans.json": (PlanCatalogue, "content/plans.yml"),
}
"""File name -> the model it describes and what file of a site it applies to."""


def record_schema(model: type[BaseModel], title: str, schema_id: str | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one record model, as a YAML file spells it."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    head: dict[str, Any] = {"$schema": SCHEMA_DIALECT}
    if schema_id is not None:
        head["$id"] = schema_id
    head["title"] = title
    schema.pop("title", None)
    return {**head, **schema}


@functools.lru_cache(maxsize=8)
def schema_files(base_url: str | None = None) -> Mapping[str, bytes]:
    """File name -> schema bytes for every record type; with `base_url`, each has an absolute
    `$id` under base_url + "schema/". Needs no records (`statusgen schema DIR` uses it).
    Made once per process and site: they depend on the code alone, and pydantic takes a
    twentieth of a second to describe the models (each rebuild of `serve`)."""
    files = {}
    for name, (model, title) in RECORD_MODELS.items():
        schema_id = urls.absolute(base_url, urls.schema(name)) if base_url is not None else None
        files[name] = dump_json(record_schema(model, title, schema_id), indent=2)  # read by people too
    return MappingProxyType(files)  # shared by every caller: read-only


def render_schemas(records: Records, state: SiteState, settings: Settings) -> list[OutputFile]:
    """schema/*.json, published with the site so that records can name them by URL. Kept in
    the build cache by the code and the site's URL (cache/outputs.py): a build in a new process
    does not have pydantic describe the models again."""
    return [
        OutputFile(urls.schema(name), made_once(settings, urls.schema(name), _schema_file, (name, settings.base_url)))
        for name in RECORD_MODELS
    ]


def _schema_file(which: tuple[str, str | None]) -> bytes:
    name, base_url = which
    return schema_files(base_url)[name]
