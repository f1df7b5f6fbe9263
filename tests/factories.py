"""Plain factory functions for test data, with the names a district's records would carry."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.errors import NotFoundError
from domain.ledger import Ledger
from domain.service_record import ServiceRecord
from domain.values import Actor

ADMIN = Actor.account("admin")
ORGANISER = Actor.account("organiser-li")
#: Another organiser: the second party who approves what ORGANISER recorded by hand.
CHECKER = Actor.account("organiser-zhang")

_phones = itertools.count(13800000000)


def next_phone() -> str:
    return str(next(_phones))


def district(ledger: Ledger, name: str = "东城区") -> UUID:
    return ledger.create_organisation(name=name, kind="district", actor=ADMIN)


def community(ledger: Ledger, parent: UUID | None = None, name: str = "和平里社区") -> UUID:
    parent = parent or district(ledger)
    return ledger.create_organisation(name=name, kind="community", parent_id=parent, actor=ADMIN)


def volunteer(
    ledger: Ledger,
    organisation: UUID,
    *,
    name: str = "王小明",
    birth_date: date = date(1990, 5, 4),
    skills: list[str] | None = None,
    phone: str | None = None,
) -> UUID:
    return ledger.register_volunteer(
        name=name,
        phone=phone or next_phone(),
        birth_date=birth_date,
        home_organisation_id=organisation,
        skills=skills or [],
        privacy_consent=True,
    )


def activity(ledger: Ledger, organisation: UUID, title: str = "文明劝导进社区") -> UUID:
    return ledger.create_activity(
        title=title,
        category="文明劝导",
        organisation_id=organisation,
        location="和平里街道十字路口",
        description="早高峰文明交通劝导",
        actor=ORGANISER,
    )


def shift(
    ledger: Ledger,
    activity_id: UUID,
    *,
    starts_in: timedelta = timedelta(days=1),
    hours: float = 2,
    capacity: int = 3,
    required_skills: list[str] | None = None,
) -> UUID:
    starts_at = ledger.now() + starts_in
    return ledger.add_shift(
        activity_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        required_skills=required_skills,
        actor=ORGANISER,
    )


def at(ledger: Ledger, shift_id: UUID, minutes_after_start: float) -> datetime:
    return ledger.shift(shift_id).starts_at + timedelta(minutes=minutes_after_start)


def organiser(ledger: Ledger, organisation: UUID, username: str = "organiser-li") -> Actor:
    """A real organiser account of ``organisation``: recording hours by hand looks up whom the
    recording account reaches, which a made-up actor reaches no one."""
    account_id = ledger.create_staff_account(
        username=username,
        display_name=username,
        password_hash="not-a-real-hash",
        organisation_id=organisation,
        actor=ADMIN,
    )
    return Actor.account(account_id)


def home_organiser(ledger: Ledger, volunteer_id: UUID) -> Actor:
    """An organiser of the volunteer's home organisation, made on first use: one who may
    record hours for the volunteer by hand."""
    home = ledger.volunteer(volunteer_id).home_organisation_id
    username = f"home-{home.hex[:24]}"
    try:
        return ledger.account_for_login(username).as_actor()
    except NotFoundError:
        return organiser(ledger, home, username)


def record_by_hand(
    ledger: Ledger,
    volunteer_id: UUID,
    activity_id: UUID,
    actor: Actor,
    *,
    days_ago: int = 1,
    description: str = "入户走访",
) -> UUID:
    """Two hours of service an organiser records by hand, starting ``days_ago`` days ago."""
    start = ledger.now() - timedelta(days=days_ago)
    return ledger.record_service(
        volunteer_id=volunteer_id,
        activity_id=activity_id,
        started_at=start,
        ended_at=start + timedelta(hours=2),
        description=description,
        actor=actor,
    )


def raise_as_asked(ledger: Ledger, record_id: UUID, minutes: int, actor: Actor) -> None:
    """Raise an approved record's minutes with the second party a raise needs: the volunteer
    asks for the correction, and ``actor`` accepts it."""
    volunteer = Actor.volunteer(ledger.service_record(record_id).volunteer_id)
    ledger.request_correction(record_id, minutes, "签退时漏记", volunteer)
    ledger.accept_correction_request(record_id, "按签到表更正", actor)


def approve_as_version_1(ledger: Ledger, record_id: UUID, actor: Actor) -> None:
    """Store an approval as the ledger stored it before ``ServiceRecord.Approved`` had a
    version 2: without ``single_organiser`` and without a class version."""
    record = ledger.service_record(record_id)
    record.approve(actor)
    _store_as_version_1(ledger, record)


def correct_as_version_1(
    ledger: Ledger, record_id: UUID, minutes: int, reason: str, actor: Actor
) -> None:
    """Store a correction as the ledger stored it before ``ServiceRecord.Corrected`` had a
    version 2: without ``single_organiser`` and without a class version (the timesheet is
    not recounted: this is for reading the event back, not for totals)."""
    record = ledger.service_record(record_id)
    record.correct(minutes, reason, actor)
    _store_as_version_1(ledger, record)


def _store_as_version_1(ledger: Ledger, record: ServiceRecord) -> None:
    """Store the record's one new event without its version-2 field and class version."""
    [stored] = [ledger.mapper.to_stored_event(e) for e in record.collect_events()]
    state = ledger.mapper.transcoder.decode(stored.state)
    del state["class_version"], state["single_organiser"]
    ledger.recorder.insert_events(
        [
            type(stored)(
                originator_id=stored.originator_id,
                originator_version=stored.originator_version,
                topic=stored.topic,
                state=ledger.mapper.transcoder.encode(state),
            )
        ]
    )
