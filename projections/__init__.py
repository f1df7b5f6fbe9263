"""Read models folded from the event stream, and the machinery that keeps them current.

Each read-model family is a folder holding its projection (``view.py``) and its queries;
``stores/`` holds where they are written, ``running/`` what keeps them current, and
``transparency/`` the transparency log. ``docs/architecture.md`` draws the folders.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

from projections.base import Projection


def all_projections() -> list[Projection]:
    """One instance of every projection defined in a family's ``view`` module
    (``projections/<family>/view.py``), ordered by name."""
    views: set[str] = set()
    for family in pkgutil.iter_modules(__path__, __name__ + "."):
        if family.ispkg and importlib.util.find_spec(family.name + ".view") is not None:
            views.add(importlib.import_module(family.name + ".view").__name__)
    found: dict[str, type[Projection]] = {}
    todo = list(Projection.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__ in views and "name" in vars(cls):
            found[cls.name] = cls
    return [found[name]() for name in sorted(found)]
