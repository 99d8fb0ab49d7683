"""The notify planner, case by case: what is due when, baselines, filters, reminders, ids.

Pure functions of (public records, state, configuration, now); no sending here."""

from __future__ import annotations

from typing import Any

import pytest

from statusgen.notify.config import NotifyConfig, Reminders, WebhookChannel
from statusgen.notify.due import due_messages
from statusgen.notify.planner import plan
from statusgen.notify.state_file import NotifyState
from statusgen.public_view import as_of
from statusgen.publish.feed_items import ItemSource

from sites.records import (
    announcement,
    at,
    catalogue,
    incident,
    maintenance,
    plans,
    postmortem,
    records,
    settings,
    update,
)

BASE = "https://status.example.com/"
COMPONENTS = catalogue({"id": "api", "group": "hub"}, {"id": "web", "group": "hub"}, {"id": "dns"},
                       groups=({"id": "hub", "name": "Hub"},))
PLANS = plans({"id": "free", "name": "Free", "price": 0, "period": "month"},
              {"id": "team", "name": "Team", "price": 9, "period": "month"})


def site(**kinds: Any) -> Any:
    return records(*kinds.pop("incidents", ()), components=COMPONENTS, plans=PLANS, **kinds)


def config(*channels: dict[str, Any], maintenance: tuple[str, ...] = (), announcement: tuple[str, ...] = ()) -> NotifyConfig:
    made = [WebhookChannel.model_validate({"type": "webhook", "url": "https://hooks.example/", **channel}) for channel in channels]
    return NotifyConfig(state="s.json", reminders=Reminders(maintenance=list(maintenance), announcement=list(announcement)),
                        channels=tuple(made))


def due_keys(loaded: Any, now: str, **reminders: tuple[str, ...]) -> list[str]:
    moment = at(now)
    wanted = Reminders(**{kind: list(durations) for kind, durations in reminders.items()})
    return [message.key for message in due_messages(as_of(loaded, moment), wanted, moment)]


TWO_UPDATES = incident("outage", started="2021-10-01T10:00:00Z", components={"api": "major_outage"},
                       resolved="2021-10-01T12:00:00Z",
                       updates=[update("2021-10-01T10:30:00Z", "investigating"),
                                update("2021-10-01T11:00:00Z", "identified", {"api": "partial_outage"}),
                                update("2021-10-01T11:50:00Z", "resolved")])
NO_UPDATES = incident("quiet", started="2021-10-02T10:00:00Z", components=["web"])
WINDOW = maintenance("upgrade", "2021-10-10T02:00:00Z", "2021-10-10T04:00:00Z", announced="2021-10-03T00:00:00Z",
                     components=["web"], updates=[{"at": "2021-10-10T02:00:00Z", "status": "in_progress", "body": "Started."}])
REVIEW = postmortem("outage-review", "outage", published="2021-10-05")
NOTICE = announcement("retention", published="2021-10-06", effective="2021-11-01", kind="policy", plans=["free"])


@pytest.mark.parametrize(("now", "expected"), [
    ("2021-10-01T09:00:00Z", []),
    # Started, no update public yet: as in the feeds, the incident's page is the news.
    ("2021-10-01T10:00:00Z", ["incidents/outage/"]),
    ("2021-10-01T10:30:00Z", ["incidents/outage/#update-1"]),
    ("2021-10-01T11:55:00Z", ["incidents/outage/#update-1", "incidents/outage/#update-2"]),  # resolving update written ahead
    ("2021-10-01T12:00:00Z", ["incidents/outage/#update-1", "incidents/outage/#update-2", "incidents/outage/#update-3"]),
])
def test_incident_updates_are_due_once_public(now, expected):
    assert due_keys(site(incidents=[TWO_UPDATES]), now) == expected


def test_a_resolving_update_written_ahead_is_dated_by_the_resolution():
    messages = due_messages(as_of(site(incidents=[TWO_UPDATES]), at("2021-10-02T00:00:00Z")), Reminders(), at("2021-10-02T00:00:00Z"))
    assert [message.at for message in messages][-1] == at("2021-10-01T12:00:00Z")


@pytest.mark.parametrize(("now", "expected"), [
    ("2021-10-02T09:59:59Z", []),
    ("2021-10-02T10:00:00Z", ["incidents/quiet/"]),
])
def test_an_incident_without_updates_is_one_message_its_page(now, expected):
    assert due_keys(site(incidents=[NO_UPDATES]), now) == expected


