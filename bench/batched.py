"""A ledger whose commands run as in production but whose saves are written many at a time.

Building a benchmark's ledger through the commands one commit each ran at 90–700 events a
second here: most of a command's time went to its commit, to the store's queries that load
what the previous command had just written, and to the key table's commit for each record's
link to its volunteer. ``BatchedLedger`` is for the one writer of a fresh store (the
benchmark's builder). Each command runs exactly as it does in production — it loads its
aggregates, checks its rules, triggers its events, and its save collects them in the order
the ledger's own save would — but the events are kept until ``batch`` of them are waiting and
then written in one transaction, in the order the commands made them, sealed by the same
mapper, with the snapshots the ledger takes and the links to their subjects (``Vault.link_all``,
one transaction too). Until then a load reads the aggregate as the last command left it (a
copy, as the ledger's cache gives). The stored log is the one the commands would have stored
one by one, but for timestamps and random ids.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent, Repository
from eventsourcing.domain import Aggregate, Snapshot

from api.personal_data import id_secret, open_vault
from api.settings import Settings
from domain.ledger import Ledger
from domain.ledger.repository import LedgerRepository, copy_aggregate
from domain.policy import Policy
from vault import Vault

#: Events written per transaction.
BATCH_EVENTS = 5_000
#: Aggregates kept in memory once written (the last used first); a load of another one
#: replays it from the store.
KEPT_AGGREGATES = 30_000


class _LinksAtWrite:
    """The vault, but the links sealing makes (a record's events hold its volunteer's data) are
    kept until the batch is written, then written in one transaction."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.pending: dict[UUID, UUID] = {}

    def seal(self, subject: UUID, plaintext: bytes, associated: bytes) -> dict[str, str]:
        return self.vault.seal(subject, plaintext, associated)

    def open(self, envelope: Mapping[str, Any], associated: bytes) -> bytes | None:
        return self.vault.open(envelope, associated)

    def link(self, id: UUID, subject: UUID) -> None:
        self.pending.setdefault(id, subject)

    def subject_linked_to(self, id: UUID) -> UUID | None:
        return self.pending.get(id) or self.vault.subject_linked_to(id)

    def forget(self, subject: UUID) -> int:
        return self.vault.forget(subject)

    def close(self) -> None:
        self.vault.close()

    def write(self) -> None:
        if self.pending:
            self.vault.link_all(self.pending.items())
            self.pending.clear()


class _KeptFirst(LedgerRepository):
    """Loads what the ledger keeps in memory first (every aggregate saved since the last write,
    and the last used ones), and the store after that. On a store that was empty when the
    ledger opened it (``saved`` is a set), an id this ledger never saved is not looked for:
    a command's ``_load_or_new`` of a new attendance or timesheet asks the store nothing."""

    def __init__(self, *args: Any, keep: int, **kwargs: Any) -> None:
        super().__init__(*args, cache_maxsize=0, **kwargs)
        self.kept: OrderedDict[UUID, Aggregate] = OrderedDict()
        self.keep = keep
        self.saved: set[UUID] | None = None

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        if version is not None:
            return super().get(aggregate_id, version=version, **kwargs)
        kept = self.kept.get(aggregate_id)
        if kept is None:
            if self.saved is not None and aggregate_id not in self.saved:
                raise AggregateNotFoundError(aggregate_id)
            kept = self.kept[aggregate_id] = super().get(aggregate_id, **kwargs)
        else:
            self.kept.move_to_end(aggregate_id)
        return copy_aggregate(kept)

    def keep_saved(self, aggregates: Iterable[Any]) -> None:
        for aggregate in aggregates:
            self.kept[aggregate.id] = aggregate
            self.kept.move_to_end(aggregate.id)
            if self.saved is not None:
                self.saved.add(aggregate.id)

    def trim(self) -> None:
        """Forget the least recently used beyond ``keep`` (call only once all are written)."""
        while len(self.kept) > self.keep:
            self.kept.popitem(last=False)


