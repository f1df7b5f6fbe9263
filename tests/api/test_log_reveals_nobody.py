"""The public log of a demo-like ledger names nobody and links no one's events.

Every id the ledger holds (each aggregate's, and each id an event mentions: volunteers,
records, certificates, keys, actors) and every certificate and volunteer number is searched
for in the bytes of every leaf, as ``GET /v1/log/leaves/{i}`` serves them. Then, volunteer by
volunteer, their leaves must share no value but the ones docs/transparency-log.md justifies:
the format version, an event type, a time, a status.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.demo import load_demo
from api.personal_data import ledger_for
from api.settings import Settings
from domain.values import Actor
from tests import factories as f
from trust.leaf import LEAF_FIELDS, parse_leaf

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: What two leaves of one person may have in common (docs/transparency-log.md, "Leaves").
SHAREABLE = ("v", "type", "time", "public")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path) -> Settings:
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path}/data/ledger.db"
    else:
        store = str(request.getfixturevalue("postgres_schema"))
    return Settings(data_dir=tmp_path / "data", store=store, follow_projections=False)


def demo_with_every_kind_of_leaf(settings: Settings) -> None:
    """The demo, then a raise, a revoked record and a revoked certificate."""
    summary = load_demo(settings, weeks=1, progress=lambda _: None)
    ledger = ledger_for(settings)
    try:
        organiser = Actor.account(ledger.account_for_login("demo.organiser").id)
        raised, revoked = (records[-1] for records in list(summary.approved.values())[-2:])
        f.raise_as_asked(ledger, raised, ledger.service_record(raised).minutes + 5, organiser)
        ledger.revoke_record(revoked, "活动取消", organiser)
        assert summary.certificate is not None
        ledger.revoke_certificate(summary.certificate, "记录有误", organiser)
    finally:
        ledger.close()


def public_leaves(settings: Settings) -> dict[int, bytes]:
    """Every leaf, by position, as the public route serves it."""
    with TestClient(create_app(settings)) as client:
        size = int(client.get("/v1/log/checkpoint", params={"fresh": True}).text.split("\n")[1])
        leaves = [client.get(f"/v1/log/leaves/{i}").json() for i in range(size)]
    return {leaf["position"]: leaf["data"].encode() for leaf in leaves}


def mentioned(value: object) -> Iterator[str]:
    """Every id and number in an event's value, as text."""
    if isinstance(value, UUID):
        yield str(value)
    elif isinstance(value, str):
        yield from UUID_TEXT.findall(value)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from mentioned(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from mentioned(item)


class Events:
    """The ledger's events as an insider reads them: ids, numbers, and whose each event is."""

    def __init__(self, settings: Settings) -> None:
        ledger = ledger_for(settings)
        try:
            notifications = ledger.recorder.select_notifications(start=None, limit=100_000)
            self.ids: set[str] = set()
            self.numbers: set[str] = set()
            self.aggregate_at: dict[int, UUID] = {}
            self.owner: dict[UUID, UUID] = {}
            for notification in notifications:
                event = ledger.mapper.to_domain_event(notification)
                self.aggregate_at[notification.id] = notification.originator_id
                self.ids.add(str(notification.originator_id))
                for name, value in vars(event).items():
                    self.ids.update(mentioned(value))
                    if name in ("number", "volunteer_number"):
                        self.numbers.add(str(value))
                if notification.topic.endswith(":Volunteer.Registered"):
                    self.owner[notification.originator_id] = notification.originator_id
                volunteer = getattr(event, "volunteer_id", None)
                if isinstance(volunteer, UUID):
                    self.owner.setdefault(notification.originator_id, volunteer)
        finally:
            ledger.close()

    def by_volunteer(self) -> dict[UUID, list[int]]:
        """Positions of each volunteer's events: their own, their records', certificates' …"""
        found: dict[UUID, list[int]] = {}
        for position, aggregate in self.aggregate_at.items():
            if aggregate in self.owner:
                found.setdefault(self.owner[aggregate], []).append(position)
        return found


def values(leaf: dict, fields: tuple[str, ...]) -> Iterator[object]:
    """The leaf's values in these fields, lists and objects opened up."""
    pending = [leaf[name] for name in fields]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += value.values()
        elif isinstance(value, list):
            pending += value
        else:
            yield value


def test_no_leaf_holds_an_id_or_a_number_of_anyone(settings):
    demo_with_every_kind_of_leaf(settings)
    leaves = public_leaves(settings)
    events = Events(settings)
    assert len(leaves) == len(events.aggregate_at) > 300
    assert len(events.ids) > 100
    assert len(events.numbers) > 10
    text = b"\n".join(leaves.values()).decode().lower()
    assert [i for i in events.ids if i in text or UUID(i).hex in text] == []
    assert [number for number in events.numbers if number.lower() in text] == []

    parsed = {position: parse_leaf(data) for position, data in leaves.items()}
    assert all(set(leaf) == LEAF_FIELDS for leaf in parsed.values())
    types = {leaf["type"].rpartition(":")[2] for leaf in parsed.values() if leaf["commitments"]}
    assert types >= {
        "ServiceRecord.Recorded",
        "ServiceRecord.Approved",
        "ServiceRecord.Corrected",
        "ServiceRecord.Revoked",
        "Certificate.Issued",
        "Certificate.Revoked",
    }
    statuses = {v for leaf in parsed.values() for v in values(leaf, ("public",))}
    assert statuses <= {"approved", "rejected", "revoked"}

    mine = events.by_volunteer()
    assert len(mine) > 10
    for volunteer, positions in mine.items():
        unique = [
            value
            for position in positions
            for value in values(parsed[position], tuple(sorted(LEAF_FIELDS - set(SHAREABLE))))
        ]
        assert len(unique) == len(set(unique)), f"two leaves of {volunteer} share a value"
