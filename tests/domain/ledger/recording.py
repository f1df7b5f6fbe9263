"""Service recorded by hand, as the hours and approval tests need it."""

from datetime import timedelta

from tests.factories import ORGANISER


def manual_record(ledger, clock, activity, volunteer, *, hours_ago: float = 5, hours: float = 2):
    clock.advance(days=3)
    start = ledger.now() - timedelta(hours=hours_ago)
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(hours=hours),
        description="入户走访独居老人",
        beneficiary="赵奶奶",
        actor=ORGANISER,
    )


def record_by_hand(ledger, clock, activity, volunteer, actor):
    clock.advance(days=3)
    start = ledger.now() - timedelta(hours=5)
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(hours=2),
        description="入户走访独居老人",
        actor=actor,
    )
