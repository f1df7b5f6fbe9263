"""A page of query results and the sort key to continue after: shared by the read models' lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_after: tuple[str, str] | None
    """The sort key of the last item, when more may follow."""


def page_of(rows: list[dict[str, Any]], limit: int, key: tuple[str, str]) -> Page:
    """The first ``limit`` of ``rows`` (fetched one more to tell whether more follow), and the
    ``key`` columns of the last as the place to continue after."""
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        return Page(rows, (str(last[key[0]]), str(last[key[1]])))
    return Page(rows, None)