@pytest.mark.parametrize(("now", "expected"), [
    ("2021-10-02T23:59:59Z", []),
    ("2021-10-03T00:00:00Z", ["maintenance/upgrade/"]),
    ("2021-10-10T02:00:00Z", ["maintenance/upgrade/", "maintenance/upgrade/#update-1"]),
])
def test_maintenance_is_due_from_announced_and_each_update_from_its_time(now, expected):
    assert due_keys(site(maintenance=[WINDOW]), now) == expected


@pytest.mark.parametrize(("now", "expected"), [
    ("2021-10-04T23:59:59Z", []),
    ("2021-10-05T00:00:00Z", ["postmortems/outage-review/"]),
])
def test_postmortem_is_due_from_its_day(now, expected):
    keys = due_keys(site(incidents=[TWO_UPDATES], postmortems=[REVIEW]), now)
    assert [key for key in keys if key.startswith("postmortems/")] == expected


def test_postmortem_of_an_incident_not_yet_public_is_not_due():
    later = incident("later", started="2021-12-01T00:00:00Z")
    assert due_keys(site(incidents=[later], postmortems=[postmortem("r", "later", published="2021-10-05")]),
                    "2021-11-01T00:00:00Z") == []


def test_announcement_is_due_from_its_day():
    assert due_keys(site(announcements=[NOTICE]), "2021-10-05T23:59:59Z") == []
    assert due_keys(site(announcements=[NOTICE]), "2021-10-06T00:00:00Z") == ["announcements/retention/"]


SOON = maintenance("soon", "2021-10-10T12:00:00Z", "2021-10-10T14:00:00Z", announced="2021-10-01T00:00:00Z")
LATE_NEWS = maintenance("late-news", "2021-10-10T12:00:00Z", "2021-10-10T14:00:00Z", announced="2021-10-10T10:00:00Z")
CALLED_OFF = maintenance("called-off", "2021-10-10T12:00:00Z", "2021-10-10T14:00:00Z", announced="2021-10-01T00:00:00Z",
                         status="cancelled")


@pytest.mark.parametrize(("window", "now", "expected"), [
    (SOON, "2021-10-09T11:59:59Z", []),
    (SOON, "2021-10-09T12:00:00Z", ["maintenance/soon/#reminder-P1D"]),
    (SOON, "2021-10-10T10:59:59Z", ["maintenance/soon/#reminder-P1D"]),
    # A run that comes late sends the reminder that is still true, not both.
    (SOON, "2021-10-10T11:30:00Z", ["maintenance/soon/#reminder-PT1H"]),
    (SOON, "2021-10-10T12:00:00Z", []),
    # Announced two hours ahead: the day-before reminder would come with the news itself.
    (LATE_NEWS, "2021-10-10T10:30:00Z", []),
    (LATE_NEWS, "2021-10-10T11:00:00Z", ["maintenance/late-news/#reminder-PT1H"]),
    (CALLED_OFF, "2021-10-10T11:30:00Z", []),
])
def test_maintenance_reminders(window, now, expected):
    keys = due_keys(site(maintenance=[window]), now, maintenance=("P1D", "PT1H"))
    assert [key for key in keys if "#reminder" in key] == expected


@pytest.mark.parametrize(("now", "expected"), [
    ("2021-10-24T23:59:59Z", []),
    ("2021-10-25T00:00:00Z", ["announcements/retention/#reminder-P7D"]),
    ("2021-10-31T23:59:59Z", ["announcements/retention/#reminder-P7D"]),
    ("2021-11-01T00:00:00Z", []),
])
def test_announcement_reminders_before_it_takes_effect(now, expected):
    keys = due_keys(site(announcements=[NOTICE]), now, announcement=("P7D",))
    assert [key for key in keys if "#reminder" in key] == expected


def test_an_announcement_published_within_its_reminder_gets_no_reminder():
    close = announcement("close", published="2021-10-28", effective="2021-11-01")
    assert due_keys(site(announcements=[close]), "2021-10-29T00:00:00Z", announcement=("P7D",)) == ["announcements/close/"]


