"""Finding a volunteer of an organisation's subtree by what people know: name, phone, number."""

from __future__ import annotations

import re
from typing import Any

from projections.directory.tree import SUBTREE
from projections.paging import Page, page_of
from projections.stores.lookups import like_pattern
from projections.stores.protocol import ViewStore

FOUND_COLUMNS = (
    "id",
    "volunteer_number",
    "name",
    "phone",
    "organisation_id",
    "organisation_name",
    "status",
)
_SEPARATORS = re.compile(r"[\s\-()]")
#: Fewer digits than this match too many phones to be a search.
MIN_DIGITS = 4


def digits_of(text: str) -> str | None:
    """The digits someone typed for a phone or volunteer number (spaces, dashes and a +86
    or 0086 prefix dropped), or None if the text is not one."""
    digits = _SEPARATORS.sub("", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix) and len(digits) > len(prefix) + 4:
            digits = digits[len(prefix) :]
    return digits if digits.isdigit() and len(digits) >= MIN_DIGITS else None


def volunteers_of(
    views: ViewStore,
    organisation_id: str,
    q: str | None,
    *,
    limit: int,
    after: tuple[str, str] | None,
) -> Page:
    """Volunteers whose home is the organisation or one below it, by volunteer number, whose
    name contains ``q``, or (``q`` being digits) whose phone contains them or whose volunteer
    number starts with them. The phone is returned as stored: the caller masks it."""
    sql = (
        f"{SUBTREE}SELECT v.id, v.volunteer_number, v.name, v.phone, v.organisation_id, o.name, "
        "v.status FROM dir_volunteers v LEFT JOIN dir_organisations o ON o.id = v.organisation_id "
        "WHERE v.organisation_id IN (SELECT id FROM subtree)"
    )
    params: list[Any] = [organisation_id]
    if q:
        matches = ["LOWER(v.name) LIKE ? ESCAPE '\\'"]
        params.append(like_pattern(q))
        digits = digits_of(q)
        if digits is not None:
            matches += ["v.phone LIKE ?", "v.volunteer_number LIKE ?"]
            params += [f"%{digits}%", f"{digits}%"]
        sql += f" AND ({' OR '.join(matches)})"
    if after is not None:
        sql += " AND (v.volunteer_number > ? OR (v.volunteer_number = ? AND v.id > ?))"
        params += [after[0], after[0], after[1]]
    sql += " ORDER BY v.volunteer_number, v.id LIMIT ?"
    rows = [
        dict(zip(FOUND_COLUMNS, row, strict=True)) for row in views.query(sql, [*params, limit + 1])
    ]
    return page_of(rows, limit, ("volunteer_number", "id"))
