"""The directory: organisations, volunteers and activities as people look them up."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from domain.activity import Activity
from domain.organisation import Organisation
from domain.volunteer import ERASED_NAME, Volunteer
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    RECEIPT_EVENTS,
    RECOGNITION_EVENTS,
    SERIES_EVENTS,
    SERVICE_RECORD_EVENTS,
    SHIFT_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
)
from projections.stores.buffered import BufferedTable
from projections.stores.protocol import Transaction

ORGANISATION_COLUMNS = ("id", "name", "kind", "parent_id", "timezone", "closed")
VOLUNTEER_COLUMNS = (
    "id",
    "volunteer_number",
    "name",
    "phone",
    "birth_date",
    "organisation_id",
    "skills",
    "status",
    "registered_position",
    "listed_publicly",
    "guardian_listing_consent",
)
ACTIVITY_COLUMNS = (
    "id",
    "title",
    "category",
    "organisation_id",
    "location",
    "description",
    "closed",
    "contact",
)
STATUS_AFTER = {
    Volunteer.Suspended: "suspended",
    Volunteer.Reinstated: "active",
    Volunteer.Withdrew: "withdrawn",
}


class Directory(Projection):
    """Names, numbers and statuses, for rosters, lists and lookups.

    An erased volunteer keeps their row (their hours still count) under their pseudonym, with
    no phone or birth date (empty text). Replayed after the erasure, their earlier events carry
    None for those fields (their key is gone): the row then shows 已注销志愿者 until the
    erasure event gives the pseudonym.

    Rows are held through each batch and written at its end (``BufferedTable``).
    """

    name = "directory"
    indexes = (
        "dir_volunteers_org ON dir_volunteers (organisation_id)",
        # an organisation's subtree, walked one level at a time (``projections.hours.queries``)
        "dir_organisations_parent ON dir_organisations (parent_id)",
    )
    #: 3: activities keep their contact.
    version = 3
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            *RECOGNITION_EVENTS,
            Organisation.ChildAttached,
            Activity.ShiftAdded,
            *SHIFT_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *ATTENDANCE_EVENTS,
            *SERVICE_RECORD_EVENTS,
        }
    )

    def __init__(self) -> None:
        self._organisations = BufferedTable("dir_organisations", ORGANISATION_COLUMNS)
        self._volunteers = BufferedTable("dir_volunteers", VOLUNTEER_COLUMNS)
        self._activities = BufferedTable("dir_activities", ACTIVITY_COLUMNS)
        self._tables = (self._organisations, self._volunteers, self._activities)

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS dir_organisations (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, parent_id TEXT,
                timezone TEXT NOT NULL, closed INTEGER NOT NULL DEFAULT 0)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS dir_volunteers (
                id TEXT PRIMARY KEY, volunteer_number TEXT NOT NULL, name TEXT NOT NULL,
                phone TEXT NOT NULL, birth_date TEXT NOT NULL, organisation_id TEXT NOT NULL,
                skills TEXT NOT NULL, status TEXT NOT NULL, registered_position BIGINT NOT NULL,
                listed_publicly INTEGER NOT NULL DEFAULT 1,
                guardian_listing_consent INTEGER NOT NULL DEFAULT 0)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS dir_activities (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, category TEXT NOT NULL,
                organisation_id TEXT NOT NULL, location TEXT NOT NULL, description TEXT NOT NULL,
                closed INTEGER NOT NULL DEFAULT 0, contact TEXT)"""
        )

    def drop(self, tx: Transaction) -> None:
        for table in ("dir_organisations", "dir_volunteers", "dir_activities"):
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        for table in self._tables:
            table.clear()
        super().apply_batch(tx, events)
        for table in self._tables:
            table.write(tx)

    @on(Organisation.Created)
    def _organisation_created(
        self, tx: Transaction, e: Organisation.Created, position: int
    ) -> None:
        self._organisations.insert(
            str(e.originator_id), e.name, e.kind, _str(e.parent_id), e.timezone, 0
        )

    @on(Organisation.Renamed)
    def _organisation_renamed(
        self, tx: Transaction, e: Organisation.Renamed, position: int
    ) -> None:
        self._organisations.update(str(e.originator_id), name=e.name)

    @on(Organisation.Closed)
    def _organisation_closed(self, tx: Transaction, e: Organisation.Closed, position: int) -> None:
        self._organisations.update(str(e.originator_id), closed=1)

    @on(Volunteer.Registered)
    def _registered(self, tx: Transaction, e: Volunteer.Registered, position: int) -> None:
        self._volunteers.insert(
            str(e.originator_id),
            e.volunteer_number,
            e.name or ERASED_NAME,
            e.phone or "",
            e.birth_date.isoformat() if e.birth_date is not None else "",
            str(e.home_organisation_id),
            json.dumps(e.skills, ensure_ascii=False),
            "active",
            position,
            1,
            0,
        )

    @on(Volunteer.ProfileChanged)
    def _profile_changed(self, tx: Transaction, e: Volunteer.ProfileChanged, position: int) -> None:
        self._volunteers.update(
            str(e.originator_id),
            name=e.name or ERASED_NAME,
            phone=e.phone or "",
            skills=json.dumps(e.skills, ensure_ascii=False),
        )

    @on(Volunteer.Moved)
    def _moved(self, tx: Transaction, e: Volunteer.Moved, position: int) -> None:
        self._volunteers.update(str(e.originator_id), organisation_id=str(e.organisation_id))

    @on(Volunteer.Suspended, Volunteer.Reinstated, Volunteer.Withdrew)
    def _status_changed(
        self,
        tx: Transaction,
        e: Volunteer.Suspended | Volunteer.Reinstated | Volunteer.Withdrew,
        position: int,
    ) -> None:
        self._volunteers.update(str(e.originator_id), status=STATUS_AFTER[type(e)])

    @on(Volunteer.Erased)
    def _erased(self, tx: Transaction, e: Volunteer.Erased, position: int) -> None:
        """The pseudonym for a name; no phone or birth date; off every public list."""
        self._volunteers.update(
            str(e.originator_id),
            name=e.pseudonym,
            phone="",
            birth_date="",
            status="erased",
            listed_publicly=0,
            guardian_listing_consent=0,
        )

    @on(Volunteer.ListingPreferencesChanged)
    def _listing(
        self, tx: Transaction, e: Volunteer.ListingPreferencesChanged, position: int
    ) -> None:
        self._volunteers.update(
            str(e.originator_id),
            listed_publicly=int(e.public),
            guardian_listing_consent=int(e.guardian_consent),
        )

    @on(Activity.Created)
    def _activity_created(self, tx: Transaction, e: Activity.Created, position: int) -> None:
        self._activities.insert(
            str(e.originator_id),
            e.title,
            e.category,
            str(e.organisation_id),
            e.location,
            e.description,
            0,
            e.contact,
        )

    @on(Activity.Closed)
    def _activity_closed(self, tx: Transaction, e: Activity.Closed, position: int) -> None:
        self._activities.update(str(e.originator_id), closed=1)


def _str(value: object | None) -> str | None:
    return None if value is None else str(value)