def test_message_ids_are_the_feed_entry_ids():
    loaded = site(incidents=[TWO_UPDATES, NO_UPDATES], maintenance=[WINDOW], postmortems=[REVIEW], announcements=[NOTICE])
    now = at("2021-10-20T00:00:00Z")
    public = as_of(loaded, now)
    from statusgen.derive import derive_state

    state = derive_state(loaded, settings(site_url=BASE), now)
    feed_ids = {candidate.id for candidate in ItemSource(public, state, settings(site_url=BASE)).everything(public)}
    messages = due_messages(public, Reminders(), now)
    message_ids = {message.id(BASE) for message in messages}
    # The feeds have one entry per maintenance window; notify also sends the window's updates.
    assert message_ids - feed_ids == {BASE + "maintenance/upgrade/#update-1"}
    assert feed_ids <= message_ids
    assert BASE + "incidents/outage/#update-2" in message_ids


def test_messages_are_oldest_first():
    loaded = site(incidents=[TWO_UPDATES, NO_UPDATES], maintenance=[WINDOW], postmortems=[REVIEW], announcements=[NOTICE])
    messages = due_messages(as_of(loaded, at("2021-10-20T00:00:00Z")), Reminders(), at("2021-10-20T00:00:00Z"))
    assert [message.key for message in messages] == [
        "incidents/outage/#update-1", "incidents/outage/#update-2", "incidents/outage/#update-3",
        "incidents/quiet/", "maintenance/upgrade/", "postmortems/outage-review/", "announcements/retention/",
        "maintenance/upgrade/#update-1",
    ]


EVERYTHING = site(incidents=[TWO_UPDATES, NO_UPDATES], maintenance=[WINDOW], postmortems=[REVIEW],
                  announcements=[NOTICE, announcement("everyone", published="2021-10-07"),
                                 announcement("team-price", published="2021-10-07", kind="pricing",
                                              pricing=[{"plan": "team", "from": 7, "to": 9, "existing_customers": "next_renewal"}])])
LATER = at("2021-10-20T00:00:00Z")


def sent_keys(channel: dict[str, Any]) -> list[str]:
    """Keys the channel gets at LATER when it has been told nothing yet (but is not new)."""
    state = NotifyState().recorded("c")
    decided = plan(as_of(EVERYTHING, LATER), state, config({"id": "c", **channel}), LATER)
    return [delivery.message.key for delivery in decided.deliveries]


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["incidents/outage/#update-1", "incidents/outage/#update-2", "incidents/outage/#update-3", "incidents/quiet/",
          "maintenance/upgrade/", "postmortems/outage-review/", "announcements/retention/", "announcements/everyone/",
          "announcements/team-price/", "maintenance/upgrade/#update-1"]),
    ({"kinds": ["postmortem", "announcement"]},
     ["postmortems/outage-review/", "announcements/retention/", "announcements/everyone/", "announcements/team-price/"]),
    # Components filter incidents, maintenance and post-mortems (by their incident); announcements pass.
    ({"components": ["api"]}, ["incidents/outage/#update-1", "incidents/outage/#update-2", "incidents/outage/#update-3",
                               "postmortems/outage-review/", "announcements/retention/", "announcements/everyone/",
                               "announcements/team-price/"]),
    ({"components": ["web"], "kinds": ["incident", "maintenance"]},
     ["incidents/quiet/", "maintenance/upgrade/", "maintenance/upgrade/#update-1"]),
    ({"components": ["dns"], "kinds": ["incident", "maintenance", "postmortem"]}, []),
    ({"components": ["hub"], "kinds": ["incident"]},  # a group stands for its members
     ["incidents/outage/#update-1", "incidents/outage/#update-2", "incidents/outage/#update-3", "incidents/quiet/"]),
    # Plans filter announcements: one naming no plan concerns everyone; a price change its plan.
    ({"plans": ["free"], "kinds": ["announcement"]}, ["announcements/retention/", "announcements/everyone/"]),
    ({"plans": ["team"], "kinds": ["announcement"]}, ["announcements/everyone/", "announcements/team-price/"]),
])
def test_filters(filters, expected):
    assert sent_keys(filters) == expected


def test_first_run_records_a_baseline_and_sends_nothing():
    decided = plan(as_of(EVERYTHING, LATER), NotifyState(), config({"id": "a"}, {"id": "b", "kinds": ["incident"]}), LATER)
    assert decided.deliveries == ()
    assert len(decided.baselines["a"]) == 10 and len(decided.baselines["b"]) == 4
    assert set(decided.filtered["b"]) == {message.recorded_as for message in decided.baselines["a"]} - {
        message.recorded_as for message in decided.baselines["b"]}


