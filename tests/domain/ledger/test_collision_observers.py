"""The hook that lets a caller count collisions: told of each one, and of whether it is retried."""

import pytest
from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentUpdateError
from domain.ledger import Ledger
from domain.ledger.command import collision_observers
from domain.policy import Policy
from tests import factories as f


def test_each_collision_is_told_with_whether_the_command_runs_again(clock, monkeypatch):
    ledger = Ledger("memory:", clock=clock, policy=Policy(retry_attempts=3))
    told: list[tuple[str, bool]] = []
    collision_observers.append(lambda command, retried: told.append((command, retried)))

    def conflicting_save(*aggregates, **kwargs):
        raise IntegrityError("concurrent write won")

    monkeypatch.setattr(ledger, "save", conflicting_save)
    try:
        with pytest.raises(ConcurrentUpdateError):
            f.district(ledger)
    finally:
        collision_observers.pop()
    assert told == [("create_organisation", True)] * 2 + [("create_organisation", False)]
