"""Leaves commit to an event's stored bytes, show only what is public, and rebuild identically."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from trust.errors import EncodingError
from trust.leaf import (
    commitment,
    encode_leaf,
    event_salt,
    leaf_time,
    opens_commitment,
    parse_leaf,
)

LOG_KEY = bytes(range(32))
REGISTERED_STATE = json.dumps(
    {"name": "王小明", "phone": "13800000000", "birth_date": "1990-05-04"}, ensure_ascii=False
).encode()
RECORDED_PUBLIC = {
    "record_id": "8c5e6a52-4f5e-4d6b-9a37-1e0a2a3b4c5d",
    "minutes": 150,
    "service_date": "2026-03-02",
}


def registered(**changes) -> bytes:
    values = {
        "position": 4,
        "aggregate_id": "27716c59-682a-470f-987f-3ce676fa7723",
        "version": 1,
        "topic": "domain.volunteer:Volunteer.Registered",
        "time": datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
        "public": {},
        "state": REGISTERED_STATE,
        "log_key": LOG_KEY,
    } | changes
    return encode_leaf(**values)


def test_the_same_event_gives_the_same_bytes():
    assert registered() == registered()


def test_a_leaf_is_canonical_json_with_exactly_the_leaf_fields():
    leaf = parse_leaf(registered())
    assert leaf == {
        "v": 1,
        "position": 4,
        "aggregate_id": "27716c59-682a-470f-987f-3ce676fa7723",
        "version": 1,
        "type": "domain.volunteer:Volunteer.Registered",
        "time": "2026-03-02T00:00:00.000000Z",
        "public": {},
        "commitment": leaf["commitment"],
    }


def test_a_registration_leaf_holds_no_personal_data():
    text = registered().decode()
    for personal in ("王小明", "13800000000", "1990-05-04", "phone", "name"):
        assert personal not in text


def test_public_fields_are_readable_from_the_leaf():
    leaf = parse_leaf(registered(public=RECORDED_PUBLIC))
    assert leaf["public"] == RECORDED_PUBLIC


def test_the_commitment_is_the_salted_hash_of_the_stored_bytes():
    salt = event_salt(LOG_KEY, 4, "27716c59-682a-470f-987f-3ce676fa7723", 1)
    expected = base64.b64encode(hashlib.sha256(salt + REGISTERED_STATE).digest()).decode()
    assert parse_leaf(registered())["commitment"] == expected
    assert opens_commitment(expected, salt, REGISTERED_STATE)
    assert not opens_commitment(expected, salt, REGISTERED_STATE + b" ")


def test_the_commitment_is_not_the_plain_hash_of_the_state():
    plain = base64.b64encode(hashlib.sha256(REGISTERED_STATE).digest()).decode()
    assert parse_leaf(registered())["commitment"] != plain


@pytest.mark.parametrize(
    "other",
    [
        {"position": 5},
        {"aggregate_id": "00000000-0000-4000-8000-000000000000"},
        {"version": 2},
    ],
    ids=["position", "aggregate", "version"],
)
def test_every_event_has_its_own_salt(other):
    base = ("27716c59-682a-470f-987f-3ce676fa7723", 1)
    values = {"position": 4, "aggregate_id": base[0], "version": base[1]} | other
    assert event_salt(LOG_KEY, **values) != event_salt(LOG_KEY, 4, *base)


def test_another_log_key_gives_other_salts():
    assert event_salt(LOG_KEY, 4, "a", 1) != event_salt(bytes(32), 4, "a", 1)


def test_one_changed_state_byte_changes_the_commitment():
    changed = bytearray(REGISTERED_STATE)
    changed[-2] ^= 0x01
    assert commitment(b"salt", bytes(changed)) != commitment(b"salt", REGISTERED_STATE)
    assert (
        parse_leaf(registered(state=bytes(changed)))["commitment"]
        != (parse_leaf(registered())["commitment"])
    )


def test_times_are_spelt_in_utc_with_microseconds():
    beijing = timezone(timedelta(hours=8))
    assert leaf_time(datetime(2026, 3, 2, 8, 0, tzinfo=beijing)) == "2026-03-02T00:00:00.000000Z"
    assert leaf_time(datetime(2026, 3, 2, 0, 0, 0, 5, tzinfo=UTC)) == "2026-03-02T00:00:00.000005Z"


def test_a_naive_time_is_refused():
    with pytest.raises(EncodingError):
        registered(time=datetime(2026, 3, 2))  # noqa: DTZ001


def test_a_log_key_is_32_bytes():
    with pytest.raises(EncodingError):
        registered(log_key=b"short")


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"[]",
        b'{"v":1}',
        registered().replace(b'"v":1', b'"v":2'),
        registered().replace(b"{", b"{ ", 1),
    ],
    ids=["not-json", "array", "missing-fields", "version-2", "not-canonical"],
)
def test_parse_leaf_refuses_what_is_not_a_leaf(data):
    with pytest.raises(EncodingError):
        parse_leaf(data)