class BatchedLedger(Ledger):
    """The ledger for the one writer of a fresh store: see the module docstring. Call
    ``write()`` (or ``close()``) to store what the last commands made."""

    #: The ledger's own name: PostgreSQL's tables are named after it.
    name = "Ledger"

    def __init__(
        self,
        store: str,
        *,
        batch: int = BATCH_EVENTS,
        keep: int = KEPT_AGGREGATES,
        sealer: Vault | None = None,
        **kwargs: Any,
    ) -> None:
        self.batch, self.keep = batch, keep
        self.waiting: list[Any] = []
        self.waiting_aggregates: dict[UUID, Aggregate] = {}
        self.waiting_snapshots: list[Any] = []
        self.written = 0
        self.links = None if sealer is None else _LinksAtWrite(sealer)
        super().__init__(store, sealer=self.links, **kwargs)
        if self.recorder.max_notification_id() is None:
            self._kept_first().saved = set()

    def _kept_first(self) -> _KeptFirst:
        repository = self.repository
        assert isinstance(repository, _KeptFirst)
        return repository

    def construct_repository(self) -> Repository[UUID]:
        return _KeptFirst(event_store=self.events, snapshot_store=self.snapshots, keep=self.keep)

    @property
    def made(self) -> int:
        """Events the commands have made so far, written or waiting."""
        return self.written + len(self.waiting)

    @contextmanager
    def holding(self, ids: Iterable[UUID], reads: Iterable[UUID] = ()) -> Iterator[None]:
        # The only writer: no other process to queue behind (PostgreSQL's advisory locks
        # would cost a round trip per command).
        yield

    def _exists(self, id: UUID) -> bool:
        """Whether an aggregate has this id, the ones still waiting to be written included."""
        repository = self._kept_first()
        if id in repository.kept:
            return True
        if repository.saved is not None:
            return id in repository.saved
        return super()._exists(id)

    def _commit(self, aggregates: Sequence[Aggregate | None]) -> int | None:
        """A command's save: its events wait, in the order the ledger's save would store them."""
        for aggregate in aggregates:
            if aggregate is not None:
                events = aggregate.collect_events()
                self.waiting.extend(events)
                self.waiting_aggregates[aggregate.id] = aggregate
                self._snapshot_if_due(aggregate, events)
        self._keep_saved([a for a in aggregates if a is not None])
        if len(self.waiting) >= self.batch:
            self.write()
        return None

    def _snapshot_if_due(self, aggregate: Aggregate, events: Sequence[Any]) -> None:
        """A snapshot where the ledger's save would take one (an event at a multiple of the
        interval), of the aggregate as this command left it: nothing changes it afterwards
        (loads hand out copies). Taken as the command saves, not replayed from the store, and
        written with the others in one transaction."""
        interval = self.snapshotting_intervals.get(type(aggregate))
        if interval and any(event.originator_version % interval == 0 for event in events):
            snapshot_class = getattr(type(aggregate), "Snapshot", Snapshot)
            self.waiting_snapshots.append(snapshot_class.take(aggregate))

    def write(self) -> None:
        """Store the waiting events in one transaction, then the snapshots and links."""
        if not self.waiting:
            return
        processing = ProcessingEvent[UUID]()
        processing.events = self.waiting
        processing.aggregates.update(self.waiting_aggregates)
        snapshots = self.waiting_snapshots
        self.waiting, self.waiting_aggregates, self.waiting_snapshots = [], {}, []
        recordings = self._record(processing)
        self.written += len(recordings)
        if snapshots and self.snapshots is not None:
            self.snapshots.put(snapshots)
        self._notify(recordings)
        if self.links is not None:
            self.links.write()
        self._kept_first().trim()

    def close(self) -> None:
        self.write()
        super().close()


def batched_ledger_for(
    settings: Settings,
    *,
    policy: Policy | None = None,
    clock: Callable[[], datetime] | None = None,
    batch: int = BATCH_EVENTS,
) -> BatchedLedger:
    """``api.personal_data.ledger_for``, batched: the same vault, id secret and policy."""
    store = settings.store_url()
    vault = open_vault(settings, store)
    extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
    try:
        return BatchedLedger(
            store,
            batch=batch,
            policy=policy or settings.policy(),
            sealer=vault,
            id_secret=id_secret(settings),
            **extra,
        )
    except Exception:
        vault.close()
        raise
