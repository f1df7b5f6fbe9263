"""Cheap lookups for projections that fold a batch in memory: many keys in one read."""

from __future__ import annotations

from collections.abc import Sequence

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


def like_pattern(text: str) -> str:
    """``%text%``, lower-cased, for ``LOWER(column) LIKE ? ESCAPE '\\'``: the text's own ``%``,
    ``_`` and ``\\`` match only themselves (on SQLite and PostgreSQL alike)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"
