"""Completeness checks over every event class of the domain."""

import importlib
import inspect
import pkgutil

import pytest
from eventsourcing.domain import Aggregate

import domain


def all_aggregates() -> list[type[Aggregate]]:
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    found, todo = [], list(Aggregate.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("domain."):
            found.append(cls)
    return found


def all_event_classes() -> list[type]:
    return [
        value
        for aggregate in all_aggregates()
        for value in vars(aggregate).values()
        if isinstance(value, type)
        and issubclass(value, Aggregate.Event)
        and not _is_library_base(value)
    ]


def _is_library_base(event_class: type) -> bool:
    """The library gives each aggregate an empty ``Event`` and ``Created``; ours have fields."""
    return event_class.__name__ in ("Event", "Created") and not inspect.get_annotations(event_class)


def annotations_of(cls: type) -> set[str]:
    return {name for klass in cls.__mro__ for name in getattr(klass, "__annotations__", {})}


def test_the_domain_has_the_aggregates_of_the_ledger():
    names = {cls.__name__ for cls in all_aggregates()}
    assert {"Organisation", "Volunteer", "Activity", "Shift", "ServiceRecord"} <= names


@pytest.mark.parametrize("event_class", all_event_classes(), ids=lambda c: c.__qualname__)
def test_every_event_records_who_did_it(event_class):
    assert "actor" in annotations_of(event_class)