def test_a_channel_new_to_the_state_gets_a_baseline_while_the_others_get_news():
    earlier = at("2021-10-01T10:45:00Z")
    state = NotifyState().recorded("a", sent=[m.recorded_as for m in due_messages(as_of(EVERYTHING, earlier), Reminders(), earlier)])
    decided = plan(as_of(EVERYTHING, LATER), state, config({"id": "a"}, {"id": "b"}), LATER)
    assert {delivery.channel for delivery in decided.deliveries} == {"a"}
    assert decided.deliveries[0].message.key == "incidents/outage/#update-2"
    assert set(decided.baselines) == {"b"}


def test_what_the_state_holds_is_not_sent_again():
    state = NotifyState().recorded("a", sent=["incidents/outage/#update-at-2021-10-01T10:30:00Z"], filtered=["incidents/quiet/"])
    keys = [d.message.key for d in plan(as_of(EVERYTHING, LATER), state, config({"id": "a"}), LATER).deliveries]
    assert "incidents/outage/#update-1" not in keys and "incidents/quiet/" not in keys
    assert "incidents/outage/#update-2" in keys


def test_widening_a_filter_sends_no_history():
    narrow = config({"id": "a", "kinds": ["incident"]})
    first = plan(as_of(EVERYTHING, LATER), NotifyState(), narrow, LATER)
    state = NotifyState().recorded("a", sent=[m.recorded_as for m in first.baselines["a"]], filtered=first.filtered["a"])
    wide = plan(as_of(EVERYTHING, LATER), state, config({"id": "a"}), LATER)
    assert wide.deliveries == () and wide.baselines == {}


def test_only_the_channels_asked_for():
    state = NotifyState().recorded("a").recorded("b")
    decided = plan(as_of(EVERYTHING, LATER), state, config({"id": "a"}, {"id": "b"}), LATER, only=["b"])
    assert {delivery.channel for delivery in decided.deliveries} == {"b"}


def test_deliveries_go_oldest_first_across_channels_in_configured_order():
    state = NotifyState().recorded("b").recorded("a")
    decided = plan(as_of(EVERYTHING, LATER), state, config({"id": "b"}, {"id": "a"}), LATER)
    pairs = [(delivery.message.key, delivery.channel) for delivery in decided.deliveries][:4]
    assert pairs == [("incidents/outage/#update-1", "b"), ("incidents/outage/#update-1", "a"),
                     ("incidents/outage/#update-2", "b"), ("incidents/outage/#update-2", "a")]


def test_the_future_changes_nothing():
    """Records, updates and resolutions dated after now make no message due."""
    future = incident("future", started="2030-01-01T00:00:00Z", updates=[update("2030-01-01T01:00:00Z")])
    ahead = TWO_UPDATES.model_copy(update={"updates": (*TWO_UPDATES.updates,)})
    with_future = site(incidents=[ahead, future], maintenance=[maintenance("x", "2031-01-01T00:00:00Z", "2031-01-01T01:00:00Z",
                                                                           announced="2030-06-01T00:00:00Z")],
                       announcements=[announcement("y", published="2030-01-01")])
    assert due_keys(with_future, "2021-10-20T00:00:00Z") == due_keys(site(incidents=[TWO_UPDATES]), "2021-10-20T00:00:00Z")


def test_the_state_names_updates_by_their_time_and_two_at_one_moment_apart():
    # A fraction of a second tells two updates apart too; the -2 is for the same instant alone.
    same_moment = incident("burst", started="2021-10-01T10:00:00Z", components={"api": "major_outage"},
                           updates=[update("2021-10-01T10:30:00Z", "investigating"),
                                    update("2021-10-01T10:30:00Z", "identified"),
                                    update("2021-10-01T10:45:00Z", "monitoring"),
                                    update("2021-10-01T10:45:00.25Z", "monitoring")])
    messages = due_messages(as_of(site(incidents=[same_moment, NO_UPDATES]), LATER), Reminders(), LATER)
    assert [(message.key, message.recorded_as) for message in messages] == [
        ("incidents/burst/#update-1", "incidents/burst/#update-at-2021-10-01T10:30:00Z"),
        ("incidents/burst/#update-2", "incidents/burst/#update-at-2021-10-01T10:30:00Z-2"),
        ("incidents/burst/#update-3", "incidents/burst/#update-at-2021-10-01T10:45:00Z"),
        ("incidents/burst/#update-4", "incidents/burst/#update-at-2021-10-01T10:45:00.250000Z"),
        ("incidents/quiet/", "incidents/quiet/"),  # an incident without updates: its page, as its feed entry
    ]
