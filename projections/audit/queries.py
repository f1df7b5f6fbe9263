"""Queries over the audit trail: a filtered page by position, or every matching row in pages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections.audit.reading import DirectoryLookup, with_summaries
from projections.audit.text import utc_text
from projections.audit.view import ENTRY_COLUMNS
from projections.stores.protocol import ViewStore

#: The columns read: every stored one but ``actor_id``, which ``actor`` holds.
READ_COLUMNS = tuple(column for column in ENTRY_COLUMNS if column != "actor_id")
#: The columns a reader sees: those read, with the summary rendered from the facts.
AUDIT_COLUMNS = tuple("summary" if column == "facts" else column for column in READ_COLUMNS)


@dataclass(frozen=True)
class AuditFilter:
    """Which rows to read. ``organisation_ids`` None: any organisation, or none at all;
    a sequence: only rows whose organisation is one of them (an empty one matches nothing).
    ``since`` is inclusive and ``until`` exclusive; ``leave_out`` names event types to skip."""

    volunteer_id: str | None = None
    organisation_ids: Sequence[str] | None = None
    actor_id: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    leave_out: frozenset[str] = frozenset()

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = ["1 = 1"], []
        for column, value in (
            ("volunteer_id", self.volunteer_id),
            ("actor_id", self.actor_id),
            ("event_type", self.event_type),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.organisation_ids is not None:
            ids = list(self.organisation_ids) or [""]
            clauses.append(f"organisation_id IN ({', '.join('?' * len(ids))})")
            params += ids
        if self.leave_out:
            clauses.append(f"event_type NOT IN ({', '.join('?' * len(self.leave_out))})")
            params += sorted(self.leave_out)
        if self.since is not None:
            clauses.append("at >= ?")
            params.append(utc_text(self.since))
        if self.until is not None:
            clauses.append("at < ?")
            params.append(utc_text(self.until))
        return " AND ".join(clauses), params


def audit_page(
    views: ViewStore,
    where: AuditFilter,
    *,
    names: DirectoryLookup,
    limit: int,
    after: int | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to ``limit`` rows after position ``after``, oldest first, each with its summary
    (people and places named through ``names``), and the position to continue after when
    more may follow."""
    sql, params = where.where()
    if after is not None:
        sql += " AND position > ?"
        params.append(after)
    rows = views.query(
        f"SELECT {', '.join(READ_COLUMNS)} FROM audit_entries WHERE {sql} "
        "ORDER BY position LIMIT ?",
        [*params, limit + 1],
    )
    items = with_summaries(
        views, names, [dict(zip(READ_COLUMNS, row, strict=True)) for row in rows[:limit]]
    )
    for item in items:
        item["position"] = int(item["position"])
    more = len(rows) > limit
    return items, items[-1]["position"] if more else None


def audit_rows(
    views: ViewStore, where: AuditFilter, *, names: DirectoryLookup, page_size: int = 500
) -> Iterator[dict[str, Any]]:
    """Every matching row, oldest first, read a page at a time (for an export)."""
    after: int | None = None
    while True:
        items, after = audit_page(views, where, names=names, limit=page_size, after=after)
        yield from items
        if after is None:
            return
