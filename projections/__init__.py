"""Read models folded from the event stream, and the machinery that keeps them current."""

from __future__ import annotations

import importlib
import pkgutil

from projections.base import Projection


def all_projections() -> list[Projection]:
    """One instance of every projection defined in ``projections.views``, ordered by name."""
    from projections import views

    for module in pkgutil.iter_modules(views.__path__, views.__name__ + "."):
        importlib.import_module(module.name)
    found: dict[str, type[Projection]] = {}
    todo = list(Projection.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith(views.__name__ + ".") and "name" in vars(cls):
            found[cls.name] = cls
    return [found[name]() for name in sorted(found)]
