"""Cheap lookups for projections that fold a batch in memory: many keys in one read, and ids
as text."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from projections.stores.protocol import Row, Transaction

#: How many keys one ``select_in`` statement takes. A few fixed sizes (the rest padded with
#: repeats, which match nothing more) keep the statements PostgreSQL prepares few.
IN_SIZES = (8, 64, 512)


def select_in(tx: Transaction, sql: str, keys: Sequence[str]) -> list[Row]:
    """The rows of ``sql``, which ends in the column to match, whose column is one of ``keys``."""
    rows: list[Row] = []
    for start in range(0, len(keys), IN_SIZES[-1]):
        chunk = list(keys[start : start + IN_SIZES[-1]])
        size = next(size for size in IN_SIZES if size >= len(chunk))
        chunk += chunk[:1] * (size - len(chunk))
        rows += tx.query(f"{sql} IN ({', '.join('?' * size)})", chunk)
    return rows


#: Ids formatted lately, by their integer (whose hash, unlike a UUID's, costs no Python call).
_TEXTS: dict[int, str] = {}
TEXTS_KEPT = 1 << 14


def text(id: UUID) -> str:
    """``str(id)``, remembered: the same volunteers, activities and shifts recur from one event
    to the next, and formatting a UUID costs several times a look-up."""
    found = _TEXTS.get(id.int)
    if found is None:
        if len(_TEXTS) >= TEXTS_KEPT:
            _TEXTS.clear()
        found = _TEXTS[id.int] = str(id)
    return found


def like_pattern(text: str) -> str:
    """``%text%``, lower-cased, for ``LOWER(column) LIKE ? ESCAPE '\\'``: the text's own ``%``,
    ``_`` and ``\\`` match only themselves (on SQLite and PostgreSQL alike)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"
