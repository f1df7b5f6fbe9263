"""A transparency log over a test ledger, and stories of service to fill it with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.transparency.log import TransparencyLog
from tests import factories as f
from tests.factories import ORGANISER

SIGNING_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SALT_KEY = bytes(range(100, 132))
ORIGIN = "志愿服务.example/log"
#: For behaviour that does not depend on the store: run once, on the in-memory one.
IN_MEMORY = pytest.mark.parametrize("store_url", ["memory"], indirect=True)


def open_log(ledger, views, **options) -> TransparencyLog:
    options = {"salt_key": SALT_KEY, "signing_key": SIGNING_KEY, "batch_size": 7} | options
    return TransparencyLog(
        ledger.recorder,
        ledger.mapper,
        views,
        public_key=options["signing_key"].public_key(),
        origin=ORIGIN,
        **options,
    )


def served(ledger, clock, activity, volunteer, minutes: int):
    start = clock.now - timedelta(days=2)
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        description="入户探访独居老人",
        actor=f.home_organiser(ledger, volunteer),
    )


def hours_story(ledger, clock) -> dict:
    """A community's volunteers serve; records are approved, corrected, rejected, revoked."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    wang, li, zhao = (f.volunteer(ledger, community, name=n) for n in ("王秀英", "李建国", "赵刚"))
    records = [
        served(ledger, clock, activity, v, m) for v, m in ((wang, 120), (li, 90), (zhao, 45))
    ]
    clock.advance(days=1)
    records.append(served(ledger, clock, activity, wang, 60))
    for record in records[:3]:
        ledger.approve_record(record, ORGANISER)
    f.raise_as_asked(ledger, records[1], 100, ORGANISER)
    ledger.reject_record(records[3], "重复录入", ORGANISER)
    ledger.revoke_record(records[0], "活动取消", ORGANISER)
    return {"records": records, "volunteers": [wang, li, zhao], "activity": activity}


def stored_ids(ledger) -> list[int]:
    return [n.id for n in ledger.recorder.select_notifications(start=None, limit=10_000)]
