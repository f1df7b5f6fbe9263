"""Check-in codes: they rotate each minute, hold for two, and only for their shift."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from api.pages.check_codes import ExpiredCode, ForgedCode, code_for, shift_of

KEY = b"k" * 32
NOON = datetime(2026, 3, 2, 4, 0, 0, tzinfo=UTC)


def test_a_code_names_its_shift():
    shift = uuid4()
    assert shift_of(KEY, code_for(KEY, shift, NOON), NOON) == shift


def test_a_code_is_compact_and_url_safe():
    code = code_for(KEY, uuid4(), NOON)
    assert len(code) <= 48
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_code_changes_each_minute():
    shift = uuid4()
    assert code_for(KEY, shift, NOON) != code_for(KEY, shift, NOON + timedelta(seconds=60))


def test_the_code_of_the_minute_before_still_holds():
    shift = uuid4()
    code = code_for(KEY, shift, NOON)
    assert shift_of(KEY, code, NOON + timedelta(seconds=119)) == shift


def test_a_code_two_minutes_old_has_expired_and_says_for_which_shift():
    shift = uuid4()
    code = code_for(KEY, shift, NOON)
    with pytest.raises(ExpiredCode) as expired:
        shift_of(KEY, code, NOON + timedelta(seconds=120))
    assert expired.value.shift_id == shift


def test_a_pass_holds_for_the_windows_it_is_given():
    shift = uuid4()
    kept = code_for(KEY, shift, NOON)
    assert shift_of(KEY, kept, NOON + timedelta(seconds=599), windows=10) == shift
    with pytest.raises(ExpiredCode):
        shift_of(KEY, kept, NOON + timedelta(seconds=600), windows=10)


def test_a_code_for_a_minute_still_to_come_is_refused():
    code = code_for(KEY, uuid4(), NOON + timedelta(minutes=5))
    with pytest.raises(ForgedCode):
        shift_of(KEY, code, NOON)


def test_a_code_signed_with_another_key_is_forged():
    code = code_for(b"x" * 32, uuid4(), NOON)
    with pytest.raises(ForgedCode):
        shift_of(KEY, code, NOON)


def test_a_code_moved_to_another_shift_is_forged():
    code = code_for(KEY, uuid4(), NOON)
    other = code_for(KEY, uuid4(), NOON)
    spliced = other[:21] + code[21:]  # another shift's id and window, this code's signature
    with pytest.raises(ForgedCode):
        shift_of(KEY, spliced, NOON)


@pytest.mark.parametrize("code", ["", "abc", "!!!!", "A" * 40, "é" * 40])
def test_garbage_is_forged(code):
    with pytest.raises(ForgedCode):
        shift_of(KEY, code, NOON)
