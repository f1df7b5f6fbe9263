"""The audit trail: one readable row per event of the whole ledger, nothing ignored."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from domain.account import Account
from domain.ledger.accounts import PHONE
from domain.organisation import Organisation
from domain.recognition import RecognitionList
from domain.service_record import ServiceRecord
from domain.shift import Shift
from domain.unique_key import UniqueKey
from domain.volunteer import Volunteer
from projections import events
from projections.audit.erasure import drop_reasons
from projections.audit.subjects import Subject, Subjects
from projections.audit.text import facts_text, kind_of, local_minute, utc_text
from projections.base import Projection, on
from projections.events import LedgerEvent
from projections.stores.protocol import Transaction

#: Every event class of the domain, as the groups of ``projections.events`` spell them out.
EVENT_CLASSES: frozenset[type] = frozenset().union(
    *(group for name, group in vars(events).items() if name.endswith("_EVENTS"))
)

#: Event fields that name another aggregate, and the role it plays in the event.
ROLE_OF_FIELD = {
    "volunteer_id": "volunteer",
    "organisation_id": "organisation",
    "home_organisation_id": "organisation",
    "activity_id": "activity",
    "shift_id": "shift",
    "record_id": "service_record",
    "child_id": "child",
    "owner_id": "owner",
    "objection_id": "objection",
    "issuer_id": "organisation",
    "certificate_id": "certificate",
}

#: For each event class, its fields that name another aggregate, with their roles.
ROLES: dict[type, list[tuple[str, str]]] = {
    event_class: [
        (field, role)
        for field, role in ROLE_OF_FIELD.items()
        if field in {field.name for field in dataclasses.fields(event_class)}
    ]
    for event_class in EVENT_CLASSES
}

ENTRY_COLUMNS = (
    "position",
    "at",
    "actor",
    "actor_id",
    "aggregate_id",
    "aggregate_kind",
    "volunteer_id",
    "organisation_id",
    "event_type",
    "facts",
    "reason",
)

#: Where an event that names no organisation finds one: the most specific aggregate first
#: (a timesheet's counted time belongs to the record's organiser, not the volunteer's home).
ORGANISATION_SOURCES = ("service_record", "shift", "activity", "volunteer")


#: The events of a person: their erasure drops the reasons written about them.
ERASURES = (Volunteer.Erased, Account.Erased)


class AuditTrail(Projection):
    """Every event in order: when, who acted, on which aggregate, which volunteer and which
    organisation it concerns (for scoping who may read it), what happened, and why.

    A row keeps what happened as ids and figures (``facts``), never as words: the summary is
    rendered when the row is read (``projections.audit.reading``), names from the directory.
    """

    name = "audit"
    #: 2: facts (ids and figures) in place of the rendered summary; no names kept.
    version = 2
    indexes = tuple(
        f"audit_entries_{column} ON audit_entries ({column}, position)"
        for column in ("volunteer_id", "organisation_id", "actor_id", "event_type", "at")
    )
    ignores: ClassVar[frozenset[type]] = frozenset()

    def __init__(self) -> None:
        self.subjects = Subjects()
        self._entries: list[tuple[Any, ...]] = []

    def forget(self) -> None:
        self.subjects.forget()

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        """Every event's row, and the subjects they changed, written together at the end."""
        self.subjects.tx = tx
        super().apply_batch(tx, events)
        tx.insert_many("audit_entries", ENTRY_COLUMNS, self._entries)
        self._entries.clear()
        self.subjects.write(tx)

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS audit_entries (
                position BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
                actor_id TEXT NOT NULL, aggregate_id TEXT, aggregate_kind TEXT NOT NULL,
                volunteer_id TEXT, organisation_id TEXT, event_type TEXT NOT NULL,
                facts TEXT, reason TEXT)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS audit_subjects (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL,
                refs TEXT NOT NULL)"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS audit_entries")
        tx.execute("DROP TABLE IF EXISTS audit_subjects")

    @on(*EVENT_CLASSES)
    def _event(self, tx: Transaction, e: LedgerEvent, position: int) -> None:
        subjects = self.subjects
        kind, own, new = kind_of(type(e)), str(e.originator_id), isinstance(e, Aggregate.Created)
        known = None if new else subjects.get(own)  # a new aggregate has no subject yet
        if isinstance(e, ERASURES) and known is not None:
            self._erase(tx, own, known)
        refs = {**(known.refs if known else {}), kind: own}
        for field, role in ROLES[type(e)]:
            value = getattr(e, field)
            if value is not None:
                refs[role] = str(value)
        if new:
            created = _new_subject(subjects, e, kind, dict(refs))
            subjects.save(own, created)
            refs.update(created.refs)
        elif isinstance(e, RecognitionList.ObjectionFiled):
            objection = {"volunteer": refs["volunteer"], "organisation": refs["organisation"]}
            subjects.save(refs["objection"], Subject("objection", "objection", objection))
        _derive(subjects, refs)
        hidden = kind == "unique_key" and refs.get("namespace") == PHONE
        as_was = known.label if known is not None and type(e) in FOLLOWED else None
        facts = facts_text(e, refs, as_was)
        if known is not None and type(e) in FOLLOWED:
            _follow_changes(subjects, e, own, known)
        self._entries.append(
            (
                position,
                utc_text(e.timestamp),
                e.actor,
                e.actor.partition(":")[2],
                None if hidden else own,
                kind,
                refs.get("volunteer"),
                refs.get("organisation"),
                type(e).__qualname__,
                facts,
                getattr(e, "reason", None) or getattr(e, "resolution", None),
            ),
        )

    def _erase(self, tx: Transaction, own: str, known: Subject) -> None:
        """The reasons written about the person are dropped, in the rows written and in those
        held for this batch (but for the erasure's own). Their name is in no row to remove:
        it is looked up in the directory when a row is read, and that holds the pseudonym."""
        volunteer_id = known.refs.get("volunteer", own)
        drop_reasons(tx, self._entries, ENTRY_COLUMNS, volunteer_id=volunteer_id, aggregate_id=own)


