"""The list routes' rows as files: service records, a leaderboard, the audit trail.

Each turns what its read model gives into readable columns (people by name and volunteer
number, organisations and activities by name, times in the organisation's zone as
``2026-12-02 07:30:00``, hours beside minutes) and every row in scope into one CSV download.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi.responses import StreamingResponse

from api.deps import Services
from api.exports import csv_response
from api.names import Names, directory_lookup
from api.readable import hours, local
from domain.policy import mask_name, mask_volunteer_number
from projections.audit.bookkeeping import BOOKKEEPING_EVENT_TYPES
from projections.audit.queries import AuditFilter, audit_rows
from projections.hours.queries import Board
from projections.service_records.queries import records_of_volunteer

PAGE = 500

RECORD_COLUMNS = (
    "volunteer_number",
    "volunteer",
    "service_date",
    "started_at_local",
    "ended_at_local",
    "activity",
    "organization",
    "source",
    "minutes",
    "hours",
    "status",
    "needs_review",
    "description",
    "beneficiary",
    "requested_minutes",
)
LEADERBOARD_COLUMNS = ("rank", "volunteer_number", "name", "approved_minutes", "hours")
AUDIT_COLUMNS = (
    "position",
    "at_local",
    "actor",
    "actor_volunteer_number",
    "volunteer",
    "volunteer_number",
    "organization",
    "event_type",
    "summary",
    "reason",
)


def local_text(moment: str | datetime, timezone: str) -> str:
    """An instant as people there read it, and as a spreadsheet takes a date and time."""
    instant = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return local(instant, timezone).strftime("%Y-%m-%d %H:%M:%S")


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, PAGE)):
        yield chunk


def records_csv(services: Services, volunteer_id: UUID) -> StreamingResponse:
    """Every record of the volunteer, newest service first."""
    names = Names(services.ledger, services.views)
    volunteer = services.ledger.volunteer(volunteer_id)
    number, key = volunteer.volunteer_number, str(volunteer_id)

    def rows() -> Iterator[list[Any]]:
        after = None
        while True:
            page = records_of_volunteer(services.views, key, limit=PAGE, after=after)
            names.learn("activity", (item["activity_id"] for item in page.items))
            names.learn("organisation", (item["organisation_id"] for item in page.items))
            for item in page.items:
                zone = names.timezone(item["organisation_id"])
                yield [
                    number,
                    volunteer.name,
                    item["service_date"],
                    local_text(item["started_at"], zone),
                    local_text(item["ended_at"], zone),
                    names.activity(item["activity_id"]),
                    names.organisation(item["organisation_id"]),
                    item["source"],
                    item["minutes"],
                    hours(item["minutes"]),
                    item["status"],
                    "yes" if item["needs_review"] else "no",
                    item["description"],
                    item["beneficiary"],
                    item["requested_minutes"],
                ]
            after = page.next_after
            if after is None:
                return

    return csv_response(RECORD_COLUMNS, rows(), f"service-records-{number}.csv")


def leaderboard_csv(
    fetch: Callable[[tuple[str, str] | None], Board], *, full_names: bool, filename: str
) -> StreamingResponse:
    """Every entry of the board ``fetch`` pages through, names and numbers masked unless
    ``full_names``."""

    def rows() -> Iterator[list[Any]]:
        after = None
        while True:
            board = fetch(after)
            for entry in board.entries:
                name, number = entry["name"], entry["volunteer_number"]
                if not full_names:
                    name, number = mask_name(name), mask_volunteer_number(number)
                minutes = entry["approved_minutes"]
                yield [entry["rank"], number, name, minutes, hours(minutes)]
            after = board.next_after
            if after is None:
                return

    return csv_response(LEADERBOARD_COLUMNS, rows(), filename)


def audit_csv(services: Services, where: AuditFilter) -> StreamingResponse:
    """Every matching event but the ledger's bookkeeping, oldest first."""
    names = Names(services.ledger, services.views)
    where = dataclasses.replace(where, leave_out=where.leave_out | BOOKKEEPING_EVENT_TYPES)

    def rows() -> Iterator[list[Any]]:
        for chunk in _chunks(
            audit_rows(
                services.views, where, names=directory_lookup(services.views), page_size=PAGE
            )
        ):
            names.learn("volunteer", (row["volunteer_id"] for row in chunk))
            names.learn("organisation", (row["organisation_id"] for row in chunk))
            for row in chunk:
                organisation = row["organisation_id"]
                yield [
                    row["position"],
                    local_text(row["at"], names.timezone(organisation)),
                    *names.actor(row["actor"]),
                    *names.volunteer(row["volunteer_id"]),
                    names.organisation(organisation),
                    row["event_type"],
                    row["summary"],
                    row["reason"],
                ]

    return csv_response(AUDIT_COLUMNS, rows(), "audit.csv")
