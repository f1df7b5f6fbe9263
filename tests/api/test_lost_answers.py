"""A command committed whose answer was lost (the process died first): a retry gets the truth."""

from __future__ import annotations

from tests.api.conftest import PASSWORD


def registration(world) -> dict[str, object]:
    return {
        "name": "陈丽华",
        "phone": "13922223333",
        "password": PASSWORD,
        "birth_date": "1988-08-08",
        "organization_id": str(world.community_a),
        "consent": True,
    }


def test_a_retry_whose_first_answer_was_never_kept_gets_the_same_volunteer(api, world):
    api.client.app.state.idempotency.remember = lambda *args: None  # died before keeping it
    key = {"Idempotency-Key": "register-chen-1"}
    first = api.client.post("/v1/volunteers", json=registration(world), headers=key)
    head = api.services.ledger.recorder.max_notification_id()
    again = api.client.post("/v1/volunteers", json=registration(world), headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["volunteer_number"] == first.json()["volunteer_number"]
    assert api.services.ledger.recorder.max_notification_id() == head


def test_a_retry_with_other_content_is_refused_even_when_no_answer_was_kept(api, world):
    api.client.app.state.idempotency.remember = lambda *args: None
    key = {"Idempotency-Key": "register-chen-1"}
    api.client.post("/v1/volunteers", json=registration(world), headers=key)
    other = {**registration(world), "name": "陈丽"}
    response = api.client.post("/v1/volunteers", json=other, headers=key)
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/idempotency-key-reused"


def test_a_refused_retry_does_not_hide_the_first_answer(api, world):
    key = {"Idempotency-Key": "register-chen-1"}
    api.client.app.state.idempotency.remember = lambda *args: None
    first = api.client.post("/v1/volunteers", json=registration(world), headers=key)
    del api.client.app.state.idempotency.remember  # answers are kept again
    api.client.post("/v1/volunteers", json={**registration(world), "name": "陈丽"}, headers=key)
    again = api.client.post("/v1/volunteers", json=registration(world), headers=key)
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
