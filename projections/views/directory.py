"""The directory: organisations, volunteers and activities as people look them up."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from domain.activity import Activity
from domain.organisation import Organisation
from domain.volunteer import Volunteer
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    RECOGNITION_EVENTS,
    SERVICE_RECORD_EVENTS,
    SHIFT_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
)
from projections.store import Transaction


class Directory(Projection):
    """Names, numbers and statuses, for rosters, lists and lookups."""

    name = "directory"
    version = 2
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *CERTIFICATE_EVENTS,
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
            "CREATE INDEX IF NOT EXISTS dir_volunteers_org ON dir_volunteers (organisation_id)"
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS dir_activities (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, category TEXT NOT NULL,
                organisation_id TEXT NOT NULL, location TEXT NOT NULL, description TEXT NOT NULL,
                closed INTEGER NOT NULL DEFAULT 0)"""
        )

    def drop(self, tx: Transaction) -> None:
        for table in ("dir_organisations", "dir_volunteers", "dir_activities"):
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    @on(Organisation.Created)
    def _organisation_created(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO dir_organisations (id, name, kind, parent_id, timezone) "
            "VALUES (?, ?, ?, ?, ?)",
            (str(e.originator_id), e.name, e.kind, _str(e.parent_id), e.timezone),
        )

    @on(Organisation.Renamed)
    def _organisation_renamed(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE dir_organisations SET name = ? WHERE id = ?", (e.name, str(e.originator_id))
        )

    @on(Organisation.Closed)
    def _organisation_closed(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute("UPDATE dir_organisations SET closed = 1 WHERE id = ?", (str(e.originator_id),))

    @on(Volunteer.Registered)
    def _registered(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO dir_volunteers (id, volunteer_number, name, phone, birth_date, "
            "organisation_id, skills, status, registered_position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)",
            (
                str(e.originator_id),
                e.volunteer_number,
                e.name,
                e.phone,
                e.birth_date.isoformat(),
                str(e.home_organisation_id),
                json.dumps(e.skills, ensure_ascii=False),
                position,
            ),
        )

    @on(Volunteer.ProfileChanged)
    def _profile_changed(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE dir_volunteers SET name = ?, phone = ?, skills = ? WHERE id = ?",
            (e.name, e.phone, json.dumps(e.skills, ensure_ascii=False), str(e.originator_id)),
        )

    @on(Volunteer.Moved)
    def _moved(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE dir_volunteers SET organisation_id = ? WHERE id = ?",
            (str(e.organisation_id), str(e.originator_id)),
        )

    @on(Volunteer.Suspended, Volunteer.Reinstated, Volunteer.Withdrew)
    def _status_changed(self, tx: Transaction, e: Any, position: int) -> None:
        status = {"Suspended": "suspended", "Reinstated": "active", "Withdrew": "withdrawn"}
        tx.execute(
            "UPDATE dir_volunteers SET status = ? WHERE id = ?",
            (status[type(e).__name__], str(e.originator_id)),
        )

    @on(Volunteer.ListingPreferencesChanged)
    def _listing(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE dir_volunteers SET listed_publicly = ?, guardian_listing_consent = ? "
            "WHERE id = ?",
            (int(e.public), int(e.guardian_consent), str(e.originator_id)),
        )

    @on(Activity.Created)
    def _activity_created(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO dir_activities (id, title, category, organisation_id, location, "
            "description) VALUES (?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id),
                e.title,
                e.category,
                str(e.organisation_id),
                e.location,
                e.description,
            ),
        )

    @on(Activity.Closed)
    def _activity_closed(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute("UPDATE dir_activities SET closed = 1 WHERE id = ?", (str(e.originator_id),))


def _str(value: object | None) -> str | None:
    return None if value is None else str(value)
