"""The ``@command`` decorator: each command runs once, atomically, and says where it wrote.

``ledger.sign_up(...)`` returns what the command returns (a new id, an outcome, or nothing).
``ledger.sign_up.written(...)`` runs it the same way and returns a ``Written``: that value and
the global position of the last event its own save stored, for a caller who wants to read its
write once the projections have reached it. The position is the result of that very call,
never a value kept on the ledger for "the latest command".

While a command runs, the aggregates it saves (``LedgerBase._save``) are kept in its ``Call``
and written in one atomic save when it returns. The running ``Call`` is a context variable,
not an argument, because ``_save`` is called deep inside command bodies and their helpers, and
a command may call another command of the same ledger (which then joins the outer one's save).
A context variable is per thread and per asyncio task, so concurrent requests never share one;
it holds only the call in progress, not any result.

A command may name the parameters that hold the ids of the aggregates it writes
(``@command(locks=("shift_id",))``): it then holds their locks (``domain.ledger.locks``) from
before its first load until its save has returned, so that writers to one aggregate queue
instead of colliding. Only the aggregates a command names are locked (a sign-up names the
shift and the volunteer, whose timesheet it writes; not the timesheets a cancellation's
promotions write); the version check on save still guards everything, and a collision is still
retried.

Once its locks are held, what the store holds beyond the cached copies of the locked
aggregates, and of those a command says it will load (``@command(reads=...)``, a function of
its arguments: a sign-up loads the volunteer's timesheet), is read in one statement
(``LedgerBase.holding``), instead of one query for each load.
"""

from __future__ import annotations

import inspect
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    NamedTuple,
    ParamSpec,
    TypeVar,
    overload,
)
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentUpdateError, RequestKeyReusedError
from domain.ledger.locks import LockWaitTimeoutError
from domain.ledger.receipts import current_request, decode_result, encode_result
from domain.receipt import Receipt
from domain.values import SYSTEM, Actor

if TYPE_CHECKING:
    from domain.ledger.base import LedgerBase

L = TypeVar("L", bound="LedgerBase")
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class Written(NamedTuple, Generic[T]):
    """A command's result and the global position of the last event its save stored (None
    when it stored nothing). A command answered from a keyed request's receipt reports the
    store's latest position, which includes the events of its first run.

    A tuple, so that a route reads ``record_id, position = ledger.record_service.written(...)``.
    """

    value: T
    position: int | None


@dataclass
class Call:
    """A command in progress on ``ledger``: the aggregates to save when it returns."""

    ledger: LedgerBase
    pending: list[Aggregate] = field(default_factory=list)


#: From a command's arguments by name, the ids of further aggregates it will load (beyond those
#: it locks): read with the locked ones, in one statement, before it runs.
Reads = Callable[[Mapping[str, Any]], Iterable[UUID]]

_running: ContextVar[Call | None] = ContextVar("running_command", default=None)

#: Called with a command's name, and whether it is tried again, each time its save collides
#: with a concurrent change: how the API counts conflicts and retries. Empty by default.
collision_observers: list[Callable[[str, bool], None]] = []


def running_call(ledger: LedgerBase) -> Call | None:
    """The command of ``ledger`` running in this context, if any."""
    call = _running.get()
    return call if call is not None and call.ledger is ledger else None


