"""Whole-command guarantees: all or nothing, positions, retries and replay."""

import pytest
from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentUpdateError, PhoneInUseError
from domain.ledger import Ledger
from domain.policy import Policy
from domain.values import Actor
from tests import factories as f
from tests.factories import ADMIN, ORGANISER


def stored_events(ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def test_a_refused_command_stores_nothing(ledger):
    community = f.community(ledger)
    f.volunteer(ledger, community, phone="13911112222")
    second = f.volunteer(ledger, community, name="王小红", phone="13933334444")
    before = stored_events(ledger)
    with pytest.raises(PhoneInUseError):
        ledger.change_volunteer_profile(second, name="王晓红", phone="13911112222", actor=ORGANISER)
    assert stored_events(ledger) == before
    assert ledger.volunteer(second).name == "王小红"


def test_a_command_reports_the_position_of_its_last_event(ledger):
    district = ledger.create_organisation.written(name="东城区", kind="district", actor=ADMIN)
    assert district.position == stored_events(ledger)
    community = ledger.create_organisation.written(
        name="和平里社区", kind="community", parent_id=district.value, actor=ADMIN
    )
    assert community.position == stored_events(ledger)
    assert community.position > district.position


def test_a_command_that_stores_nothing_reports_no_position(ledger):
    shift = f.shift(ledger, f.activity(ledger, f.community(ledger)))
    assert ledger.close_overdue_attendance.written(shift, ORGANISER) == ([], None)


def test_a_signup_and_its_places_are_saved_together(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=1)
    first, second = f.volunteer(ledger, community), f.volunteer(ledger, community, name="乙")
    for v in (first, second):
        ledger.sign_up(shift, v, Actor.volunteer(v))
    before = stored_events(ledger)
    ledger.cancel_sign_up(shift, first, "有事", Actor.volunteer(first))
    recorded = ledger.recorder.select_notifications(start=before + 1, limit=10)
    assert [n.topic.rsplit(".", 1)[-1] for n in recorded] == [
        "SignUpCancelled",
        "VolunteerPromoted",
        "ShiftReleased",
        "ShiftHeld",
    ]


def test_a_version_conflict_is_retried(store_url, clock, monkeypatch):
    ledger = Ledger(store_url, clock=clock)
    real_save = ledger.save
    conflicts = iter([True, True])

    def flaky_save(*aggregates, **kwargs):
        if next(conflicts, False):
            raise IntegrityError("concurrent write won")
        return real_save(*aggregates, **kwargs)

    monkeypatch.setattr(ledger, "save", flaky_save)
    community = f.district(ledger)
    assert ledger.organisation(community).name == "东城区"
    ledger.close()


def test_endless_version_conflicts_become_a_conflict_error(store_url, clock, monkeypatch):
    ledger = Ledger(store_url, clock=clock, policy=Policy(retry_attempts=3))

    def conflicting_save(*aggregates, **kwargs):
        raise IntegrityError("concurrent write won")

    monkeypatch.setattr(ledger, "save", conflicting_save)
    with pytest.raises(ConcurrentUpdateError, match="3 attempts"):
        f.district(ledger)
    ledger.close()


def test_an_aggregate_with_many_events_loads_the_same_with_snapshots(store_url, clock):
    ledger = Ledger(store_url, clock=clock)
    community = f.community(ledger)
    volunteer = f.volunteer(ledger, community)
    for i in range(130):
        ledger.change_volunteer_profile(volunteer, skills=[f"技能{i}"], actor=ORGANISER)
    assert ledger.snapshots is not None
    assert list(ledger.snapshots.get(volunteer))  # snapshots were taken
    loaded = ledger.volunteer(volunteer)
    replayed = None
    for event in ledger.events.get(volunteer):
        replayed = event.mutate(replayed)
    assert (loaded.version, loaded.__dict__) == (131, replayed.__dict__)
    ledger.close()
