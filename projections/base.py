"""What a projection is: the event types it handles, those it ignores, and its tables."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from projections.store import Transaction

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

    def apply(self, tx: Transaction, event: Any, position: int) -> None:
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(self, tx, event, position)
