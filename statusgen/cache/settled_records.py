"""Incidents from the build cache as their facts: a whole model only for what reads one whole.

A rebuild needs every incident of the history: the rules across records, the state as of now,
the uptime figures and each archived page's key all go over them. These read an incident's
times, impact, statuses and components, never its texts, and a rebuild renders the pages of a
few incidents. Yet each incident made from its entry was a whole model: pydantic validating
its JSON, and six to nine kilobytes of objects, a third of a second at 10,000 incidents.

So a pack keeps each incident's facts beside its entry (cache/records.py), as the JSON of the
types the model's own fields have, and validated by them when read; the loader is handed a
SettledIncident. It answers for those fields, and for the model's properties made of them, as
the model would; anything else (its title, its body, an update's body, any pydantic method)
makes the whole model from the entry, once, and is answered by it. Each stands for an
Incident wherever one is expected, `isinstance` included (see `__class__`); `type()` tells it
apart (cache/pages.py names it by its origin, as a record from the loader).

Should the entry not make a model after all (a damaged cache whose facts read), the record is
parsed from its file, which the entry's digest must still name: a cache never changes what is
built.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from pydantic import AwareDatetime, Strict, TypeAdapter

from ..errors import ContentError, Problem
from ..models import ComponentStatus, Impact, Incident, IncidentStatus, IncidentUpdate
from ..models.common import RecordId
from .file_digests import file_digest

_Moment = Annotated[AwareDatetime, Strict()]
"""A time as a pack writes it: RFC 3339 text with its offset (UTC). The model's timestamps also
refuse what a person may write by mistake (a number) and turn every offset into UTC, in Python,
two calls a time; here pydantic's strict check refuses anything but such text, and the offset
is turned into UTC's as the incident is made (_utc), in a third of the time."""
_Statuses = dict[RecordId, ComponentStatus]
_FACTS: TypeAdapter[Any] = TypeAdapter(
    tuple[_Moment, _Moment | None, Impact, _Statuses, tuple[tuple[_Moment, IncidentStatus, _Statuses | None], ...]])
"""(started, resolved, impact, affected components, ((at, status, components) of each update)):
validated by the types the model's fields have, so that no fact can hold what a record could not."""
_utc = partial(datetime.astimezone, tz=timezone.utc)


def facts_of(incident: Incident) -> bytes:
    """The facts of an incident as a pack keeps them."""
    updates = tuple((update.at, update.status, update.components) for update in incident.updates)
    return _FACTS.dump_json((incident.started, incident.resolved, incident.impact, incident.affected, updates))


class _StandsForAModel:
    """What holds a few of a model's fields and gets the rest from the model (`whole()`):
    any other attribute, equality, how it is shown and pickled (as the model itself)."""

    __slots__ = ()

    def whole(self) -> Any:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        # Only for what the slots do not hold: the texts, and everything pydantic gives a model.
        return getattr(self.whole(), name)

    def __eq__(self, other: object) -> bool:
        return bool(self.whole() == (other.whole() if isinstance(other, _StandsForAModel) else other))

    __hash__ = None  # type: ignore[assignment]  # as the models' (they hold dicts)

    def __repr__(self) -> str:
        return repr(self.whole())

    def __reduce_ex__(self, protocol: Any) -> Any:
        return self.whole().__reduce_ex__(protocol)  # pickled (for another process) as the model


class SettledIncident(_StandsForAModel):
    """An incident as its facts, the whole model made from its entry when first needed."""

    __slots__ = ("id", "started", "resolved", "impact", "components", "updates", "_entry", "_digest", "_path", "_model")

    affected = Incident.affected
    named_components = Incident.named_components
    latest_update = Incident.latest_update

    def __init__(self, record_id: str, facts: tuple[Any, ...], entry: tuple[Any, Any, Any], digest: str, path: str) -> None:
        started, resolved, impact, components, updates = facts
        self.id, self.impact, self.components = record_id, impact, components
        self.started, self.resolved = _utc(started), _utc(resolved) if resolved is not None else None
        self.updates = tuple(SettledUpdate(self, index, _utc(at), status, changed) for index, (at, status, changed) in enumerate(updates))
        self._entry, self._digest, self._path = entry, digest, path
        self._model: Incident | None = None

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: N802
        # isinstance() asks an object's __class__ when its type is not the class asked about
        # (unittest.mock's spec works so): isinstance(incident, Incident) holds for both.
        return Incident

    def whole(self) -> Incident:
        """The incident's model, made from its entry the first time it is asked for."""
        if self._model is None:
            from .records import read_entry  # noqa: PLC0415 - records.py makes these, and imports this module

            model = read_entry(self._entry, Incident, self.id)
            self._model = model if type(model) is Incident else _parsed_again(self._path, self._digest)
        return self._model



class SettledUpdate(_StandsForAModel):
    """An update of a SettledIncident: its time, status and components; the rest (its body)
    from the incident's whole model."""

    __slots__ = ("at", "status", "components", "_incident", "_index")

    def __init__(self, incident: SettledIncident, index: int, at: Any, status: Any, components: Any) -> None:
        self.at, self.status, self.components, self._incident, self._index = at, status, components, incident, index

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: N802
        return IncidentUpdate

    def whole(self) -> IncidentUpdate:
        return self._incident.whole().updates[self._index]


def settled_incident(entry: tuple[Any, Any, Any], record_id: str, digest: str, path: str) -> SettledIncident | None:
    """The incident an entry holds, as its facts; None when the entry has none, or none that
    validate (then the whole model is made from it, or the file parsed)."""
    facts = entry[2]
    if not facts:
        return None
    try:
        return SettledIncident(record_id, _FACTS.validate_json(bytes(facts)), entry, digest, path)
    except ValueError:  # pydantic's ValidationError is one
        return None


def _parsed_again(path: str, digest: str) -> Incident:
    """The incident parsed from its file, whose entry in the cache no longer makes a model;
    the file must still be the one the entry was made from."""
    from ..loader import _parse_record  # noqa: PLC0415 - the loader imports the cache

    try:
        data: bytes | None = Path(path).read_bytes()
    except OSError:
        data = None
    if data is None or file_digest(data) != digest:
        raise ContentError([Problem(path, 0, "", "changed while the site was being built, and the build cache's copy "
                                                 "of it is damaged: build again")])
    _, record, problems = _parse_record(("incidents", path, data))
    if type(record) is not Incident:
        raise ContentError(problems or [Problem(path, 0, "", "cannot be read")])
    return record
