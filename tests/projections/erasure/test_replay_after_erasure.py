"""Read models replayed after an erasure, as the events read once the person's key is gone:
each personal field None. Nothing fails, and the pseudonym stands where the name was."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from uuid import UUID

import pytest

from domain.account import Account
from domain.values import Actor
from domain.volunteer import Volunteer
from projections import all_projections
from projections.stores.sqlite import SQLiteViewStore
from tests import factories as f
from tests.projections.read_models import contents

NAME, PHONE = "欧阳灵犀", "13712345678"
#: The name and phone the volunteer had before changing them: gone as well.
OLD_NAME, OLD_PHONE = "欧阳小犀", "13787654321"
#: A name between the two, which only the volunteer's own labels remember.
MIDDLE_NAME = "欧阳中犀"
#: The fields the per-person key encrypts, by event class (the vault's contract).
PERSONAL = {
    Volunteer.Registered: ("name", "phone", "birth_date", "guardian_name"),
    Volunteer.ProfileChanged: ("name", "phone"),
    Account.Created: ("display_name",),
}
FREE_TEXT = ("reason", "description")
SECRETS = (NAME, PHONE, OLD_NAME, OLD_PHONE, MIDDLE_NAME)


def erased_world(ledger) -> tuple[UUID, str]:
    organisation = ledger.create_organisation(name="和平里社区", kind="community")
    organiser = Actor.account(
        ledger.create_staff_account(
            username="organiser.li",
            display_name="李",
            password_hash="x",
            organisation_id=organisation,
        )
    )
    checker = Actor.account(
        ledger.create_staff_account(
            username="organiser.zhou",
            display_name="周",
            password_hash="x",
            organisation_id=organisation,
        )
    )
    volunteer = ledger.register_volunteer(
        name=OLD_NAME,
        phone=OLD_PHONE,
        birth_date=date(2001, 2, 3),
        home_organisation_id=organisation,
        privacy_consent=True,
        password_hash="x",
    )
    activity = ledger.create_activity(
        title="入户走访",
        category="助老助残",
        organisation_id=organisation,
        location="和平里",
        actor=organiser,
    )
    ledger.change_volunteer_profile(volunteer, name=MIDDLE_NAME, actor=Actor.volunteer(volunteer))
    ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=ledger.now() - timedelta(days=5, hours=2),
        ended_at=ledger.now() - timedelta(days=5),
        description="入户走访",
        actor=organiser,
    )
    ledger.change_volunteer_profile(
        volunteer, name=NAME, phone=PHONE, actor=Actor.volunteer(volunteer)
    )
    for days_ago in (2, 3):
        record = f.record_by_hand(ledger, volunteer, activity, organiser, days_ago=days_ago)
        ledger.approve_record(record, checker)
    ledger.request_correction(record, 150, f"{NAME}签退时漏记", Actor.volunteer(volunteer))
    pseudonym = ledger.erase_volunteer(volunteer, "本人申请", checker)
    return volunteer, pseudonym


def as_read_after_the_key_is_gone(ledger, volunteer: UUID) -> list[tuple[object, int]]:
    """Every event with its position; the person's fields None, as decoding gives them."""
    mine = {volunteer, Account.id_for_volunteer(volunteer)}
    events = []
    for n in ledger.recorder.select_notifications(start=1, limit=10_000):
        event = ledger.mapper.to_domain_event(n)
        fields = {field.name for field in dataclasses.fields(event)}
        if event.originator_id in mine or getattr(event, "volunteer_id", None) == volunteer:
            blank = set(PERSONAL.get(type(event), ())) | (fields & set(FREE_TEXT))
            event = dataclasses.replace(event, **dict.fromkeys(blank & fields))
        elif type(event).__module__ == "domain.service_record" and "reason" in fields:
            event = dataclasses.replace(event, reason=None)  # records are the volunteer's
        events.append((event, n.id))
    return events


def as_stored(ledger, volunteer: UUID) -> list[tuple[object, int]]:
    """Every event with its position, personal fields as they were written."""
    return [
        (ledger.mapper.to_domain_event(n), n.id)
        for n in ledger.recorder.select_notifications(start=1, limit=10_000)
    ]


@pytest.mark.parametrize("store_url", ["memory"], indirect=True)
@pytest.mark.parametrize("read", [as_read_after_the_key_is_gone, as_stored])
def test_a_replay_after_erasure_fails_nowhere_and_shows_only_the_pseudonym(ledger, read):
    volunteer, pseudonym = erased_world(ledger)
    views = SQLiteViewStore(":memory:")
    projections = all_projections()
    events = read(ledger, volunteer)
    with views.transaction() as tx:
        tx.execute("CREATE TABLE projection_tracking (name TEXT, version INT, position INT)")
        for projection in projections:  # every table first, as the runner makes them
            projection.create(tx)
        for projection in projections:
            projection.apply_batch(tx, events)
    found = {
        table: [row for row in rows if any(x in repr(row) for x in SECRETS)]
        for table, rows in contents(views, projections).items()
    }
    assert {table: rows for table, rows in found.items() if rows} == {}
    [(name,)] = views.query("SELECT name FROM dir_volunteers WHERE id = ?", (str(volunteer),))
    assert name == pseudonym
