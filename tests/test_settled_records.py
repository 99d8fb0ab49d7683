"""Incidents from the build cache as their facts (statusgen/cache/settled_records.py).

A SettledIncident must answer every question as the model it stands for, and make that model
only when a question needs more than the facts: checked field by field on every incident of
the example and golden sites and on random ones, then through builds (a rebuild makes few
models; damaged facts or entries cost a parse, never a different site)."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen import loader
from statusgen.cache import records as record_cache
from statusgen.cache import settled_records
from statusgen.cache.settled_records import SettledIncident, settled_incident
from statusgen.errors import ContentError
from statusgen.models import ComponentStatus, Impact, Incident, IncidentStatus, IncidentUpdate
from statusgen.settings import Settings

from sites.files import write_site
from test_build_cache import NOW, build, built_with_cache, forget_this_process, incident, incident_packs

REPOSITORY = Path(__file__).resolve().parent.parent
SITES = [REPOSITORY / "content", *sorted((Path(__file__).resolve().parent / "golden").glob("*/input/content"))]


def as_settled(model: Incident) -> SettledIncident:
    """`model` as a pack keeps it and a build reads it back."""
    entry = record_cache._entry(model)
    found = settled_incident(entry, model.id, "digest", "incidents/an-incident.md")
    assert found is not None
    return found


def assert_answers_as(settled: SettledIncident, model: Incident) -> None:
    for name in ("id", "started", "resolved", "impact", "components", "affected", "named_components"):
        assert getattr(settled, name) == getattr(model, name), name
    for time in (settled.started, settled.resolved, *(update.at for update in settled.updates)):
        assert time is None or time.tzinfo is timezone.utc  # as the model's, which turns every offset into UTC
    assert [(update.at, update.status, update.components) for update in settled.updates] == \
        [(update.at, update.status, update.components) for update in model.updates]
    assert (settled.latest_update is None) == (model.latest_update is None)
    assert settled._model is None, "the facts alone answered"
    # What the facts do not hold comes from the whole model, made from the entry.
    assert settled.title == model.title and settled.body == model.body
    assert [update.body for update in settled.updates] == [update.body for update in model.updates]
    assert settled == model and model == settled
    assert isinstance(settled, Incident) and all(isinstance(update, IncidentUpdate) for update in settled.updates)
    assert settled.model_dump() == model.model_dump() and settled.model_fields_set == model.model_fields_set
    assert pickle.loads(pickle.dumps(settled)) == model and type(pickle.loads(pickle.dumps(settled))) is Incident


def test_every_incident_of_the_example_and_golden_sites_answers_as_its_model() -> None:
    incidents = [model for content in SITES for model in loader.load_records(content, ("en", "de", "fr", "es", "ja", "ar")).incidents]
    assert len(incidents) > 10
    for model in incidents:
        assert_answers_as(as_settled(model), model)


MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1),
                       timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=7))]))
STATUSES = st.dictionaries(st.sampled_from(["api", "web", "db-eu-1"]), st.sampled_from(list(ComponentStatus)), max_size=3)


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    started = draw(MOMENTS)
    times = sorted(draw(st.lists(st.timedeltas(timedelta(0), timedelta(days=3)), max_size=4)))
    updates = [{"at": started + delta, "status": draw(st.sampled_from(list(IncidentStatus))), "body": draw(st.text(max_size=30)),
                **({"components": draw(STATUSES)} if draw(st.booleans()) else {})} for delta in times]
    data = {"title": draw(st.text(min_size=1, max_size=20)), "impact": draw(st.sampled_from(list(Impact))),
            "components": draw(st.one_of(STATUSES, st.lists(st.sampled_from(["api", "web"]), unique=True))),
            "started": started, "updates": updates}
    if draw(st.booleans()):
        data["resolved"] = started + draw(st.timedeltas(timedelta(0), timedelta(days=5)))
    return Incident.model_validate(data).model_copy(update={"id": "an-incident", "body": draw(st.text(max_size=30))})


@settings(max_examples=150, deadline=None)
@given(model=incidents())
def test_any_incident_answers_as_its_model(model: Incident) -> None:
    assert_answers_as(as_settled(model), model)


@pytest.mark.parametrize("facts", [
    b'[1633082400,null,"minor",{},[]]',  # a number for a time: what the model refuses
    b'["2021-10-01T10:00:00",null,"minor",{},[]]',  # a time without its offset
    b'["2021-10-01T10:00:00Z",null,"colossal",{},[]]',
    b'["2021-10-01T10:00:00Z",null,"minor",{"Not An Id":"major_outage"},[]]',
    b'["2021-10-01T10:00:00Z",null,"minor",{},[["2021-10-01T11:00:00Z","fixed",null]]]',
    b'["2021-10-01T10:00:00Z",null,"minor",{}]',
    b'{"started":"2021-10-01T10:00:00Z"}',
    b'not json',
])
def test_facts_that_a_record_could_not_hold_are_refused(facts: bytes) -> None:
    assert settled_incident((b"{}", b'""', facts), "an-incident", "digest", "incidents/an-incident.md") is None


def test_a_rebuild_makes_whole_models_only_of_the_incidents_it_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old incident that no page of a rebuild renders, and no feed or API lists, stays its
    facts: on a long history, a rebuild makes the models of a few incidents."""
    site = Settings(content_dir=write_site(tmp_path), cache_dir=tmp_path / "cache")
    oldest_first = [f"old-{number:03}" for number in range(120)]
    for day, name in enumerate(oldest_first):
        (site.content_dir / "incidents" / f"{name}.md").write_text(incident(f"Old {day}", day - 400, 2, True), encoding="utf-8")
    build(site, NOW)
    made: list[str] = []
    real_whole = SettledIncident.whole
    monkeypatch.setattr(SettledIncident, "whole", lambda self: (made.append(self.id) if self._model is None else None) or real_whole(self))
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")  # every model made in this process, where it is counted
    forget_this_process()
    assert build(site, NOW) == build(replace(site, cache_dir=None), NOW)
    assert made, "the live pages show the newest incidents whole"
    # The component's page, the feeds and the API show the 50 newest: none of the 50 oldest is made whole.
    assert not set(made) & set(oldest_first[:50])
    assert all(type(record) is SettledIncident for record, _ in record_cache._memory.values() if record.id in oldest_first)


