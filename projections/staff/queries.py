"""Queries over the staff read model."""

from __future__ import annotations

from typing import Any

from projections.stores.protocol import ViewStore

COLUMNS = ("account_id", "username", "display_name", "disabled", "appointed_at", "appointed_by")


def organisers_of(views: ViewStore, organisation_id: str) -> list[dict[str, Any]]:
    """The accounts appointed to organise this organisation now, longest-serving first."""
    rows = views.query(
        "SELECT a.account_id, s.username, s.display_name, s.disabled, a.appointed_at, "
        "a.appointed_by FROM staff_appointments a JOIN staff_accounts s ON s.id = a.account_id "
        "WHERE a.organisation_id = ? ORDER BY a.appointed_at, a.account_id",
        (organisation_id,),
    )
    return [{**dict(zip(COLUMNS, row, strict=True)), "disabled": bool(row[3])} for row in rows]
