"""The event store's rows in order for the log audit, with rows it can no longer read marked.

A hand edit can leave a row the recorder cannot turn into a notification at all (PostgreSQL's
``state`` column retyped as text, say): reading a batch that holds it fails. The audit must
still say where, so the batch is read again up to the first bad row, which a search finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eventsourcing.persistence import ApplicationRecorder, Notification


@dataclass(frozen=True)
class UnreadableRow:
    """A stored row the event store cannot hand back: its type was changed by hand."""

    id: int
    error: Exception


Row = Notification | UnreadableRow


def read_rows(recorder: ApplicationRecorder, start: int, limit: int) -> Sequence[Row]:
    """Up to ``limit`` rows from ``start``; if one cannot be read, the rows before it and it.

    An error no row is to blame for (the database itself failing) is raised.
    """
    try:
        return recorder.select_notifications(start=start, limit=limit)
    except Exception as error:
        bad = _first_unreadable(recorder, start, limit)
        if bad is None:
            raise
        before: list[Row] = []
        if bad > start:
            before += recorder.select_notifications(start=start, limit=limit, stop=bad - 1)
        return [*before, UnreadableRow(bad, error)]


def _first_unreadable(recorder: ApplicationRecorder, start: int, limit: int) -> int | None:
    """The position of the first row from ``start`` that cannot be read, if any.

    Reading up to ``stop`` fails once ``stop`` reaches the bad row, so the smallest failing
    ``stop`` is its position: galloping from ``start`` (bad rows tend to come together), then
    halving.
    """

    def fails(stop: int) -> bool:
        try:
            recorder.select_notifications(start=start, limit=limit, stop=stop)
        except Exception:
            return True
        return False

    top = recorder.max_notification_id() or 0
    good, step = start - 1, 1
    while True:
        if good >= top:
            return None
        probe = min(good + step, top)
        if fails(probe):
            break
        good, step = probe, step * 2
    bad = probe
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (good, middle) if fails(middle) else (middle, bad)
    return bad
