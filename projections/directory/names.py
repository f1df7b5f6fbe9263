"""Names for ids, many in one read: what an export shows instead of uuids."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from projections.stores.lookups import select_in
from projections.stores.protocol import ViewStore

#: Per kind of id, the directory table and the columns given for each (after its id).
NAMED = {
    "volunteer": ("dir_volunteers", ("name", "volunteer_number", "organisation_id")),
    "organisation": ("dir_organisations", ("name", "timezone")),
    "activity": ("dir_activities", ("title", "organisation_id")),
}


def names_of(views: ViewStore, kind: str, ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """The directory's row for each id it knows, as ``{id: {column: value}}``."""
    if not ids:
        return {}
    table, columns = NAMED[kind]
    with views.read() as tx:
        rows = select_in(tx, f"SELECT id, {', '.join(columns)} FROM {table} WHERE id", sorted(ids))
    return {row[0]: dict(zip(columns, row[1:], strict=True)) for row in rows}


def pseudonyms_of(views: ViewStore, ids: Collection[str]) -> dict[str, str]:
    """For each of these volunteers that has been erased, the pseudonym that stands for them."""
    if not ids:
        return {}
    with views.read() as tx:
        rows = select_in(
            tx, "SELECT id, name FROM dir_volunteers WHERE status = 'erased' AND id", sorted(ids)
        )
    return {row[0]: row[1] for row in rows}