class LedgerCommand(Generic[L, P, R]):
    """A ledger method run as a command (see the module docstring and ``written``)."""

    def __init__(
        self,
        method: Callable[Concatenate[L, P], R],
        *,
        keyed: bool,
        locks: Sequence[str] = (),
        reads: Reads | None = None,
    ) -> None:
        self.__doc__ = method.__doc__
        self.method = method
        self.name = method.__name__
        self.keyed = keyed
        self.locks = tuple(locks)
        self.reads = reads
        self.signature = inspect.signature(method)
        unknown = set(self.locks) - set(self.signature.parameters)
        if unknown:
            raise TypeError(f"{self.name} has no parameter {', '.join(sorted(unknown))} to lock")
        #: The names of the parameters after ``self`` that can be given by position.
        self._positional = [
            parameter.name
            for parameter in list(self.signature.parameters.values())[1:]
            if parameter.kind
            in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        ]

    def arguments(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The call's arguments by parameter name (the call itself checks them)."""
        return {**dict(zip(self._positional, args, strict=False)), **kwargs}

    def locked_ids(self, ledger: L, *args: Any, **kwargs: Any) -> list[UUID]:
        """The ids in the parameters named by ``locks`` (those holding a UUID)."""
        if not self.locks:
            return []
        bound = self.arguments(*args, **kwargs)
        return [bound[name] for name in self.locks if isinstance(bound.get(name), UUID)]

    def read_ids(self, *args: Any, **kwargs: Any) -> list[UUID]:
        """The ids of the further aggregates the command will load (``reads``)."""
        if self.reads is None:
            return []
        return list(self.reads(self.arguments(*args, **kwargs)))

    @overload
    def __get__(self, ledger: None, owner: type[Any]) -> LedgerCommand[L, P, R]: ...

    @overload
    def __get__(self, ledger: L, owner: type[Any]) -> BoundCommand[P, R]: ...

    def __get__(
        self, ledger: L | None, owner: type[Any]
    ) -> LedgerCommand[L, P, R] | BoundCommand[P, R]:
        if ledger is None:
            return self
        return BoundCommand(self, ledger)

    def run(self, ledger: L, *args: P.args, **kwargs: P.kwargs) -> R:
        """The command's value; inside another command of the same ledger, part of that one."""
        if running_call(ledger) is not None:
            return self.method(ledger, *args, **kwargs)
        return self.written(ledger, *args, **kwargs).value

    def written(self, ledger: L, *args: P.args, **kwargs: P.kwargs) -> Written[R]:
        """Run the command once, atomically, retrying it when a concurrent change wins the race.

        Everything the command saves is written in one atomic save when it returns. Each
        attempt reloads the aggregates, so the rules are checked against the state that won.
        After the policy's number of attempts, the caller gets a ConcurrentUpdateError.

        Inside a ``keyed_request`` the save includes the command's receipt, and a command whose
        receipt exists (an earlier copy of the request got that far) returns the recorded
        result without running again.
        """
        if running_call(ledger) is not None:
            raise RuntimeError(
                f"{self.name} runs inside another command, which writes its events: "
                "ask that command for its position"
            )
        try:
            locked = self.locked_ids(ledger, *args, **kwargs)
            with ledger.holding(locked, self.read_ids(*args, **kwargs)):
                return self._attempts(ledger, *args, **kwargs)
        except LockWaitTimeoutError as error:
            raise ConcurrentUpdateError(
                f"{error}: too many changes to it at once; try again", attempts=0
            ) from None

    def _attempts(self, ledger: L, *args: P.args, **kwargs: P.kwargs) -> Written[R]:
        request = current_request() if self.keyed else None
        receipt_id = request.next_receipt_id() if request is not None else None
        attempts = ledger.policy.retry_attempts
        for attempt in range(attempts):
            if request is not None and receipt_id is not None:
                receipt = ledger._receipt(receipt_id)
                if receipt is not None:
                    try:
                        receipt.require_same_request(request.fingerprint, self.name)
                    except RequestKeyReusedError:
                        request.reused = True
                        raise
                    return Written(
                        decode_result(receipt.result), ledger.recorder.max_notification_id()
                    )
            call = Call(ledger)
            try:
                token = _running.set(call)
                try:
                    result = self.method(ledger, *args, **kwargs)
                finally:
                    _running.reset(token)
                if request is not None and receipt_id is not None:
                    call.pending.append(
                        Receipt.issue(
                            id=receipt_id,
                            fingerprint=request.fingerprint,
                            command=self.name,
                            result=encode_result(result),
                            actor=_actor_of(args, kwargs),
                        )
                    )
                position = ledger._commit(call.pending)
                ledger._keep_saved(call.pending)
                return Written(result, position)
            except IntegrityError:
                for observe in collision_observers:
                    observe(self.name, attempt + 1 < attempts)
                # Full jitter keeps colliding writers from colliding again in lockstep.
                time.sleep(random.uniform(0, min(0.002 * 2**attempt, 0.05)))
        raise ConcurrentUpdateError(
            f"gave up after {attempts} attempts collided with concurrent changes; try again",
            attempts=attempts,
        )


@dataclass(frozen=True)
class BoundCommand(Generic[P, R]):
    """A command of one ledger: call it for its value, or ``.written(...)`` for its position."""

    command: LedgerCommand[Any, P, R]
    ledger: LedgerBase

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.command.run(self.ledger, *args, **kwargs)

    def written(self, *args: P.args, **kwargs: P.kwargs) -> Written[R]:
        """The command's value and the position of the last event it stored."""
        return self.command.written(self.ledger, *args, **kwargs)


def _actor_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Actor:
    """The actor a command was given (every command that changes something takes one)."""
    for value in (kwargs.get("actor"), *args):
        if isinstance(value, Actor):
            return value
    return SYSTEM


@dataclass(frozen=True)
class _Locking:
    """``@command(locks=..., reads=...)``: makes commands that lock the named parameters' ids
    and read ahead what they load."""

    locks: tuple[str, ...]
    reads: Reads | None = None

    def __call__(self, method: Callable[Concatenate[L, P], R], /) -> LedgerCommand[L, P, R]:
        return LedgerCommand(method, keyed=True, locks=self.locks, reads=self.reads)


@overload
def command(method: Callable[Concatenate[L, P], R], /) -> LedgerCommand[L, P, R]: ...


@overload
def command(*, locks: Sequence[str], reads: Reads | None = None) -> _Locking: ...


def command(
    method: Callable[Concatenate[L, P], R] | None = None,
    /,
    *,
    locks: Sequence[str] = (),
    reads: Reads | None = None,
) -> LedgerCommand[L, P, R] | _Locking:
    """A command (see ``LedgerCommand.written``); ``locks`` names the parameters holding the
    ids of the aggregates whose writers it queues behind, ``reads`` gives the ids of further
    aggregates it loads, from its arguments by name (see the module docstring)."""
    locking = _Locking(tuple(locks), reads)
    return locking if method is None else locking(method)


def command_issuing_a_secret(method: Callable[Concatenate[L, P], R]) -> LedgerCommand[L, P, R]:
    """A command that stores the hash of a one-time secret (a reset code) made outside it.

    It is never answered from a receipt, even in a keyed request: the secret itself is kept
    nowhere, so a replayed answer could not show it. A retry runs it again and issues a new
    secret, which supersedes the first.
    """
    return LedgerCommand(method, keyed=False)