def _derive(subjects: Subjects, refs: dict[str, str]) -> None:
    """Fill in the volunteer and organisation an event concerns but does not name."""
    for role in ("owner", "objection"):
        other = subjects.get(refs[role]) if role in refs else None
        if other is not None:
            refs.setdefault(other.kind, refs[role])
            if "volunteer" in other.refs:
                refs.setdefault("volunteer", other.refs["volunteer"])
    if "organisation" not in refs:
        for role in ORGANISATION_SOURCES:
            other = subjects.get(refs.get(role))
            if other is not None and "organisation" in other.refs:
                refs["organisation"] = other.refs["organisation"]
                return


def _new_subject(subjects: Subjects, e: LedgerEvent, kind: str, refs: dict[str, str]) -> Subject:
    if isinstance(e, Organisation.Created):
        return Subject(kind, e.name, {**refs, "timezone": e.timezone})
    if isinstance(e, UniqueKey.Created):
        return Subject(kind, e.namespace, {**refs, "namespace": e.namespace})
    if isinstance(e, Shift.Scheduled):
        return Subject(kind, _shift_label(subjects, refs, e.starts_at), refs)
    if isinstance(e, ServiceRecord.Recorded):
        label = f"{subjects.label(refs, 'activity')} on {e.service_date.isoformat()}"
        return Subject(kind, label, refs)
    if isinstance(e, Volunteer.Registered) or (
        isinstance(e, Account.Created) and e.volunteer_id is not None
    ):
        return Subject(kind, "", refs)  # a person: named from the directory when read
    for field in ("name", "title", "number", "username", "display_name"):
        if getattr(e, field, None):
            return Subject(kind, getattr(e, field), refs)
    return Subject(kind, kind.replace("_", " "), refs)


#: The events that change what the trail remembers of their aggregate; their row keeps the
#: aggregate's label as it was (``as_was``), so that a renaming reads "from … to …".
FOLLOWED: frozenset[type] = frozenset({Organisation.Renamed, Volunteer.Moved, Shift.Rescheduled})


def _follow_changes(subjects: Subjects, e: LedgerEvent, own: str, known: Subject) -> None:
    """Keep labels and home organisations current for the events that follow."""
    if isinstance(e, Organisation.Renamed):
        subjects.save(own, Subject(known.kind, e.name, known.refs))
    elif isinstance(e, Volunteer.Moved):
        refs = {**known.refs, "organisation": str(e.organisation_id)}
        subjects.save(own, Subject(known.kind, known.label, refs))
    elif isinstance(e, Shift.Rescheduled):
        label = _shift_label(subjects, known.refs, e.starts_at)
        subjects.save(own, Subject(known.kind, label, known.refs))


def _shift_label(subjects: Subjects, refs: dict[str, str], starts_at: datetime) -> str:
    timezone = subjects.timezone(refs.get("organisation"))
    return f"{subjects.label(refs, 'activity')} ({local_minute(starts_at, timezone)})"
