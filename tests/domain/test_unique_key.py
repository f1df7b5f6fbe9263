"""The ids of unique values are keyed with the deployment's id secret (HMAC), not published."""

from __future__ import annotations

from datetime import date
from uuid import uuid5

from domain.ledger import Ledger
from domain.ledger.accounts import PHONE
from domain.unique_key import UniqueKey
from domain.values import LEDGER_NAMESPACE
from tests import factories as f

SECRET = b"k" * 32


def test_without_a_secret_the_id_is_uuid5_of_the_published_namespace():
    assert UniqueKey.id_for(PHONE, "13800138000") == uuid5(
        LEDGER_NAMESPACE, "unique-key/phone/13800138000"
    )


def test_with_a_secret_the_id_is_not_the_published_one():
    assert UniqueKey.id_for(PHONE, "13800138000", SECRET) != UniqueKey.id_for(PHONE, "13800138000")


def test_another_secret_gives_another_id():
    assert UniqueKey.id_for(PHONE, "13800138000", SECRET) != UniqueKey.id_for(
        PHONE, "13800138000", b"j" * 32
    )


def test_a_keyed_id_is_the_same_for_the_same_value_and_secret():
    assert UniqueKey.id_for(PHONE, "13800138000", SECRET) == UniqueKey.id_for(
        PHONE, "13800138000", SECRET
    )


def test_a_keyed_id_is_a_version_8_uuid():
    assert UniqueKey.id_for(PHONE, "13800138000", SECRET).version == 8


def test_a_ledger_with_an_id_secret_finds_a_volunteer_by_phone(clock):
    ledger = Ledger("memory:", clock=clock, id_secret=SECRET)
    volunteer_id = ledger.register_volunteer(
        name="王小明",
        phone="13800138000",
        birth_date=date(1990, 5, 4),
        home_organisation_id=f.community(ledger),
        privacy_consent=True,
    )
    assert ledger.volunteer_id_for_login("13800138000") == volunteer_id
    assert ledger.recorder.select_events(UniqueKey.id_for(PHONE, "13800138000")) == []