def test_an_entry_whose_facts_read_but_whose_model_does_not_is_parsed_from_its_file(tmp_path: Path) -> None:
    site, expected, folder = built_with_cache(tmp_path)
    for name, pack in incident_packs(folder).items():
        lines = []
        for line in pack.split(b"\n"):
            digest, _, _, facts = line.split(b"\t")
            lines.append(digest + b'\t{"title": 42}\t"<script>"\t' + facts)
        folder.write(name, b"\n".join(lines))
    forget_this_process()
    assert build(site, NOW) == expected
    assert build(replace(site, languages=("en", "de")), NOW) == build(replace(site, languages=("en", "de"), cache_dir=None), NOW)


def test_damaged_facts_are_a_miss(tmp_path: Path) -> None:
    site, expected, folder = built_with_cache(tmp_path)
    for name, pack in incident_packs(folder).items():
        folder.write(name, b"\n".join(line.rsplit(b"\t", 1)[0] + b'\t["soon",null,"minor",{},[]]' for line in pack.split(b"\n")))
    forget_this_process()
    assert build(site, NOW) == expected
    assert not [record for record, _ in record_cache._memory.values() if isinstance(record, SettledIncident)]


def test_a_file_changed_or_gone_since_its_damaged_entry_is_reported_not_published(tmp_path: Path) -> None:
    path = tmp_path / "an-incident.md"
    path.write_text("changed since", encoding="utf-8")
    with pytest.raises(ContentError, match="changed while the site was being built"):
        settled_records._parsed_again(str(path), "the-digest-of-what-it-was")
    path.unlink()
    with pytest.raises(ContentError, match="changed while the site was being built"):
        settled_records._parsed_again(str(path), "the-digest-of-what-it-was")
