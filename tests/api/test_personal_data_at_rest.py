"""A live store holds no name or phone in clear: its events and snapshots are scanned raw.

The scenario registers an adult and a minor with a guardian, staff accounts, an activity with
a contact, records with reasons and a beneficiary, a correction and a certificate, and takes
a snapshot of every aggregate that holds personal data. The event and snapshot tables are
then read as bytes (SQLite: the whole file and its write-ahead log; PostgreSQL: every row of
the two tables as text) and searched for every name and phone in every spelling.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from uuid import uuid5

import pytest

from api.personal_data import ledger_for
from api.settings import Settings
from domain.ledger import Ledger
from domain.ledger.accounts import PHONE
from domain.unique_key import UniqueKey
from domain.values import LEDGER_NAMESPACE, Actor
from tests import factories as f
from tests.conftest import Clock

PERSONAL = [
    "王小明",
    "13800138000",
    "李小红",
    "13900139000",
    "李建国",
    "张伟明",
    "zhang.weiming",
    "赵秀英",
    "13711112222",
    "孙丽华",
    "周建华",
    "13622223333",
    "陈奶奶",
    "王小明提前离开",
    "李小红未到岗",
]


def spellings(text: str) -> set[bytes]:
    """UTF-8, JSON with \\uXXXX escapes (lower and upper hex), and hex of the UTF-8 bytes."""
    escaped = json.dumps(text)[1:-1]
    upper = "".join(
        part[:2] + part[2:6].upper() + part[6:] if part.startswith("\\u") else part
        for part in escaped.replace("\\u", "\n\\u").split("\n")
    )
    utf8 = text.encode()
    return {
        utf8,
        escaped.encode(),
        upper.encode(),
        utf8.hex().encode(),
        utf8.hex().upper().encode(),
    }


def test_spellings_cover_escapes_in_both_cases_and_hex():
    assert spellings("王") == {
        "王".encode(),
        b"\\u738b",
        b"\\u738B",
        b"e78e8b",
        b"E78E8B",
    }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path}/data/ledger.db"
    else:
        store = str(request.getfixturevalue("postgres_schema"))
    return Settings(data_dir=tmp_path / "data", store=store, follow_projections=False)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    clock = Clock(datetime(2026, 3, 20, tzinfo=UTC))
    ledger = ledger_for(settings, clock=clock)
    try:
        yield ledger
    finally:
        ledger.close()


def live_scenario(ledger: Ledger) -> list:
    """Everything personal the ledger takes in; the ids of the aggregates that hold it."""
    district = f.district(ledger)
    community = f.community(ledger, parent=district)
    adult = ledger.register_volunteer(
        name="王小明",
        phone="13800138000",
        birth_date=date(1990, 5, 4),
        home_organisation_id=community,
        privacy_consent=True,
        password_hash="not-a-real-hash",
    )
    minor = ledger.register_volunteer(
        name="李小红",
        phone="139 0013 9000",
        birth_date=date(2010, 1, 2),
        home_organisation_id=community,
        privacy_consent=True,
        guardian_name="李建国",
        guardian_consent=True,
    )
    organiser_id = ledger.create_staff_account(
        username="zhang.weiming",
        display_name="张伟明",
        password_hash="not-a-real-hash",
        organisation_id=community,
        actor=f.ADMIN,
    )
    organiser = Actor.account(organiser_id)
    checker = f.organiser(ledger, community, "checker")
    activity = ledger.create_activity(
        title="社区助老",
        category="助老助残",
        organisation_id=community,
        location="和平里",
        contact="赵秀英 13711112222",
        actor=organiser,
    )
    start = ledger.now() - timedelta(days=2)
    kept, rejected = (
        ledger.record_service(
            volunteer_id=volunteer,
            activity_id=activity,
            started_at=start,
            ended_at=start + timedelta(hours=2),
            description="陪陈奶奶聊天",
            beneficiary="陈奶奶",
            actor=organiser,
        )
        for volunteer in (adult, minor)
    )
    ledger.correct_record(kept, 100, "王小明提前离开", organiser)
    ledger.approve_record(kept, checker)
    ledger.reject_record(rejected, "李小红未到岗", checker)
    certificate = ledger.issue_certificate(
        issuer_id=community,
        volunteer_id=adult,
        record_ids=[kept],
        person_in_charge="孙丽华",
        handler="周建华",
        contact="13622223333",
        actor=organiser,
    )
    holding = [adult, minor, organiser_id, activity, kept, rejected, certificate]
    holding.append(ledger.account_for_login("13800138000").id)
    for aggregate_id in holding:
        ledger.take_snapshot(aggregate_id)
    return holding


def raw_store(ledger: Ledger, settings: Settings) -> bytes:
    store = settings.store_url()
    if store.startswith("sqlite:"):
        return b"".join(p.read_bytes() for p in settings.data_dir.glob("ledger.db*"))
    assert ledger.snapshots is not None
    tables = [ledger.recorder, ledger.snapshots.recorder]
    schema = parse_qs(urlsplit(store).query)["schema"][0]
    names = [f"{schema}.{recorder.events_table_name}" for recorder in tables]
    datastore = ledger.recorder.datastore
    rows: list[bytes] = []
    with datastore.get_connection() as connection, connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SELECT t::text AS v FROM {name} t")  # bytea as hex, text as text
            rows += [row["v"].encode() for row in cursor.fetchall()]
            cursor.execute(f"SELECT state AS v FROM {name}")
            rows += [bytes(row["v"]) for row in cursor.fetchall()]
    return b"\n".join(rows)


def test_the_event_store_holds_no_name_or_phone_in_any_spelling(ledger, settings):
    holding = live_scenario(ledger)
    raw = raw_store(ledger, settings)
    assert len(raw) > 10_000  # the scan read the store
    found = [text for text in PERSONAL for spelling in spellings(text) if spelling in raw]
    assert found == []
    assert ledger.volunteer(holding[0]).name == "王小明"  # and the ledger reads it back


def test_the_store_holds_the_same_events_readable_by_the_ledger(ledger, settings):
    holding = live_scenario(ledger)
    certificate = ledger.repository.get(holding[6])
    assert (certificate.person_in_charge, certificate.contact) == ("孙丽华", "13622223333")
    assert ledger.service_record(holding[4]).beneficiary == "陈奶奶"


def test_the_id_of_a_phone_s_unique_key_is_not_the_published_uuid5(ledger, settings):
    live_scenario(ledger)
    published = uuid5(LEDGER_NAMESPACE, f"unique-key/{PHONE}/13800138000")
    assert UniqueKey.id_for(PHONE, "13800138000") == published
    assert ledger.recorder.select_events(published) == []
    keyed = UniqueKey.id_for(PHONE, "13800138000", ledger.id_secret)
    assert len(ledger.recorder.select_events(keyed)) == 2  # opened and claimed
