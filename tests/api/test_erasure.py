"""POST /v1/volunteers/{id}/erasure: who may erase whom, and what every read shows after it."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from api.idempotency.stores import Remembered, StoredResponse
from domain.account import Account
from tests import factories as f
from tests.api import every_store
from tests.api.conftest import PASSWORD, credential_of, issue_certificate, password_hash
from tests.api.every_store import read

api = every_store.api  # this module's tests run on every store

NAME, PHONE = "欧阳灵犀", "13712345678"


def register(api, world, name=NAME, phone=PHONE):
    """A volunteer of 和平里社区 with two approved records of two hours each; their id and token."""
    ledger = api.services.ledger
    volunteer = ledger.register_volunteer(
        name=name,
        phone=phone,
        birth_date=date(2001, 2, 3),
        home_organisation_id=world.community_a,
        privacy_consent=True,
        password_hash=password_hash(),
    )
    organiser = ledger.account_for_login("organiser.li").as_actor()
    checker = ledger.account_for_login("organiser.zhou").as_actor()
    for days_ago in (2, 3):
        record = f.record_by_hand(ledger, volunteer, world.activity, organiser, days_ago=days_ago)
        ledger.approve_record(record, checker)
    return volunteer, api.token_for(Account.id_for_volunteer(volunteer))


def erase(api, volunteer, token, **body):
    return api.client.post(f"/v1/volunteers/{volunteer}/erasure", headers=token, json=body)


def erased(api, world):
    """The registered volunteer, erased by themself; their id, old token and pseudonym."""
    volunteer, token = register(api, world)
    response = erase(api, volunteer, token, password=PASSWORD)
    assert response.status_code == 200, response.text
    return volunteer, token, response.json()["pseudonym"]


def test_a_volunteer_erases_themself_with_their_password(api, world):
    volunteer, token = register(api, world)
    response = erase(api, volunteer, token, password=PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["pseudonym"].startswith("已注销志愿者 ")
    assert response.json()["id"] == str(volunteer)
    assert response.json()["position"] > 0


def test_a_wrong_password_erases_nobody(api, world):
    volunteer, token = register(api, world)
    assert erase(api, volunteer, token, password="not my password").status_code == 401
    assert api.services.ledger.volunteer(volunteer).name == NAME


def test_a_volunteer_confirms_with_their_password(api, world):
    volunteer, token = register(api, world)
    response = erase(api, volunteer, token)
    assert response.status_code == 422
    assert "password" in response.text


def test_an_admin_erases_with_a_reason(api, world):
    volunteer, _ = register(api, world)
    assert erase(api, volunteer, world.tokens["admin"], reason="本人书面申请").status_code == 200


def test_an_admin_must_give_a_reason(api, world):
    volunteer, _ = register(api, world)
    assert erase(api, volunteer, world.tokens["admin"]).status_code == 422


def test_an_organiser_of_the_volunteer_may_not_erase_them(api, world):
    volunteer, _ = register(api, world)
    assert erase(api, volunteer, world.tokens["organiser"], reason="清理").status_code == 403


@pytest.mark.parametrize("who", ["other volunteer", "other organiser"])
def test_to_anyone_else_the_volunteer_does_not_exist(api, world, who):
    volunteer, _ = register(api, world)
    assert erase(api, volunteer, world.tokens[who], password=PASSWORD).status_code == 404


def test_without_a_token_erasure_is_refused(api, world):
    volunteer, _ = register(api, world)
    assert erase(api, volunteer, {}, password=PASSWORD).status_code == 401


def test_erasing_twice_is_a_conflict(api, world):
    volunteer, _, _ = erased(api, world)
    response = erase(api, volunteer, world.tokens["admin"], reason="再次")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_conflict_is_told_in_chinese(api, world):
    volunteer, _, _ = erased(api, world)
    response = api.client.post(
        f"/v1/volunteers/{volunteer}/erasure",
        headers={**world.tokens["admin"], "Accept-Language": "zh-CN"},
        json={"reason": "再次"},
    )
    assert response.json()["detail"] == "该志愿者已经注销"


@pytest.mark.parametrize("login", [PHONE, "+86 137-1234-5678", "number"])
def test_the_erased_volunteer_cannot_log_in(api, world, login):
    volunteer, _, _ = erased(api, world)
    if login == "number":
        login = api.services.ledger.volunteer(volunteer).volunteer_number
    response = api.client.post("/v1/auth/token", data={"username": login, "password": PASSWORD})
    assert response.status_code == 401


def test_tokens_issued_before_are_refused(api, world):
    _, token, _ = erased(api, world)
    assert api.client.get("/v1/me", headers=token).status_code == 401


def test_the_profile_shows_the_pseudonym_and_nothing_personal(api, world):
    volunteer, _, pseudonym = erased(api, world)
    profile = read(api, f"/v1/volunteers/{volunteer}", world.tokens["organiser"]).json()
    assert profile["name"] == pseudonym
    assert (profile["phone"], profile["birth_date"], profile["status"]) == (None, None, "erased")


def test_search_finds_the_pseudonym_not_the_name_or_phone(api, world):
    erased(api, world)
    path = f"/v1/organizations/{world.street_a}/volunteers"
    for q in (NAME, PHONE[-4:]):
        assert read(api, path, world.tokens["organiser"], q=q).json()["items"] == []
    names = [i["name"] for i in read(api, path, world.tokens["organiser"]).json()["items"]]
    assert NAME not in names
    assert any(name.startswith("已注销志愿者") for name in names)


def test_the_roster_shows_the_pseudonym(api, world):
    volunteer, token = register(api, world)
    signed = api.client.post(f"/v1/shifts/{world.shift}/signups", headers=token, json={})
    assert signed.status_code in (200, 201), signed.text
    pseudonym = erase(api, volunteer, token, password=PASSWORD).json()["pseudonym"]
    roster = read(api, f"/v1/shifts/{world.shift}/roster", world.tokens["organiser"])
    assert roster.status_code == 200, roster.text
    assert NAME not in roster.text
    assert PHONE[-4:] not in roster.text
    assert pseudonym in roster.text


def test_the_audit_trail_shows_the_pseudonym(api, world):
    volunteer, _, pseudonym = erased(api, world)
    trail = read(api, "/v1/audit", world.tokens["admin"], volunteer_id=str(volunteer))
    assert trail.status_code == 200, trail.text
    assert NAME not in trail.text
    assert PHONE not in trail.text
    assert pseudonym in trail.text


def test_approved_hours_still_count_on_the_organisers_leaderboard(api, world):
    _volunteer, _, pseudonym = erased(api, world)
    board = read(
        api, "/v1/leaderboards", world.tokens["organiser"], organization_id=str(world.street_a)
    ).json()
    [entry] = [e for e in board["entries"] if e["name"] == pseudonym]
    assert entry["approved_minutes"] == 240


def test_the_public_leaderboard_does_not_list_the_erased(api, world):
    erased(api, world)
    board = read(api, "/v1/leaderboards", organization_id=str(world.street_a))
    assert board.status_code == 200, board.text
    assert NAME[:1] not in board.text
    assert "已注销" not in board.text


def test_a_rebuild_of_the_read_models_does_not_bring_the_name_back(api, world):
    volunteer, _, pseudonym = erased(api, world)
    runner = api.services.runner
    for projection in runner.projections:
        runner.rebuild(projection)
    for path, params in (
        (f"/v1/organizations/{world.street_a}/volunteers", {}),
        ("/v1/audit", {"volunteer_id": str(volunteer)}),
    ):
        answer = read(api, path, world.tokens["admin"], **params)
        assert answer.status_code == 200, answer.text
        assert NAME not in answer.text
        assert pseudonym in answer.text


def test_stored_answers_holding_the_person_in_any_spelling_are_forgotten(api):
    store = api.client.app.state.idempotency
    escaped = json.dumps({"name": NAME}).encode()  # \\u6b27\\u9633 …
    upper = re.sub(rb"\\u([0-9a-f]{4})", lambda m: b"\\u" + m[1].upper(), escaped)
    bodies = {"utf8": f'{{"name":"{NAME}"}}'.encode(), "lower": escaped, "upper": upper}
    bodies["other"] = b'{"name":"\\u738b\\u5c0f\\u660e"}'
    for key, body in bodies.items():
        store.remember("scope", key, Remembered("print", StoredResponse(200, (), body)))
    assert store.forget([NAME]) == 3
    assert [key for key in bodies if store.lookup("scope", key)] == ["other"]


def test_a_certificate_issued_before_still_verifies(api, world):
    number = issue_certificate(api, world)["number"]
    held = credential_of(api, world, number)
    erase(api, world.volunteer, world.tokens["admin"], reason="本人书面申请")
    verdict = api.client.post("/v1/certificates/verify", json=held).json()
    assert verdict["verdict"] == "valid", verdict


def test_the_certificate_status_says_nothing_more_after_erasure(api, world):
    number = issue_certificate(api, world)["number"]
    before = api.client.get(f"/v1/certificates/{number}/status").json()
    erase(api, world.volunteer, world.tokens["admin"], reason="本人书面申请")
    assert api.client.get(f"/v1/certificates/{number}/status").json() == before


def test_a_published_recognition_list_shows_the_pseudonym(api, world):
    volunteer, token = register(api, world)
    published = api.client.post(
        "/v1/recognition-lists",
        headers=world.tokens["organiser"],
        json={"organization_id": str(world.street_a), "period": "all", "title": "第一期好人榜"},
    )
    assert published.status_code == 201, published.text
    listed = f"/v1/recognition-lists/{published.json()['id']}"
    assert NAME[0] in api.client.get(listed).text
    pseudonym = erase(api, volunteer, token, password=PASSWORD).json()["pseudonym"]
    [entry] = read(api, listed).json()["entries"]
    assert entry["name"] == pseudonym
    assert entry["approved_minutes"] == 240


def test_the_audit_trail_names_who_erased_but_not_the_reason_written_about_the_person(api, world):
    """The reason is sealed under the person's key like every reason about them
    (domain/personal.py), and goes with it."""
    volunteer, _ = register(api, world)
    erase(api, volunteer, world.tokens["admin"], reason="本人书面申请")
    trail = read(api, "/v1/audit", world.tokens["admin"], event_type="Volunteer.Erased").json()[
        "items"
    ]
    assert [(row["actor"].split(":")[0], row["reason"]) for row in trail] == [("account", None)]


def test_the_organisations_hours_report_still_counts_the_hours(api, world):
    _, _, pseudonym = erased(api, world)
    report = read(
        api,
        "/v1/reports/hours",
        world.tokens["organiser"],
        organization_id=str(world.street_a),
        period="all",
    ).json()
    assert report["totals"]["approved_minutes"] == 240
    [row] = report["items"]
    assert (row["name"], row["approved_minutes"]) == (pseudonym, 240)


def test_the_hours_still_count_in_the_rankings_of_organisations(api, world):
    erased(api, world)
    ranked = read(
        api, f"/v1/organizations/{world.district}/rankings", world.tokens["organiser"]
    ).json()
    [street] = [c for c in ranked["children"] if c["organization_id"] == str(world.street_a)]
    assert street["approved_minutes"] == 240
    assert street["participants"] == 0  # the erased are no longer among the active
