"""The rules across records: the quick test an incident passes is exactly "no violation"."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from statusgen import rules
from statusgen.models import Incident

KNOWN = {"api", "web"}
START = datetime(2024, 5, 1, tzinfo=timezone.utc)

COMPONENTS = st.sampled_from(["api", "web", "ghost"])
STATUSES = st.sampled_from(["investigating", "identified", "monitoring", "resolved"])
UPDATES = st.lists(st.fixed_dictionaries({
    "at": st.integers(-2, 5).map(lambda hours: START + timedelta(hours=hours)),
    "status": STATUSES,
    "body": st.just("text"),
    "components": st.none() | st.dictionaries(COMPONENTS, st.just("major_outage"), max_size=2),
}), max_size=4)


@given(affected=st.lists(COMPONENTS, min_size=1, max_size=2, unique=True), updates=UPDATES,
       resolved=st.none() | st.integers(-1, 6).map(lambda hours: START + timedelta(hours=hours)))
def test_an_incident_is_plainly_valid_exactly_when_it_breaks_no_rule(affected: list[str], updates: list[dict[str, object]],
                                                                      resolved: datetime | None) -> None:
    incident = Incident.model_validate({"title": "T", "impact": "major", "components": affected, "started": START,
                                        "resolved": resolved, "updates": updates}).model_copy(update={"id": "i"})
    violations = list(rules._incident_violations(incident, KNOWN))
    assert rules._plainly_valid(incident, KNOWN) == (not violations)
