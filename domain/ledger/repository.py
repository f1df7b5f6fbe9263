"""Loading aggregates by id through eventsourcing's aggregate cache, kept correct and private.

A command loads the shift, the volunteer and the timesheet it needs; replaying each from the
store (a snapshot, the events after it, and opening every sealed field) costs more than the
command's own write. With the cache (``AGGREGATE_CACHE_MAXSIZE``) a load is one query for the
events stored since the cached version, applied to the cached copy ("fast-forward", which the
ledger always uses): whatever another worker or machine saved meanwhile is read, so several
workers stay correct without telling each other anything, and a stale cached version can only
lose a save to the optimistic version check, never win it.

What is cached is chosen for crypto-shredding (``domain.personal``): only aggregates whose
state holds no sealed personal data, and the volunteer, whose erasure is an event of its own
that clears every personal attribute and is applied by fast-forward before any read. The
others (accounts, activities, service records, certificates …) are replayed on every load, so
a destroyed key shows at once. ``Ledger.forget`` empties the cache of its process as well.

An aggregate a command has just saved is cached as saved (``keep_saved``), so the next
command on it reads no more than what others stored since. The library's ``Repository.get``
copies the cached aggregate after releasing its per-aggregate lock, so a concurrent
fast-forward of the same aggregate could be copied half-applied; here the copy is made while
the lock is held, and an aggregate whose fast-forward failed is evicted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from copy import deepcopy
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    LRUCache,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from domain.organisation import Organisation
from domain.receipt import Receipt
from domain.series import Series
from domain.shift import Shift
from domain.timesheet import Timesheet
from domain.unique_key import UniqueKey
from domain.volunteer import Volunteer

#: The aggregates kept in the cache (see the module docstring for why these).
CACHED_TYPES: tuple[type[Aggregate], ...] = (
    Shift,
    Timesheet,
    Volunteer,
    Organisation,
    Series,
    UniqueKey,
    Receipt,
)


#: What a command read, in one statement after taking its locks, for the aggregates it will
#: load (``prefetched``): by id, the cached version the events follow and the events stored
#: after it; or, for an aggregate not in the cache, ``None`` and at most its first event, which
#: says whether it exists.
Read = Mapping[UUID, tuple[int | None, Sequence[StoredEvent]]]

_prefetched: ContextVar[dict[UUID, tuple[int | None, Sequence[StoredEvent]]] | None] = ContextVar(
    "prefetched_events", default=None
)

#: Values that never change once made: a copy shares them (``copy.deepcopy`` rebuilds UUIDs and
#: datetimes one by one, which made the copy the largest cost of a cached load).
_IMMUTABLE = (str, int, float, bool, bytes, type(None), UUID, datetime, date, timedelta, Enum)


def copy_aggregate(aggregate: Any) -> Any:
    """A copy of a cached aggregate for a command to change: what ``copy.deepcopy`` makes,
    sharing only values that cannot change."""
    copied = object.__new__(type(aggregate))
    copied.__dict__.update(_copy(aggregate.__dict__))
    return copied


def _copy(value: Any) -> Any:
    if isinstance(value, _IMMUTABLE):
        return value
    kind = type(value)
    if kind is list:
        return [_copy(item) for item in value]
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is tuple:
        return tuple(_copy(item) for item in value)
    if kind is set or kind is frozenset:
        return (
            kind(value) if all(isinstance(item, _IMMUTABLE) for item in value) else deepcopy(value)
        )
    return deepcopy(value)


class _SelectiveCache(LRUCache[UUID, Any]):
    """An LRU cache that keeps only the aggregates of ``CACHED_TYPES``."""

    def put(self, key: UUID, value: Any) -> None:
        if isinstance(value, CACHED_TYPES):
            super().put(key, value)

    def evict(self, key: UUID) -> None:
        with suppress(KeyError):
            self.get(key, evict=True)


#: How many locks guard the cached aggregates' fast-forwards (``LedgerRepository``).
FASTFORWARD_STRIPES = 256


class LedgerRepository(Repository[UUID]):
    """The library's repository, with the selective cache and a copy made under the lock.

    The lock that keeps two fast-forwards of one cached aggregate from interleaving is one of
    a fixed set, chosen by the id's hash, where the library makes one per id and keeps it in a
    cache of locks of its own: five dictionary and cache updates under a lock each time (a
    sign-up loads three aggregates and caches two). Two aggregates that share a lock only take
    turns; no thread holds one while taking another, so they cannot deadlock.
    """

    def __init__(self, *args: Any, cache_maxsize: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, cache_maxsize=None, fastforward=True, **kwargs)
        self._stripes = tuple(threading.Lock() for _ in range(FASTFORWARD_STRIPES))
        self.cache_maxsize = cache_maxsize
        self.clear_cache()

    def _use_fastforward_lock(self, aggregate_id: UUID) -> threading.Lock:
        return self._stripes[hash(aggregate_id) % FASTFORWARD_STRIPES]

    def _disuse_fastforward_lock(self, aggregate_id: UUID) -> None:
        """Nothing to release: the striped locks are never dropped."""

    def clear_cache(self) -> None:
        """Forget every cached aggregate (loads replay from the store until cached again)."""
        size = self.cache_maxsize
        self.cache = _SelectiveCache(size) if size is not None and size > 0 else None

    def keep_saved(self, aggregates: Iterable[Any]) -> None:
        """Cache aggregates just saved, as they are now stored (their next load then reads
        only what was stored after them). The caller must not change them afterwards."""
        cache = self.cache
        if cache is None:
            return
        for aggregate in aggregates:
            lock = self._use_fastforward_lock(aggregate.id)
            try:
                with lock:
                    cache.put(aggregate.id, aggregate)
            finally:
                self._disuse_fastforward_lock(aggregate.id)

    def cached_versions(self, ids: Iterable[UUID]) -> dict[UUID, int]:
        """The version of each of these aggregates in the cache (those it holds)."""
        cache, found = self.cache, {}
        if cache is not None:
            for id in ids:
                with suppress(KeyError):
                    found[id] = cache.get(id).version
        return found

    @contextmanager
    def prefetched(self, reads: Read) -> Iterator[None]:
        """While the block runs, a fast-forward of one of these aggregates from the version
        read after uses the events read instead of querying the store: once, and only if the
        cached copy is still at that version (another load of this process may have moved it
        on; a retry after a collision queries again). Likewise a load of an aggregate that was
        not cached and had no first event is answered "not found" without a query, once; one
        that had is replayed from the store as usual. The caller read them after taking the
        command's locks, so they are what a query would return."""
        token = _prefetched.set(dict(reads))
        try:
            yield
        finally:
            _prefetched.reset(token)

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        snapshotted: bool = True,
        likely_new: bool = False,
        **kwargs: Any,
    ) -> Any:  # the library's signature is generic in the aggregate type
        """The aggregate (a copy, if it is of a cached type).

        Hints for a replay (a load the cache cannot answer): ``snapshotted=False`` says that
        the aggregate is of a type never snapshotted, so no snapshot is asked for;
        ``likely_new`` that it most often does not exist yet (a volunteer's first timesheet, a
        phone number not yet claimed), so for a snapshotted type one event is asked for
        first, and only if there is one the snapshot and the rest (a type never snapshotted is
        one query either way).
        """
        cache = self.cache
        if version is not None or (cache is None and snapshotted and not likely_new):
            return super().get(aggregate_id, version=version, **kwargs)
        hints = (snapshotted, likely_new)
        if cache is None:
            return self._replayed(aggregate_id, *hints)
        assert isinstance(cache, _SelectiveCache)
        lock = self._use_fastforward_lock(aggregate_id)
        try:
            with lock:
                aggregate = self._fast_forwarded(cache, aggregate_id, *hints)
                cached = isinstance(aggregate, CACHED_TYPES)
                return copy_aggregate(aggregate) if cached else aggregate
        finally:
            self._disuse_fastforward_lock(aggregate_id)

    def _replayed(self, aggregate_id: UUID, snapshotted: bool, likely_new: bool) -> Aggregate:
        """The aggregate replayed from the store: from its latest snapshot if it may have one,
        else from its events alone (one query either way for one that does not exist)."""
        probed = _probed(aggregate_id)
        if probed is False:
            raise AggregateNotFoundError(aggregate_id)
        if snapshotted:
            recorder = self.event_store.recorder
            if likely_new and probed is None and not recorder.select_events(aggregate_id, limit=1):
                raise AggregateNotFoundError(aggregate_id)
            replayed = self._reconstruct_aggregate(aggregate_id, None, cast(Any, project_aggregate))
            return cast(Aggregate, replayed)
        aggregate = project_aggregate(None, cast(Any, self.event_store.get(aggregate_id)))
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return cast(Aggregate, aggregate)

    def _fast_forwarded(
        self, cache: _SelectiveCache, aggregate_id: UUID, snapshotted: bool, likely_new: bool
    ) -> Any:
        try:
            cached = cache.get(aggregate_id)
        except KeyError:
            aggregate = self._replayed(aggregate_id, snapshotted, likely_new)
            cache.put(aggregate_id, aggregate)
            return aggregate
        try:
            new_events = self._events_after(aggregate_id, cached.version)
            advanced = project_aggregate(cached, cast(Any, new_events))
        except BaseException:
            cache.evict(aggregate_id)
            raise
        if advanced is None:  # pragma: no cover - a cached aggregate has events
            cache.evict(aggregate_id)
            raise AggregateNotFoundError(aggregate_id)
        return advanced

    def _events_after(self, aggregate_id: UUID, version: int) -> Iterable[Any]:
        pending = _prefetched.get()
        read = pending.pop(aggregate_id, None) if pending else None
        if read is not None and read[0] == version:
            return [self.event_store.mapper.to_domain_event(event) for event in read[1]]
        return self.event_store.get(originator_id=aggregate_id, gt=version)


def _probed(aggregate_id: UUID) -> bool | None:
    """Whether the command's read found a first event of this aggregate, which it read as not
    cached (once); None if it did not read it so."""
    pending = _prefetched.get()
    if not pending:
        return None
    read = pending.get(aggregate_id)
    if read is None or read[0] is not None:
        return None
    del pending[aggregate_id]
    return bool(read[1])
