"""What a projection is: the event types it handles, those it ignores, and its tables."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from projections.stores.protocol import Transaction

Handler = Callable[[Any, Transaction, Any, int], None]
H = TypeVar("H", bound=Handler)


def on(*event_classes: type) -> Callable[[H], H]:
    """Mark a method as the handler of these event classes: ``(self, tx, event, position)``."""

    def mark(method: H) -> H:
        method.__dict__.setdefault("_handles", []).extend(event_classes)
        return method

    return mark


class Projection(ABC):
    """A read model folded from the event stream.

    Each projection says which event classes it handles (methods marked with ``@on``) and
    which it ignores (``ignores``); a test fails when a new event class is neither.
    Bump ``version`` when the tables or their meaning change: the runner then rebuilds it.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    ignores: ClassVar[frozenset[type]] = frozenset()
    handlers: ClassVar[dict[type, Handler]]
    #: Indexes that only queries use, never the projection's own writes, each as
    #: ``name ON table (columns)``. ``create`` leaves them out: the runner builds them, after
    #: a long catch-up has loaded the tables without them (see ``ProjectionRunner``).
    indexes: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = {}
        for klass in reversed(cls.__mro__):
            for attribute in vars(klass).values():
                for event_class in getattr(attribute, "_handles", ()):
                    cls.handlers[event_class] = attribute

    @abstractmethod
    def create(self, tx: Transaction) -> None:
        """Create the tables (if missing)."""

    @abstractmethod
    def drop(self, tx: Transaction) -> None:
        """Drop the tables, for a rebuild."""

    def create_indexes(self, tx: Transaction) -> None:
        """Build whichever of ``indexes`` are missing."""
        for index in self.indexes:
            tx.execute(f"CREATE INDEX IF NOT EXISTS {index}")

    def drop_indexes(self, tx: Transaction) -> None:
        """Drop ``indexes``, for a long catch-up to load the tables without them."""
        for index in self.indexes:
            tx.execute(f"DROP INDEX IF EXISTS {index.split()[0]}")

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        """Apply a batch of ``(event, position)`` pairs, in order, within ``tx``.

        By default each event goes to its ``@on`` handler. A projection may override this to
        keep rows in memory during the batch and write them together at its end (with
        ``tx.execute_many``): the runner commits the batch and the new position together
        either way.
        """
        handlers = self.handlers
        for event, position in events:
            handler = handlers.get(type(event))
            if handler is not None:
                handler(self, tx, event, position)

    def forget(self) -> None:  # noqa: B027 - a projection that keeps nothing needs nothing
        """Drop whatever the projection keeps in memory from one batch to the next.

        A projection may remember what it wrote (a lookup it would otherwise query). The runner
        calls this before a batch whenever it cannot vouch that the memory matches the tables:
        before the first batch, after a batch failed, and when another runner or a rebuild
        moved the position. Memory is then valid only as a function of the position, which is
        what the folded tables are too.
        """
