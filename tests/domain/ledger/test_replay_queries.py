"""A load the cache cannot answer asks the store for no more than it needs, and finds the same."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.errors import SignUpRefusedError
from domain.ledger import Ledger
from domain.ledger.repository import LedgerRepository
from domain.values import Actor
from tests import factories as f


def count_snapshot_reads(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The ids the snapshot store is asked about from now on."""
    assert ledger.snapshots is not None
    recorder = ledger.snapshots.recorder
    select = recorder.select_events
    asked: list[object] = []

    def counting(originator_id: Any, **kwargs: Any) -> Any:
        asked.append(originator_id)
        return select(originator_id, **kwargs)

    monkeypatch.setattr(recorder, "select_events", counting)
    return asked


def test_registering_asks_for_no_snapshot_of_keys_that_are_never_snapshotted(ledger, monkeypatch):
    community = f.community(ledger)
    asked = count_snapshot_reads(ledger, monkeypatch)
    f.volunteer(ledger, community)
    assert asked == []  # the phone and number keys are new; the organisation is cached


def test_a_volunteer_s_first_sign_up_asks_for_no_snapshot_of_the_timesheet_it_opens(
    ledger, monkeypatch
):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community))
    volunteer = f.volunteer(ledger, community)
    asked = count_snapshot_reads(ledger, monkeypatch)
    ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    assert asked == []


def test_a_timesheet_that_exists_but_is_not_cached_is_loaded_whole(ledger, monkeypatch):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    first = f.shift(ledger, activity, starts_in=timedelta(days=1))
    overlapping = f.shift(ledger, activity, starts_in=timedelta(days=1, hours=1))
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(first, volunteer, Actor.volunteer(volunteer))
    assert isinstance(ledger.repository, LedgerRepository)
    ledger.repository.clear_cache()
    asked = count_snapshot_reads(ledger, monkeypatch)
    with pytest.raises(SignUpRefusedError, match="overlaps"):
        ledger.sign_up(overlapping, volunteer, Actor.volunteer(volunteer))
    assert len(asked) == 3  # the shift, the volunteer and the timesheet, each replayed
