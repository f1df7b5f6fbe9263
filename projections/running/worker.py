"""Projection workers: each projection active in one worker at a time; a standby takes over.

A worker runs the projections it holds a lease on, and retries the others every few seconds.

- On PostgreSQL a lease is a session-level advisory lock per projection
  (``pg_try_advisory_lock`` on a 64-bit key derived from the schema and the projection's name),
  taken on a connection of the worker's own and held for as long as the worker runs the
  projection. When the worker dies its session ends, the locks go with it, and a standby's
  next retry takes them over.
- On SQLite, the embedded shape, one worker runs every projection: its lease is an exclusive
  lock on a file beside the read models, and a second worker waits on it.

The leases decide who does the work; exactly-once does not depend on them. Every batch re-reads
its tracking rows under a row lock and skips a projection another runner has moved, so even two
workers briefly active for the same projection (a lock connection lost and not yet noticed)
apply no event twice.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from projections.running.runner import ProjectionRunner
from projections.stores.postgres import PostgresViewStore
from projections.stores.protocol import ViewStore
from projections.stores.sqlite import SQLiteViewStore

#: Named as before the module moved into ``projections.running``: operators filter on it.
logger = logging.getLogger("projections.worker")

#: How often a worker retries the projections it could not lock, and checks those it holds.
RETRY_SECONDS = 3.0


class Leases(ABC):
    """The right to run some projections, held until released or lost."""

    @abstractmethod
    def claim(self, names: Sequence[str]) -> set[str]:
        """Try for those of ``names`` not held; returns every name held now (still ours)."""

    @abstractmethod
    def release(self) -> None:
        """Give up every lease."""


class AdvisoryLocks(Leases):
    """PostgreSQL session-level advisory locks, one per projection, on a dedicated connection."""

    def __init__(self, views: PostgresViewStore) -> None:
        self.views = views
        self.connection: Any = None
        self.held: set[str] = set()

    def claim(self, names: Sequence[str]) -> set[str]:
        import psycopg

        try:
            if self.connection is None or self.connection.closed:
                self.held = set()
                self.connection = self.views.connect()
            else:
                self.connection.execute("SELECT 1")  # the session, and so its locks, lives
            for name in names:
                if name not in self.held:
                    row = self.connection.execute(
                        "SELECT pg_try_advisory_lock(%s)", (self.views.lock_key(name),)
                    ).fetchone()
                    if row is not None and row[0]:
                        self.held.add(name)
        except psycopg.Error as error:
            logger.warning("lost the lock connection: %s", _first_line(error))
            self._close()
        return set(self.held)

    def backend_pid(self) -> int | None:
        """The PostgreSQL backend holding the locks (for operators and tests)."""
        return None if self.connection is None else int(self.connection.info.backend_pid)

    def release(self) -> None:
        self._close()

    def _close(self) -> None:
        self.held = set()
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()  # the session ends, and its locks with it
            self.connection = None


class FileLock(Leases):
    """An exclusive lock on a file: whoever holds it runs every projection of the store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: IO[bytes] | None = None

    def claim(self, names: Sequence[str]) -> set[str]:
        import fcntl

        if self.file is None:
            file = self.path.open("ab")
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                file.close()
                return set()
            self.file = file
        return set(names)

    def release(self) -> None:
        if self.file is not None:
            self.file.close()  # closing the file lets go of the lock
            self.file = None


class InProcess(Leases):
    """No other process can reach the store (``memory:``): this one always holds everything."""

    def claim(self, names: Sequence[str]) -> set[str]:
        return set(names)

    def release(self) -> None:
        pass


def leases_for(views: ViewStore) -> Leases:
    if isinstance(views, PostgresViewStore):
        return AdvisoryLocks(views)
    if isinstance(views, SQLiteViewStore) and views.path != ":memory:":
        return FileLock(Path(views.path + ".worker-lock"))
    return InProcess()


class Worker:
    """Runs the projections it holds leases on until stopped; stands by for the others."""

    def __init__(
        self,
        runner: ProjectionRunner,
        leases: Leases,
        *,
        interval: float = 0.1,
        retry: float = RETRY_SECONDS,
    ) -> None:
        self.runner = runner
        self.leases = leases
        self.interval = interval
        self.retry = retry
        self._active: frozenset[str] = frozenset()
        self._claimed = False
        self._stopping = threading.Event()

    @property
    def active(self) -> frozenset[str]:
        """The names of the projections this worker runs now."""
        return self._active

    def run(self) -> None:
        """Claim, catch up, wait, until ``stop()``; the leases are released on the way out."""
        next_claim = 0.0
        try:
            while not self._stopping.is_set():
                if time.monotonic() >= next_claim:
                    self._claim()
                    next_claim = time.monotonic() + self.retry
                processed = 0
                if self._active:
                    active = [p for p in self.runner.projections if p.name in self._active]
                    try:
                        processed = self.runner.catch_up(
                            projections=active, stop=self._stopping, deadline=next_claim
                        )
                    except Exception as error:  # a lost connection, a failing handler: retry
                        logger.warning("projection batch failed: %s", _first_line(error))
                        next_claim = 0.0
                        self._stopping.wait(self.retry)
                        continue
                if not processed:
                    self._stopping.wait(self.interval)
        finally:
            self.leases.release()
            self._active = frozenset()

    def stop(self) -> None:
        """Stop after the batch in progress (from a signal handler or another thread)."""
        self._stopping.set()

    def _claim(self) -> None:
        names = [p.name for p in self.runner.projections]
        held = frozenset(self.leases.claim(names))
        if held != self._active or not self._claimed:
            self._claimed = True
            standby = [name for name in names if name not in held]
            logger.info(
                "active for: %s; standby for: %s",
                ", ".join(sorted(held)) or "none",
                ", ".join(standby) or "none",
            )
        self._active = held


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
