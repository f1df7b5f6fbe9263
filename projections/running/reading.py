"""How the runner reads the notification log: in batches, decoding only what a group handles,
with ids that format fast, the next batch read while the last one commits, and the cyclic
garbage collector paused for a batch.

Every shortcut the projections' speed owes to reading lives here, so that the read models stay
plain folds of typed events: they call ``str(e.volunteer_id)`` and never see a cache.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID, SafeUUID

from eventsourcing.utils import resolve_topic

from domain.ledger import Ledger

#: How many ids ``Ids`` keeps at most before it lets them all go and starts again.
IDS_KEPT: Final = 1 << 14


@dataclass(frozen=True)
class Batch:
    """Notifications read after a position: how many, the id of the last (or the position
    itself if none), and those a group handles, decoded, as (event, position) pairs."""

    read: int
    last: int
    events: list[tuple[Any, int]]


class TextedUUID(UUID):
    """A UUID that knows its text: ``str()`` returns it instead of formatting it again.

    Equal to, hashed as, and an instance of ``UUID``: a projection cannot tell it from the
    one it replaces, except that formatting it costs a look-up instead of several times that.
    """

    __slots__ = ("_text",)
    _text: str

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"UUID({self._text!r})"


class Ids:
    """The ids of the events decoded lately, one ``TextedUUID`` each: the same volunteers,
    activities and shifts recur from one event to the next."""

    def __init__(self, kept: int = IDS_KEPT) -> None:
        self.kept = kept
        #: By the id's integer, whose hash (unlike a UUID's) costs no Python call.
        self._known: dict[int, TextedUUID] = {}

    def texted(self, id: UUID) -> TextedUUID:
        found = self._known.get(id.int)
        if found is None:
            if len(self._known) >= self.kept:
                self._known.clear()
            found = object.__new__(TextedUUID)
            object.__setattr__(found, "int", id.int)
            object.__setattr__(found, "is_safe", SafeUUID.unknown)
            object.__setattr__(found, "_text", str(id))
            self._known[id.int] = found
        return found

    def replace_in(self, event: object) -> None:
        """Put texted ids in place of the event's UUID fields (those at its top level)."""
        fields = event.__dict__
        for name, value in fields.items():
            if type(value) is UUID:
                fields[name] = self.texted(value)


class BatchReader:
    """Reads batches of notifications from a ledger's log and decodes the events a group of
    projections handles.

    A group that handles few event types (one projection being rebuilt, say) skips the cost of
    decoding the rest: no projection of the group would look at them. ``read_ahead`` reads the
    batch a later ``read`` will most likely ask for, while the caller does something else (the
    runner: while its last batch commits).
    """

    def __init__(self, ledger: Ledger, batch_size: int) -> None:
        self.ledger = ledger
        self.batch_size = batch_size
        self.ids = Ids()
        #: The batch read ahead, and what it was read for: ((after, handled classes), batch).
        self._ahead: tuple[tuple[int, frozenset[type]], Batch] | None = None
        #: Per set of event classes a group handles: whether to decode a topic's events.
        self._decodes: dict[frozenset[type], dict[str, bool]] = {}

    def read(self, after: int, stop: int | None, handled: frozenset[type]) -> Batch:
        """The next batch after ``after`` (up to ``stop``); of its events, those of the
        ``handled`` classes decoded."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == (after, handled) and stop is None:
            return ahead[1]
        notifications = self.ledger.recorder.select_notifications(
            start=after + 1, limit=self.batch_size, stop=stop
        )
        if not notifications:
            return Batch(0, after, [])
        decodes = self._decodes.setdefault(handled, {})
        to_domain_event = self.ledger.mapper.to_domain_event
        replace_ids = self.ids.replace_in
        events = []
        for notification in notifications:
            topic = notification.topic
            decode = decodes.get(topic)
            if decode is None:  # an unknown topic fails here, as decoding it would
                decode = decodes[topic] = resolve_topic(topic) in handled
            if decode:
                event = to_domain_event(notification)
                replace_ids(event)
                events.append((event, notification.id))
        return Batch(len(notifications), notifications[-1].id, events)

    def read_ahead(self, after: int, handled: frozenset[type]) -> None:
        """Read the batch after ``after`` for a later ``read``; a failure is left for that
        ``read`` to meet again."""
        try:
            batch = self.read(after, None, handled)
        except Exception:  # read again, and fail then, in the next step
            self._ahead = None
        else:
            self._ahead = ((after, handled), batch)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for one batch, and on again after it.

    Decoding a batch allocates a great many objects that live until the batch ends. Counting
    those allocations, the collector would run again and again, and each full pass walks every
    object the projections remember (up to 100,000 audit subjects): over a million events that
    was a sixth of the catch-up. Nothing is lost: the next pass after the batch collects what
    this one would have. (Another thread's batch that began meanwhile may see it on again.)
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
