"""Runs projections over the notification log: in shared batches, exactly once, resumable.

Projections that stand at the same position form a group. A batch of notifications is read and
decoded once and applied to every projection of the group; their view changes and their new
positions are written in one transaction of the read-model store, so a crash loses at most the
uncommitted batch, which is read again on restart. Inside that transaction each tracking row is
read again with ``row_lock`` (``FOR UPDATE`` on PostgreSQL): a projection another runner has
moved since (or a rebuild has reset) is left out of the batch, so no event is applied twice.

A projection behind the others (new, or being rebuilt) catches up on its own, in batches that
stop at the next group's position, and then joins that group.

How a batch is read and decoded, and what makes that fast (decoding only what a group
handles, ids that format fast, the read-ahead, the garbage collector paused), is
``projections.running.reading``. Longer than most modules even so: what is left is one
object's state (positions, groups, which projections' memory and indexes it can vouch for, the
follower thread), and the rules that keep a batch exactly-once read best side by side.

Positions are the event store's notification ids. They increase with commit order — the
PostgreSQL recorder locks the events table on insert, and SQLite has one writer — but may have
gaps (a rolled-back insert spends its ids), which reading "everything after my position"
tolerates.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from domain.ledger import Ledger
from projections.base import Projection
from projections.events import ERASURE_EVENTS
from projections.running.reading import BatchReader, collector_paused
from projections.stores.protocol import Transaction, ViewStore

#: Named as before the module moved into ``projections.running``: operators filter on it.
logger = logging.getLogger("projections.runner")

TRACKING_TABLE = """
CREATE TABLE IF NOT EXISTS projection_tracking (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    position BIGINT NOT NULL
)"""

BatchCallback = Callable[[str, int], None]

#: A catch-up at least this many events behind the head, and behind by at least as many
#: events as the projection has folded already, loads the tables without their query indexes
#: and builds them in its last batch: one sort per index costs far less than an index entry
#: placed at random for every row (the ids are UUIDs). Queries meanwhile work, more slowly.
BULK_LAG = 50_000
#: How often a following runner tries again after a failed round (the database away, say).
FOLLOW_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class Progress:
    name: str
    position: int
    head: int

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class ProjectionRunner:
    """Keeps a set of projections up to date with one ledger's events.

    ``prepare=False`` only reads: the tables are neither created nor rebuilt for a new version
    (for status displays that must not change anything). ``catch_up_on_wait=False`` makes
    ``wait_for`` only wait, when no follower runs here, instead of processing the events
    itself: for API processes whose read models projection workers keep current.
    ``bulk_lag``: how far behind a catch-up must start to defer the query indexes.
    """

    def __init__(
        self,
        ledger: Ledger,
        views: ViewStore,
        projections: Sequence[Projection],
        batch_size: int = 5000,
        *,
        prepare: bool = True,
        catch_up_on_wait: bool = True,
        bulk_lag: int = BULK_LAG,
    ) -> None:
        self.ledger = ledger
        self.views = views
        self.projections = list(projections)
        self.batch_size = batch_size
        self.catch_up_on_wait = catch_up_on_wait
        self.bulk_lag = bulk_lag
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        #: Each projection's position as its memory knows it (see ``Projection.forget``).
        self._memory_at: dict[str, int] = {}
        #: Whether each projection's query indexes are built (True) or left out (False), as
        #: far as this runner knows; the same conditions as ``_memory_at`` hold it valid.
        self._indexed: dict[str, bool] = {}
        self._reader = BatchReader(ledger, batch_size)
        self._applying = threading.Lock()
        #: Each projection's store: the one given, or a file of its own there (``part_for``).
        self._store = {p.name: views.part_for(p.name) for p in self.projections}
        for store in (views, *self._parts()):  # the main store first, as queries find it
            with store.transaction() as tx:
                store.serialise_setup(tx)
                tx.execute(TRACKING_TABLE)
                if not prepare:
                    continue
                for projection in self.projections:
                    if self._store[projection.name] is store:
                        self._prepare(tx, projection)
                    elif store is views:  # kept apart now: drop what an earlier layout left
                        self._move_out(tx, projection)

    def _parts(self) -> list[ViewStore]:
        """The stores other than ``views`` that hold some of the projections."""
        return list({id(s): s for s in self._store.values() if s is not self.views}.values())

    @staticmethod
    def _move_out(tx: Transaction, projection: Projection) -> None:
        """Drop the projection's tables and position from the main store, where an earlier
        layout kept them: queries would find them first. It is replayed in its own."""
        if tx.query("SELECT 1 FROM projection_tracking WHERE name = ?", (projection.name,)):
            projection.drop(tx)
            tx.execute("DELETE FROM projection_tracking WHERE name = ?", (projection.name,))

    def _prepare(self, tx: Transaction, projection: Projection) -> None:
        rows = tx.query(
            "SELECT version FROM projection_tracking WHERE name = ?", (projection.name,)
        )
        if rows and rows[0][0] != projection.version:
            projection.drop(tx)
            tx.execute("DELETE FROM projection_tracking WHERE name = ?", (projection.name,))
            rows = []
        projection.create(tx)
        if not rows:  # new tables: indexed from the start, unless a long catch-up drops them
            projection.create_indexes(tx)
            tx.execute(
                "INSERT INTO projection_tracking (name, version, position) VALUES (?, ?, 0)",
                (projection.name, projection.version),
            )

    def positions(self) -> dict[str, int]:
        """Each projection's position, by name (0 for one never run)."""
        rows: dict[str, int] = {}
        for store in (self.views, *self._parts()):
            found = store.query("SELECT name, position FROM projection_tracking")
            rows.update(
                (name, int(position)) for name, position in found if store is self._of(name)
            )
        return {p.name: rows.get(p.name, 0) for p in self.projections}

    def _of(self, name: str) -> ViewStore:
        return self.views.part_for(name)

    def position(self, projection: Projection) -> int:
        rows = self._of(projection.name).query(
            "SELECT position FROM projection_tracking WHERE name = ?", (projection.name,)
        )
        return int(rows[0][0]) if rows else 0

    def head(self) -> int:
        """The position of the last stored event."""
        return self.ledger.recorder.max_notification_id() or 0

    def progress(self) -> list[Progress]:
        head = self.head()
        positions = self.positions()
        return [Progress(p.name, positions[p.name], head) for p in self.projections]

    def catch_up(
        self,
        on_batch: BatchCallback | None = None,
        *,
        projections: Iterable[Projection] | None = None,
        stop: threading.Event | None = None,
        deadline: float | None = None,
    ) -> int:
        """Process every stored event not yet processed; returns how many events were applied.

        An event applied to several projections in one batch counts once. ``projections``
        limits the work to some of them; ``stop`` being set, or ``deadline`` (a
        ``time.monotonic()`` value) passing, ends it between batches. ``on_batch`` is called
        after each committed batch with each projection's name and the batch's size.
        """
        selected = self.projections if projections is None else list(projections)
        done = 0
        while not (stop is not None and stop.is_set()) and not (
            deadline is not None and time.monotonic() >= deadline
        ):
            with collector_paused():
                moved, applied = self._step(selected, on_batch)
            done += applied
            if not moved:
                break
        if done:
            with self._changed:
                self._changed.notify_all()
        return done

    def _step(
        self, selected: Sequence[Projection], on_batch: BatchCallback | None
    ) -> tuple[bool, int]:
        """One batch for the group furthest behind: whether any position moved, and how many
        events were applied."""
        if not selected:
            return False, 0
        positions = self.positions()
        groups: dict[int, list[Projection]] = {}
        for projection in selected:
            groups.setdefault(positions[projection.name], []).append(projection)
        start = min(groups)
        group = groups[start]
        ahead = [position for position in groups if position > start]
        stop = min(ahead) if ahead else None
        head = self.head()
        handled = frozenset[type]().union(*(projection.handlers for projection in group))
        batch = self._reader.read(start, stop, handled)
        if stop is not None and batch.read < self.batch_size:
            # Everything up to the group ahead has been read (ids commit in order, so no more
            # will appear below it): join that group, even across a gap.
            end = stop
        elif batch.read:
            end = batch.last
        else:
            return False, 0
        # With no group ahead and a full batch, the next step will most likely read on from
        # ``end``: read that while this batch commits (a guess checked when it is used).
        next_start = end if stop is None and batch.read == self.batch_size else None
        # One transaction per store the group's projections live in, each committing while
        # the next store's share is applied (the last one's, while the next batch is read).
        by_store: dict[int, list[Projection]] = {}
        for projection in group:
            by_store.setdefault(id(self._of(projection.name)), []).append(projection)
        shares = list(by_store.values())
        applied: list[Projection] = []
        moved = False

        def apply_share(index: int) -> None:
            nonlocal moved
            if index == len(shares):
                if next_start is not None:
                    self._reader.read_ahead(next_start, handled)
                return
            share_applied, share_moved = self._apply(
                shares[index],
                start,
                end,
                head,
                batch.events,
                meanwhile=lambda: apply_share(index + 1),
            )
            applied.extend(share_applied)
            moved = moved or share_moved

        with self._applying:
            apply_share(0)
        applied = [p for p in group if p in applied]  # in the group's order, not commit order
        if on_batch is not None:
            for projection in applied:
                on_batch(projection.name, batch.read)
        return moved, batch.read if applied else 0

    def _apply(
        self,
        group: list[Projection],
        start: int,
        end: int,
        head: int,
        events: list[tuple[Any, int]],
        *,
        meanwhile: Callable[[], None],
    ) -> tuple[list[Projection], bool]:
        """Apply the events to the group (whose projections live in one store) and move it to
        ``end``, in one transaction; in a long catch-up (``bulk_lag``), without the query
        indexes until its last batch.

        Returns the projections it applied them to, and whether any position moved (by this
        batch, or by another runner since we read it, in which case we read it again).
        ``meanwhile`` runs while it commits.
        """
        names = [p.name for p in group]
        marks = ", ".join("?" * len(names))
        views = self._of(names[0])
        with views.batch(meanwhile=meanwhile) as tx:
            rows = tx.query(
                f"SELECT name, position FROM projection_tracking WHERE name IN ({marks}) "
                "ORDER BY name" + views.row_lock,
                names,
            )
            current = {name: int(position) for name, position in rows}
            # Another runner moved it, or a rebuild reset it, since we read the position.
            active = [p for p in group if current.get(p.name) == start]
            indexed: dict[str, bool | None] = {}
            for projection in active:
                state = self._indexed.pop(projection.name, None)
                if self._memory_at.get(projection.name) != start:
                    projection.forget()
                    state = None
                self._memory_at.pop(projection.name, None)
                if state is not False and head - start >= max(self.bulk_lag, start):
                    projection.drop_indexes(tx)
                    state = False
                projection.apply_batch(tx, events)
                if state is not True and head - end < self.batch_size:
                    projection.create_indexes(tx)
                    state = True
                indexed[projection.name] = state
            if active:
                marks = ", ".join("?" * len(active))
                tx.execute(
                    f"UPDATE projection_tracking SET position = ? WHERE name IN ({marks})",
                    [end, *(p.name for p in active)],
                )
        if active and any(type(event) in ERASURE_EVENTS for event, _ in events):
            views.scrub()  # the erased person's data must not linger in old pages
        for projection in active:  # committed: their memory now matches the tables at ``end``
            self._memory_at[projection.name] = end
            if (state := indexed[projection.name]) is not None:
                self._indexed[projection.name] = state
        moved = bool(active) or any(current.get(p.name, start) != start for p in group)
        return active, moved

    def rebuild(self, projection: Projection) -> None:
        """Drop the projection's tables and its position; the next catch-up replays it."""
        self._memory_at.pop(projection.name, None)
        self._indexed.pop(projection.name, None)
        with self._of(projection.name).transaction() as tx:
            tx.execute(
                "UPDATE projection_tracking SET position = 0 WHERE name = ?", (projection.name,)
            )
            projection.drop(tx)
            projection.create(tx)
            projection.create_indexes(tx)

    def wait_for(self, position: int, timeout: float) -> int:
        """Wait until every projection has processed ``position``, or ``timeout`` seconds pass.

        Returns the position the read models reflect (the lowest of the projections).
        """
        deadline = time.monotonic() + timeout
        while True:
            reached = min(self.positions().values(), default=position)
            remaining = deadline - time.monotonic()
            if reached >= position or remaining <= 0:
                return reached
            if self._thread is None and self.catch_up_on_wait:
                self.catch_up()
                continue
            with self._changed:
                self._changed.wait(min(remaining, 0.05))

    def follow(self, interval: float = 0.1, retry: float = FOLLOW_RETRY_SECONDS) -> None:
        """Follow the store in a background thread (the SQLite store has no push).

        A failed round (the database away, a failing handler) is logged once and tried again
        every ``retry`` seconds, from the committed positions, until one succeeds.
        """
        self._stopping.clear()

        def loop() -> None:
            failing = False
            while not self._stopping.is_set():
                try:
                    processed = self.catch_up(stop=self._stopping)
                except Exception:  # keep following; the next round retries the batch
                    if not failing:
                        logger.exception("projections paused; retrying every %gs", retry)
                    failing = True
                    self._stopping.wait(retry)
                    continue
                if failing:
                    logger.warning("projections resumed")
                    failing = False
                if not processed:
                    self._stopping.wait(interval)

        self._thread = threading.Thread(target=loop, name="projections", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
