"""Runs projections over the notification log: in batches, exactly once, resumable.

Each batch of events and the projection's new position are written in one transaction of the
read-model store. A crash loses at most an uncommitted batch, which is read again on restart.
Positions are the event store's notification ids: they increase with commit order (the
PostgreSQL recorder locks the table on insert) but may have gaps, which reading
"everything after my position" tolerates.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from domain.ledger import Ledger
from projections.base import Projection
from projections.store import Transaction, ViewStore

logger = logging.getLogger(__name__)

TRACKING_TABLE = """
CREATE TABLE IF NOT EXISTS projection_tracking (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    position BIGINT NOT NULL
)"""


@dataclass(frozen=True)
class Progress:
    name: str
    position: int
    head: int

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class ProjectionRunner:
    """Keeps a set of projections up to date with one ledger's events."""

    def __init__(
        self,
        ledger: Ledger,
        views: ViewStore,
        projections: Sequence[Projection],
        batch_size: int = 500,
    ) -> None:
        self.ledger = ledger
        self.views = views
        self.projections = list(projections)
        self.batch_size = batch_size
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        with views.transaction() as tx:
            tx.execute(TRACKING_TABLE)
            for projection in self.projections:
                self._prepare(tx, projection)

    def _prepare(self, tx: Transaction, projection: Projection) -> None:
        rows = tx.query(
            "SELECT version FROM projection_tracking WHERE name = ?", (projection.name,)
        )
        if rows and rows[0][0] != projection.version:
            projection.drop(tx)
            tx.execute("DELETE FROM projection_tracking WHERE name = ?", (projection.name,))
            rows = []
        projection.create(tx)
        if not rows:
            tx.execute(
                "INSERT INTO projection_tracking (name, version, position) VALUES (?, ?, 0)",
                (projection.name, projection.version),
            )

    def position(self, projection: Projection) -> int:
        rows = self.views.query(
            "SELECT position FROM projection_tracking WHERE name = ?", (projection.name,)
        )
        return int(rows[0][0]) if rows else 0

    def progress(self) -> list[Progress]:
        head = self.ledger.recorder.max_notification_id() or 0
        return [Progress(p.name, self.position(p), head) for p in self.projections]

    def catch_up(self, on_batch: Callable[[str, int], None] | None = None) -> int:
        """Process every stored event not yet processed; returns how many were applied."""
        done = 0
        for projection in self.projections:
            while True:
                applied = self._run_batch(projection)
                if applied == 0:
                    break
                done += applied
                if on_batch is not None:
                    on_batch(projection.name, applied)
        if done:
            with self._changed:
                self._changed.notify_all()
        return done

    def _run_batch(self, projection: Projection) -> int:
        start = self.position(projection) + 1
        notifications = self.ledger.recorder.select_notifications(
            start=start, limit=self.batch_size
        )
        if not notifications:
            return 0
        mapper = self.ledger.mapper
        with self.views.transaction() as tx:
            rows = tx.query(
                "SELECT position FROM projection_tracking WHERE name = ?" + self.views.row_lock,
                (projection.name,),
            )
            if int(rows[0][0]) >= start:  # another runner got there first
                return 0
            for notification in notifications:
                event: Any = mapper.to_domain_event(notification)
                projection.apply(tx, event, notification.id)
            tx.execute(
                "UPDATE projection_tracking SET position = ? WHERE name = ?",
                (notifications[-1].id, projection.name),
            )
        return len(notifications)

    def rebuild(self, projection: Projection) -> None:
        """Drop the projection's tables and its position; the next catch-up replays it."""
        with self.views.transaction() as tx:
            projection.drop(tx)
            tx.execute(
                "UPDATE projection_tracking SET position = 0 WHERE name = ?", (projection.name,)
            )
            projection.create(tx)

    def wait_for(self, position: int, timeout: float) -> int:
        """Wait until every projection has processed ``position``, or ``timeout`` seconds pass.

        Returns the position the read models reflect (the lowest of the projections).
        """
        deadline = time.monotonic() + timeout
        while True:
            reached = min((self.position(p) for p in self.projections), default=position)
            remaining = deadline - time.monotonic()
            if reached >= position or remaining <= 0:
                return reached
            if self._thread is None:
                self.catch_up()
                continue
            with self._changed:
                self._changed.wait(min(remaining, 0.05))

    def follow(self, interval: float = 0.1) -> None:
        """Follow the store in a background thread (the SQLite store has no push)."""

        def loop() -> None:
            while not self._stopping.is_set():
                try:
                    processed = self.catch_up()
                except Exception:  # keep following; the next round retries the batch
                    logger.exception("projection batch failed")
                    processed = 0
                if not processed:
                    self._stopping.wait(interval)

        self._thread = threading.Thread(target=loop, name="projections", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
