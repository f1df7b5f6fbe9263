"""The application service's foundation: storage, the clock, a command's save and loading by id."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    ApplicationRecorder,
    EventStore,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    ProgrammingError,
    Recording,
    Transcoding,
)
from eventsourcing.persistence import InternalError as EventStoreInternalError

from domain.account import Account
from domain.activity import Activity
from domain.attendance import Attendance
from domain.certificate import Certificate
from domain.errors import NotFoundError
from domain.ledger.command import running_call
from domain.ledger.locks import AggregateLocks, advisory_key
from domain.ledger.repository import LedgerRepository
from domain.organisation import Organisation
from domain.personal import ERASURES, Own, Sealer
from domain.policy import Policy
from domain.receipt import Receipt
from domain.sealing import SealingMapper
from domain.service_record import ServiceRecord
from domain.shift import Shift
from domain.storage import MEMORY, store_env
from domain.timesheet import Timesheet
from domain.unique_key import UniqueKey
from domain.values import SYSTEM, Actor
from domain.volunteer import Volunteer

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")

SNAPSHOT_INTERVAL = 50
#: How many aggregates a ledger keeps in its cache (``domain.ledger.repository``); the
#: ``AGGREGATE_CACHE_MAXSIZE`` setting of the environment overrides it, 0 or less turns it off.
AGGREGATE_CACHE_MAXSIZE = 5_000


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


#: ``LedgerBase._may_be_snapshotted`` by ledger class and loaded class: a few dozen pairs.
_SNAPSHOTTED: dict[tuple[type[Any], type[Aggregate]], bool] = {}


def utc_now() -> datetime:
    return datetime.now(UTC)


#: How often a ledger tries to open its store while other processes create the same tables.
TABLE_CREATION_ATTEMPTS = 8


def _creating_tables(construct: Callable[[], T]) -> T:
    """``construct()``, which creates the store's tables if they are missing, tried again if
    another process was creating them at the same moment.

    Processes starting at once on an empty PostgreSQL schema (API and projection workers) all
    create the tables, and PostgreSQL refuses all but one with an error ("tuple concurrently
    updated", a duplicate type, an index that "already exists" despite IF NOT EXISTS). Once one
    has created them, another try finds them.
    """
    for attempt in range(1, TABLE_CREATION_ATTEMPTS + 1):
        try:
            return construct()
        except (EventStoreInternalError, IntegrityError, ProgrammingError):
            if attempt == TABLE_CREATION_ATTEMPTS:
                raise
            time.sleep(0.05 * attempt * (1 + random.random()))
    raise AssertionError("unreachable")


class LedgerBase(Application[UUID]):
    """Holds what every command needs; the commands themselves live in the mixins.

    ``sealer``: seals the personal fields of events and snapshots (``domain.personal``) under
    each person's data key; without one (unit tests, the memory store) nothing is sealed.
    ``id_secret``: keys the ids of unique values (phone numbers, usernames …) with HMAC, so
    nobody without it can compute them; without one they are ``uuid5`` of the ledger's
    published namespace. A store must always be opened with the same secret.
    """

    name = "Ledger"
    snapshotting_intervals = dict.fromkeys(
        (Organisation, Volunteer, Activity, Shift, Timesheet, ServiceRecord, Account, Certificate),
        SNAPSHOT_INTERVAL,
    )

    def __init__(
        self,
        store: str = MEMORY,
        *,
        policy: Policy | None = None,
        clock: Callable[[], datetime] = utc_now,
        env: Mapping[str, str] | None = None,
        sealer: Sealer | None = None,
        id_secret: bytes | None = None,
    ) -> None:
        self.policy = policy or Policy()
        self.clock = clock
        self.sealer = sealer
        self.id_secret = id_secret
        self.locks = AggregateLocks()
        super().__init__({**store_env(store), **(env or {})})

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(self.construct_transcoder(), self.sealer)

    def construct_repository(self) -> Repository[UUID]:
        size = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return LedgerRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(size) if size else AGGREGATE_CACHE_MAXSIZE,
        )

    @contextmanager
    def holding(self, ids: Iterable[UUID], reads: Iterable[UUID] = ()) -> Iterator[None]:
        """Hold the locks of aggregates ``ids`` (``domain.ledger.locks``): this process's, then,
        on PostgreSQL, the advisory locks that queue other processes, with the connection a
        command runs on. Then read, in one statement, what the store holds of these and of the
        aggregates ``reads`` beyond the cached copies (the events after each cached version;
        of one not cached, whether it exists), which the command's loads use instead of a query
        each (``LedgerRepository.prefetched``). On PostgreSQL that read goes in the round trip
        of the locks."""
        ids = sorted(set(ids))
        wanted = list(dict.fromkeys((*ids, *reads)))
        across = getattr(self.factory, "holding", None)
        with self.locks.holding(ids):
            repository = self.repository
            if not isinstance(repository, LedgerRepository):
                if across is None:
                    yield
                else:
                    with across([advisory_key(id) for id in ids], {}):
                        yield
                return
            versions = repository.cached_versions(wanted)
            probes = [id for id in wanted if id not in versions]
            if across is not None:
                with (
                    across([advisory_key(id) for id in ids], versions, probes) as read,
                    repository.prefetched(read),
                ):
                    yield
                return
            read_after = getattr(self.factory, "read_after", None)
            if read_after is None or not wanted:
                yield
                return
            with repository.prefetched(read_after(versions, probes)):
                yield

    def construct_recorder(self) -> ApplicationRecorder:
        return _creating_tables(super().construct_recorder)

    def construct_snapshot_store(self) -> EventStore[UUID]:
        return _creating_tables(super().construct_snapshot_store)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def forget(self, volunteer_id: UUID) -> int:
        """Destroy the data keys of a person (a volunteer's id, or any other subject's in
        ``domain.personal``, such as an activity's for its contact): the personal fields sealed
        under them read as ``None`` from now on, in every event and snapshot. Saving an
        erasure (``Volunteer.Erased``) does this already; calling it again does no harm, and
        completes an erasure whose process stopped between its save and this. Returns how
        many keys were destroyed (0 without a sealer). The aggregate cache of this process is
        emptied too, so nothing decoded with those keys is kept (``domain.ledger.repository``)."""
        repository = self.repository
        if isinstance(repository, LedgerRepository):
            repository.clear_cache()
        return 0 if self.sealer is None else self.sealer.forget(volunteer_id)

    def close(self) -> None:
        super().close()
        if self.sealer is not None:
            self.sealer.close()

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        super()._notify(recordings)
        for recording in recordings:
            whose = ERASURES.get(cast(Any, type(recording.domain_event)))
            if whose is not None:
                assert isinstance(whose, Own)
                self.forget(recording.domain_event.originator_id)

    def _keep_saved(self, aggregates: Sequence[Aggregate]) -> None:
        """Cache the aggregates a command has just saved (``LedgerRepository.keep_saved``):
        only a command's own copies, which nothing touches once it returns."""
        if isinstance(self.repository, LedgerRepository):
            self.repository.keep_saved(aggregates)

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _save(self, *aggregates: Aggregate | None) -> None:
        """Inside a command: keep the aggregates to save when the command ends, all at once.
        Outside one: save them now."""
        call = running_call(self)
        if call is None:
            self._commit(aggregates)
        else:
            call.pending.extend(aggregate for aggregate in aggregates if aggregate is not None)

    def _commit(self, aggregates: Sequence[Aggregate | None]) -> int | None:
        """Save in one atomic write; the position of its last event (None if it wrote none)."""
        recordings = self.save(*aggregates)
        return max((r.notification.id for r in recordings), default=None)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's ``save``, collecting the events of our aggregates directly: the
        library asks of each object whether it is an event, then whether it can give its
        events, by ``isinstance`` on runtime protocols, some 25 µs an aggregate. Anything but
        aggregates (events, a tracking object) goes the library's way."""
        if kwargs or not all(obj is None or isinstance(obj, Aggregate) for obj in objs):
            return super().save(*objs, **kwargs)
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in objs:
            if aggregate is not None:
                processing.events.extend(aggregate.collect_events())
                processing.aggregates[aggregate.id] = aggregate
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings

    def _get(self, cls: type[Aggregate], id: UUID, *, likely_new: bool = False) -> object:
        """The aggregate with this id, expected to be a ``cls``, with the repository's hints
        for a replay (``LedgerRepository.get``)."""
        repository = self.repository
        if isinstance(repository, LedgerRepository):
            snapshotted = self._may_be_snapshotted(cls)
            return repository.get(id, snapshotted=snapshotted, likely_new=likely_new)
        return repository.get(id)

    @classmethod
    def _may_be_snapshotted(cls, expected: type[Aggregate]) -> bool:
        """Whether an aggregate loaded as ``expected`` can be of a snapshotted type (worked
        out once for each class, both fixed when the ledger class is defined)."""
        known = _SNAPSHOTTED.get((cls, expected))
        if known is None:
            known = _SNAPSHOTTED[cls, expected] = any(
                issubclass(kind, expected) or issubclass(expected, kind)
                for kind in cls.snapshotting_intervals
            )
        return known

    def _exists(self, id: UUID) -> bool:
        """Whether any aggregate has this id: one indexed read of one row, nothing decoded."""
        return bool(self.recorder.select_events(id, limit=1))

    def _receipt(self, id: UUID) -> Receipt | None:
        try:
            receipt: object = self._get(Receipt, id)
        except AggregateNotFoundError:
            return None
        assert isinstance(receipt, Receipt)
        return receipt

    def _load(self, cls: type[A], kind: str, id: UUID) -> A:
        try:
            aggregate: object = self._get(cls, id)
        except AggregateNotFoundError:
            raise NotFoundError(kind, id) from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(kind, id)
        return aggregate

    def _load_or_new(self, cls: type[A], id: UUID, new: Callable[[], A]) -> A:
        """The aggregate with a derived id, or a new one if it does not exist yet."""
        try:
            aggregate: object = self._get(cls, id, likely_new=True)
        except AggregateNotFoundError:
            return new()
        assert isinstance(aggregate, cls)
        return aggregate

    def _unique_key(self, namespace: str, value: str, actor: Actor) -> UniqueKey:
        return self._load_or_new(
            UniqueKey,
            UniqueKey.id_for(namespace, value, self.id_secret),
            lambda: UniqueKey.open(namespace, value, actor, self.id_secret),
        )

    def _timesheet(self, volunteer_id: UUID, actor: Actor = SYSTEM) -> Timesheet:
        return self._load_or_new(
            Timesheet, Timesheet.id_for(volunteer_id), lambda: Timesheet.open(volunteer_id, actor)
        )

    def _attendance(self, shift_id: UUID, volunteer_id: UUID, actor: Actor) -> Attendance:
        return self._load_or_new(
            Attendance,
            Attendance.id_for(shift_id, volunteer_id),
            lambda: Attendance.open(shift_id, volunteer_id, actor),
        )

    def _fill_places(self, shift: Shift, actor: Actor) -> list[Timesheet]:
        """Promote from the waitlist (``Shift.fill_places``), telling the shift who can take a
        place; the timesheets of those promoted hold the shift."""
        timesheets: dict[UUID, Timesheet] = {}

        def can_take(volunteer_id: UUID) -> bool:
            timesheet = timesheets[volunteer_id] = self._timesheet(volunteer_id, actor)
            clash = timesheet.clashing_shift(shift.time, apart_from=shift.id)
            return self.volunteer(volunteer_id).is_active and clash is None

        promoted = shift.fill_places(can_take, actor)
        for volunteer_id in promoted:
            timesheets[volunteer_id].hold_shift(shift.id, shift.time, actor)
        return [timesheets[volunteer_id] for volunteer_id in promoted]

    # By-id queries.

    def organisation(self, id: UUID) -> Organisation:
        return self._load(Organisation, "organisation", id)

    def volunteer(self, id: UUID) -> Volunteer:
        return self._load(Volunteer, "volunteer", id)

    def activity(self, id: UUID) -> Activity:
        return self._load(Activity, "activity", id)

    def shift(self, id: UUID) -> Shift:
        return self._load(Shift, "shift", id)

    def service_record(self, id: UUID) -> ServiceRecord:
        return self._load(ServiceRecord, "service record", id)

    def attendance(self, shift_id: UUID, volunteer_id: UUID) -> Attendance:
        return self._load(Attendance, "attendance", Attendance.id_for(shift_id, volunteer_id))

    def organisation_and_ancestors(self, organisation_id: UUID) -> list[UUID]:
        """The organisation, its parent, and so on up to the root: the scopes that cover it."""
        chain: list[UUID] = []
        current: UUID | None = organisation_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.organisation(current).parent_id
        return chain

    def organises(self, actor: Actor, organisation_id: UUID) -> bool:
        """Whether the acting account is an admin, or organises the organisation or one above."""
        if actor.kind != "account":
            return False
        try:
            account = self._load(Account, "account", UUID(actor.id))
        except (ValueError, NotFoundError):
            return False
        if account.is_admin:
            return True
        return any(
            org in account.organisations for org in self.organisation_and_ancestors(organisation_id)
        )

    def timesheet(self, volunteer_id: UUID) -> Timesheet:
        return self._timesheet(volunteer_id)

    def history(self, id: UUID) -> list[Any]:
        """Every event of one aggregate, oldest first: the audit trail of a record."""
        events = list(self.events.get(id))
        if not events:
            raise NotFoundError("aggregate", id)
        return events
