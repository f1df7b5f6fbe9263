"""Every projection decides about every event class of the domain."""

import pytest

from projections import all_projections
from tests.domain.test_events import all_event_classes


@pytest.mark.parametrize("projection", all_projections(), ids=lambda p: p.name)
def test_every_event_class_is_handled_or_ignored(projection):
    undecided = {
        cls.__qualname__
        for cls in all_event_classes()
        if cls not in projection.handlers and cls not in projection.ignores
    }
    assert undecided == set()


@pytest.mark.parametrize("projection", all_projections(), ids=lambda p: p.name)
def test_no_event_class_is_both_handled_and_ignored(projection):
    assert set(projection.handlers) & projection.ignores == set()
