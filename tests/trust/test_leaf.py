"""Leaves (format 2) commit to an event's stored bytes and to the values a certificate proves,
show no identifier, open field by field, and rebuild identically."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from trust.errors import EncodingError
from trust.jcs import canonicalize
from trust.leaf import (
    commitment,
    encode_leaf,
    holder_tag,
    leaf_salt,
    leaf_time,
    open_commitments,
    openings,
    opens_commitment,
    parse_leaf,
)

LOG_KEY = bytes(range(32))
AGGREGATE = "27716c59-682a-470f-987f-3ce676fa7723"
REGISTERED_STATE = json.dumps(
    {"name": "王小明", "phone": "13800000000", "birth_date": "1990-05-04"}, ensure_ascii=False
).encode()
RECORDED = {
    "record": "8c5e6a52-4f5e-4d6b-9a37-1e0a2a3b4c5d",
    "minutes": 150,
    "service_date": "2026-03-02",
}
PLACE = {"position": 4, "aggregate_id": AGGREGATE, "version": 1}


def registered(**changes) -> bytes:
    values = {
        **PLACE,
        "topic": "domain.volunteer:Volunteer.Registered",
        "time": datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
        "public": {},
        "committed": {},
        "state": REGISTERED_STATE,
        "log_key": LOG_KEY,
    } | changes
    return encode_leaf(**values)


def recorded(**changes) -> bytes:
    return registered(
        topic="domain.service_record:ServiceRecord.Recorded", committed=RECORDED, **changes
    )


def test_the_same_event_gives_the_same_bytes():
    assert registered() == registered()


def test_a_leaf_is_canonical_json_with_exactly_the_leaf_fields_and_no_id():
    leaf = parse_leaf(registered())
    assert leaf == {
        "v": 2,
        "position": 4,
        "type": "domain.volunteer:Volunteer.Registered",
        "time": "2026-03-02T00:00:00.000000Z",
        "public": {},
        "commitments": {},
        "state": leaf["state"],
    }
    assert AGGREGATE not in registered().decode()


def test_a_registration_leaf_holds_no_personal_data():
    text = registered().decode()
    for personal in ("王小明", "13800000000", "1990-05-04", "phone", "name"):
        assert personal not in text


def test_public_values_are_readable_from_the_leaf():
    leaf = parse_leaf(registered(public={"status": "approved"}))
    assert leaf["public"] == {"status": "approved"}


def test_committed_values_are_not_in_the_leaf():
    text = recorded(time=datetime(2026, 3, 5, tzinfo=UTC)).decode()
    for value in ("8c5e6a52-4f5e-4d6b-9a37-1e0a2a3b4c5d", "150", "2026-03-02"):
        assert value not in text
    assert set(parse_leaf(recorded())["commitments"]) == set(RECORDED)


def test_a_committed_value_is_the_salted_hash_of_its_canonical_json():
    salt = leaf_salt(LOG_KEY, 4, AGGREGATE, 1, "minutes")
    expected = base64.b64encode(hashlib.sha256(salt + b"150").digest()).decode()
    assert parse_leaf(recorded())["commitments"]["minutes"] == expected


def test_a_list_is_committed_item_by_item_each_with_its_own_salt():
    ids = ["rec-1", "rec-1"]
    leaf = parse_leaf(registered(committed={"record_ids": ids}))
    first, second = leaf["commitments"]["record_ids"]
    assert first != second
    salt = leaf_salt(LOG_KEY, 4, AGGREGATE, 1, "record_ids/1")
    assert opens_commitment(second, salt, canonicalize("rec-1"))


def test_the_same_value_in_two_leaves_gives_unrelated_commitments():
    one = parse_leaf(recorded())["commitments"]
    other = parse_leaf(recorded(position=5))["commitments"]
    assert not set(one.values()) & set(other.values())


def test_openings_open_every_commitment_to_its_value():
    opened = openings(**PLACE, committed=RECORDED, log_key=LOG_KEY)
    assert open_commitments(parse_leaf(recorded()), opened) == RECORDED


def test_openings_of_a_list_open_it():
    committed = {"record_ids": ["rec-1", "rec-2"]}
    opened = openings(**PLACE, committed=committed, log_key=LOG_KEY)
    assert open_commitments(parse_leaf(registered(committed=committed)), opened) == committed


@pytest.mark.parametrize(
    "change",
    [
        lambda o: o["minutes"].update(value=120),
        lambda o: o["minutes"].update(value="150"),
        lambda o: o["minutes"].update(salt=o["record"]["salt"]),
        lambda o: o["minutes"].update(salt="not base64!"),
        lambda o: o.pop("minutes"),
        lambda o: o.update(extra={"salt": "", "value": 1}),
    ],
    ids=["other-value", "other-type", "other-salt", "bad-salt", "missing", "extra"],
)
def test_a_wrong_opening_opens_nothing(change):
    opened = openings(**PLACE, committed=RECORDED, log_key=LOG_KEY)
    change(opened)
    with pytest.raises(EncodingError):
        open_commitments(parse_leaf(recorded()), opened)


def test_openings_of_one_leaf_do_not_open_another():
    opened = openings(**PLACE, committed=RECORDED, log_key=LOG_KEY)
    with pytest.raises(EncodingError):
        open_commitments(parse_leaf(recorded(position=5)), opened)


def test_the_state_is_the_salted_hash_of_the_stored_bytes():
    salt = leaf_salt(LOG_KEY, 4, AGGREGATE, 1, "state")
    expected = base64.b64encode(hashlib.sha256(salt + REGISTERED_STATE).digest()).decode()
    assert parse_leaf(registered())["state"] == expected
    assert opens_commitment(expected, salt, REGISTERED_STATE)
    assert not opens_commitment(expected, salt, REGISTERED_STATE + b" ")


def test_the_state_commitment_is_not_the_plain_hash_of_the_state():
    plain = base64.b64encode(hashlib.sha256(REGISTERED_STATE).digest()).decode()
    assert parse_leaf(registered())["state"] != plain


@pytest.mark.parametrize(
    "other",
    [
        {"position": 5},
        {"aggregate_id": "00000000-0000-4000-8000-000000000000"},
        {"version": 2},
        {"label": "minutes"},
    ],
    ids=["position", "aggregate", "version", "label"],
)
def test_every_field_of_every_event_has_its_own_salt(other):
    base = PLACE | {"label": "state"}
    assert leaf_salt(LOG_KEY, **(base | other)) != leaf_salt(LOG_KEY, **base)


def test_another_log_key_gives_other_salts():
    assert leaf_salt(LOG_KEY, 4, "a", 1, "state") != leaf_salt(bytes(32), 4, "a", 1, "state")


def test_the_aggregate_is_bound_into_the_state_commitment():
    moved = registered(aggregate_id="00000000-0000-4000-8000-000000000000")
    assert parse_leaf(moved)["state"] != parse_leaf(registered())["state"]


def test_a_holder_tag_is_one_per_person_and_keyed():
    assert holder_tag(LOG_KEY, AGGREGATE) == holder_tag(LOG_KEY, AGGREGATE)
    assert holder_tag(LOG_KEY, AGGREGATE) != holder_tag(LOG_KEY, "another")
    assert holder_tag(LOG_KEY, AGGREGATE) != holder_tag(bytes(32), AGGREGATE)
    assert AGGREGATE not in holder_tag(LOG_KEY, AGGREGATE)


def test_one_changed_state_byte_changes_the_commitment():
    changed = bytearray(REGISTERED_STATE)
    changed[-2] ^= 0x01
    assert commitment(b"salt", bytes(changed)) != commitment(b"salt", REGISTERED_STATE)
    assert (
        parse_leaf(registered(state=bytes(changed)))["state"] != parse_leaf(registered())["state"]
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


V1_LEAF = canonicalize(
    {
        "v": 1,
        "position": 4,
        "aggregate_id": AGGREGATE,
        "version": 1,
        "type": "domain.volunteer:Volunteer.Registered",
        "time": "2026-03-02T00:00:00.000000Z",
        "public": {},
        "commitment": "x",
    }
)


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"[]",
        b'{"v":2}',
        V1_LEAF,
        registered().replace(b'"v":2', b'"v":3'),
        registered().replace(b'"commitments":{}', b'"commitments":[]'),
        registered().replace(b"{", b"{ ", 1),
    ],
    ids=["not-json", "array", "missing-fields", "version-1", "version-3", "list", "not-canonical"],
)
def test_parse_leaf_refuses_what_is_not_a_leaf(data):
    with pytest.raises(EncodingError):
        parse_leaf(data)
