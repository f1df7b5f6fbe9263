"""Registering on the page: the API's rules, errors beside the field, text escaped."""

from __future__ import annotations

from tests.api.pages.browsing import post_form

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def _register(api, **fields: str):  # type: ignore[no-untyped-def]
    return post_form(api.client, "/register", "/register", **fields)


def _adult(world, **changes: str) -> dict[str, str]:
    """A registration that passes every check, with ``changes``."""
    return {
        "name": "陈小红",
        "phone": "13712345678",
        "password": "paper lantern over quiet river 42",
        "birth_date": "1995-06-01",
        "organization_id": str(world.community_a),
        "consent": "yes",
    } | changes


def test_a_volunteer_registers_and_is_told_their_number(api, world):
    answer = _register(api, **_adult(world))
    assert answer.status_code == 201
    ledger = api.services.ledger
    number = ledger.volunteer(ledger.volunteer_id_for_login("13712345678")).volunteer_number
    assert number in answer.text


def test_each_missing_field_is_named_beside_it(api, world):
    answer = _register(api, name="陈小红")
    assert answer.status_code == 422
    for field in ("phone", "password", "birth_date", "organization_id"):
        assert f'id="e-{field}"' in answer.text
    assert "此项为必填。" in answer.text


def test_registration_without_consent_is_refused_beside_the_consent_box(api, world):
    fields = _adult(world)
    del fields["consent"]
    answer = _register(api, **fields)
    assert answer.status_code == 422
    assert 'id="e-consent"' in answer.text


def test_a_minor_needs_a_guardian(api, world):
    answer = _register(api, **_adult(world, birth_date=f"{api.clock.now.year - 12}-06-01"))
    assert answer.status_code == 422
    assert "guardian" in answer.text or "监护人" in answer.text


def test_what_was_typed_comes_back_escaped(api, world):
    answer = _register(api, name=HOSTILE, skills=HOSTILE, guardian_name=HOSTILE)
    assert "<script>alert(1)" not in answer.text
    assert "<img src=x" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
