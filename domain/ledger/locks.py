"""Writers to one aggregate queue instead of colliding: a lock per aggregate id in the process.

A command that names the aggregate it writes (``@command(locks=("shift_id",))``) holds that
id's lock from before it loads anything until its save has returned, so a second writer of the
same shift in this process waits for the first and then loads the state it saved, instead of
loading the same version, colliding on save and retrying. On PostgreSQL the ledger also holds
an advisory lock on the same ids (``domain.postgres_store``), which queues the writers of other
processes and machines. Locks are always taken in ascending order of id, so two commands that
lock overlapping ids cannot deadlock. The optimistic version check on save stays: commands that
lock nothing, or that write aggregates other than the ones they lock, are still kept correct by
it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from uuid import UUID

#: How long a command waits for the lock of an aggregate before reporting a conflict. Hundreds
#: of writers queued on one shift each hold it for a few milliseconds.
LOCK_WAIT_SECONDS = 30.0


class LockWaitTimeoutError(Exception):
    """An aggregate stayed locked by other commands longer than the wait allows."""


class AggregateLocks:
    """One lock per aggregate id, created on first use and dropped when nobody holds or waits
    for it, so memory stays bounded by the commands in flight."""

    def __init__(self, wait_seconds: float = LOCK_WAIT_SECONDS) -> None:
        self.wait_seconds = wait_seconds
        self._guard = threading.Lock()
        self._locks: dict[UUID, tuple[threading.Lock, int]] = {}

    @contextmanager
    def holding(self, ids: Iterable[UUID]) -> Iterator[None]:
        """Hold the lock of every id (in ascending order) while the block runs."""
        held: list[UUID] = []
        try:
            for id in sorted(set(ids)):
                lock = self._use(id)
                if not lock.acquire(timeout=self.wait_seconds):
                    self._disuse(id)
                    raise LockWaitTimeoutError(
                        f"aggregate {id} stayed locked for {self.wait_seconds}s"
                    )
                held.append(id)
            yield
        finally:
            for id in reversed(held):
                self._locks[id][0].release()
                self._disuse(id)

    def in_use(self) -> int:
        """How many ids have a lock now (held or waited for)."""
        with self._guard:
            return len(self._locks)

    def _use(self, id: UUID) -> threading.Lock:
        with self._guard:
            lock, users = self._locks.get(id, (None, 0))
            if lock is None:
                lock = threading.Lock()
            self._locks[id] = (lock, users + 1)
            return lock

    def _disuse(self, id: UUID) -> None:
        with self._guard:
            lock, users = self._locks[id]
            if users == 1:
                del self._locks[id]
            else:
                self._locks[id] = (lock, users - 1)


def advisory_key(id: UUID) -> int:
    """The 64-bit PostgreSQL advisory-lock key of an aggregate id (its first eight bytes,
    signed). Two ids sharing a key only queue behind each other; nothing else happens."""
    return int.from_bytes(id.bytes[:8], "big", signed=True)
