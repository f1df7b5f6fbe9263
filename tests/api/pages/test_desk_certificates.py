"""The desk's certificate requests: issue one or decline it, in the organiser's scope only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.pages.browsing import log_in, post_form

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def _api_read(api, path, token):  # type: ignore[no-untyped-def]
    api.services.runner.catch_up()
    return api.client.get(path, headers=token).json()


@pytest.fixture
def asked(api, world):
    """A request of the volunteer to 和平里社区 for the past week, with one approved record."""
    start = api.clock.now - timedelta(days=3)
    record = api.client.post(
        "/v1/service-records",
        headers=world.tokens["organiser"],
        json={
            "volunteer_id": str(world.volunteer),
            "activity_id": str(world.activity),
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=90)).isoformat(),
            "description": "文明劝导",
        },
    ).json()["id"]
    approved = api.client.post(
        f"/v1/service-records/{record}/approve", headers=world.tokens["checker"]
    )
    assert approved.status_code == 200, approved.text
    today = api.clock.now.date()
    made = api.client.post(
        "/v1/certificate-requests",
        headers=world.tokens["volunteer"],
        json={
            "organization_id": str(world.community_a),
            "period_start": (today - timedelta(days=7)).isoformat(),
            "period_end": today.isoformat(),
        },
    )
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_an_organiser_sees_the_request_with_the_name_masked(api, world, asked):
    log_in(api.client, "organiser.li")
    page = api.client.get("/desk/certificates").text
    assert f'id="request-{asked}"' in page
    assert "王*明" in page
    assert "王小明" not in page


def test_issuing_a_request_gives_the_volunteer_a_certificate(api, world, asked):
    log_in(api.client, "organiser.li")
    answer = post_form(
        api.client,
        "/desk/certificates",
        f"/desk/certificates/{asked}/issue",
        person_in_charge="李主任",
        handler="王干事",
        contact="010-64200000",
    )
    assert answer.status_code == 303
    mine = _api_read(api, "/v1/me/certificates", world.tokens["volunteer"])
    assert answer.headers["location"].endswith(f"number={mine['items'][0]['number']}")


def test_a_missing_field_of_the_issue_form_is_named_beside_it(api, world, asked):
    log_in(api.client, "organiser.li")
    answer = post_form(
        api.client, "/desk/certificates", f"/desk/certificates/{asked}/issue", handler="王干事"
    )
    assert answer.status_code == 422
    assert f'id="e-{asked}-person_in_charge"' in answer.text
    assert f'id="e-{asked}-contact"' in answer.text


def test_declining_needs_a_reason_and_shows_it_to_the_volunteer(api, world, asked):
    log_in(api.client, "organiser.li")
    empty = post_form(api.client, "/desk/certificates", f"/desk/certificates/{asked}/decline")
    assert empty.status_code == 422
    assert f'id="e-{asked}-reason"' in empty.text
    answer = post_form(
        api.client,
        "/desk/certificates",
        f"/desk/certificates/{asked}/decline",
        reason="记录尚未全部审核",
    )
    assert answer.status_code == 303
    mine = _api_read(api, "/v1/me/certificate-requests", world.tokens["volunteer"])
    assert mine["items"][0]["reason"] == "记录尚未全部审核"


def test_an_organiser_of_another_street_neither_sees_nor_declines_it(api, world, asked):
    log_in(api.client, "organiser.wang")
    assert f'id="request-{asked}"' not in api.client.get("/desk/certificates").text
    answer = post_form(
        api.client, "/desk/certificates", f"/desk/certificates/{asked}/decline", reason="不"
    )
    assert answer.status_code == 403
    mine = _api_read(api, "/v1/me/certificate-requests", world.tokens["volunteer"])
    assert mine["items"][0]["status"] == "open"


def test_a_decline_without_the_csrf_token_changes_nothing(api, world, asked):
    log_in(api.client, "organiser.li")
    answer = api.client.post(f"/desk/certificates/{asked}/decline", data={"reason": "不"})
    assert answer.status_code == 403
    mine = _api_read(api, "/v1/me/certificate-requests", world.tokens["volunteer"])
    assert mine["items"][0]["status"] == "open"


def test_a_reason_typed_with_html_comes_back_escaped(api, world, asked):
    log_in(api.client, "organiser.li")
    answer = post_form(
        api.client,
        "/desk/certificates",
        f"/desk/certificates/{asked}/issue",
        person_in_charge=HOSTILE,
        handler=HOSTILE,
    )
    assert "<script>alert(1)" not in answer.text
    assert "<img src=x" not in answer.text


def test_a_volunteer_is_sent_to_log_in_as_an_organiser(api, world, asked):
    log_in(api.client, "13911110001")
    answer = api.client.get("/desk/certificates")
    assert answer.status_code == 403
