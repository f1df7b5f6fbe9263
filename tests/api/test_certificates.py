"""Certificates through HTTP: issue, read, verify three ways' server path, supersede, revoke."""

from datetime import datetime, timedelta
from uuid import UUID

from certificates import extract_credential
from tests.api.conftest import credential_of, issue_certificate
from tests.api.verify_pages import verdict_word
from trust.credential import sign_credential


def verdict_of(api, credential):
    return api.client.post("/v1/certificates/verify", json=credential).json()


def test_an_issued_certificate_counts_the_periods_approved_hours(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    subject = credential["credentialSubject"]
    assert subject["certificate"]["totalMinutes"] == 220
    assert subject["achievement"]["achievementType"] == "CommunityService"
    assert subject["creditsEarned"] == 3.67


def test_a_certificate_is_valid_from_the_instant_it_was_issued(api, world):
    evening = api.clock.now.replace(hour=20, minute=15, second=7)  # 04:15 tomorrow in Beijing
    api.clock.set(evening)
    number = issue_certificate(api, world)["number"]
    credential = credential_of(api, world, number)
    assert credential["validFrom"] == evening.strftime("%Y-%m-%dT20:15:07Z")
    assert all(credential["validFrom"] <= proof["created"] for proof in credential["proof"])


def test_a_credential_dated_the_old_way_still_verifies(api, world, issued):
    """Credentials built before said midnight UTC of the issue date, often after their proof."""
    credential = credential_of(api, world, issued["number"])
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    issued_on = unsigned["credentialSubject"]["certificate"]["issuedOn"]
    unsigned["validFrom"] = f"{issued_on}T00:00:00Z"
    keyring = api.client.app.state.certificates.keyring
    before = datetime.fromisoformat(unsigned["validFrom"]) - timedelta(hours=8)
    old = sign_credential(unsigned, keyring.signing_key, keyring.signing_method, before)
    assert verdict_of(api, old)["verdict"] == "valid"


def test_a_fresh_certificate_verifies_on_every_check(api, world, issued):
    verdict = verdict_of(api, credential_of(api, world, issued["number"]))
    assert verdict["verdict"] == "valid"
    assert [c["name"] for c in verdict["checks"] if c["passed"] is not True] == []


def test_it_still_verifies_after_more_events_are_appended(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    ledger = api.services.ledger
    for n in range(60):
        ledger.create_organisation(name=f"楼栋{n}", kind="building", parent_id=world.community_a)
    verdict = verdict_of(api, credential)
    assert verdict["verdict"] == "valid"
    consistency = next(c for c in verdict["checks"] if c["name"] == "log_consistency")
    assert consistency["passed"] is True


def test_correcting_a_counted_record_supersedes_it_everywhere(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    api.client.post(
        f"/v1/service-records/{issued['records'][0]}/corrections",
        json={"minutes": 90, "reason": "提前离开"},
        headers=world.tokens["organiser"],
    )
    status = api.client.get(f"/v1/certificates/{issued['number']}/status").json()
    assert status["status"] == "superseded"
    assert verdict_of(api, credential)["verdict"] == "superseded"


def test_a_revoked_certificate_says_so_with_the_reason(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    api.client.post(
        f"/v1/certificates/{issued['number']}/revoke",
        json={"reason": "重新出具"},
        headers=world.tokens["organiser"],
    )
    verdict = verdict_of(api, credential)
    assert (verdict["verdict"], verdict["reason"]) == ("revoked", "重新出具")


def test_a_tampered_credential_is_invalid(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    credential["credentialSubject"]["certificate"]["totalMinutes"] = 2200
    verdict = verdict_of(api, credential)
    assert verdict["verdict"] == "invalid"
    assert "signature" in [c["name"] for c in verdict["checks"] if c["passed"] is False]


def test_the_status_is_public_and_carries_no_personal_data(api, world, issued):
    status = api.client.get(f"/v1/certificates/{issued['number']}/status")
    assert set(status.json()) == {"number", "status", "reason"}


def test_a_number_typed_in_lower_case_finds_the_certificate(api, world, issued):
    status = api.client.get(f"/v1/certificates/{issued['number'].lower()}/status")
    assert status.status_code == 200
    assert status.json()["number"] == issued["number"]


def test_others_cannot_read_the_certificate(api, world, issued):
    response = api.client.get(
        f"/v1/certificates/{issued['number']}", headers=world.tokens["other volunteer"]
    )
    assert response.status_code == 404


def test_the_pdf_carries_the_credential(api, world, issued):
    response = api.client.get(
        f"/v1/certificates/{issued['number']}.pdf", headers=world.tokens["volunteer"]
    )
    assert response.headers["content-type"] == "application/pdf"
    import json

    embedded = json.loads(extract_credential(response.content))
    assert verdict_of(api, embedded)["verdict"] == "valid"


def test_the_qr_page_shows_the_verdict(api, world, issued):
    page = api.client.get(f"/V/{issued['number']}")
    assert page.status_code == 200
    assert verdict_word(page.text) == "有效"
    assert "王*明" in page.text
    assert "王小明" not in page.text


def test_the_qr_page_names_each_proof_of_the_set(api, world, issued):
    page = api.client.get(f"/V/{issued['number']}").text
    assert "signature[eddsa-jcs-2022]" in page
    assert "signature[eddsa-rdfc-2022]" in page


def test_an_organisation_that_did_not_organise_the_service_cannot_certify(api, world, issued):
    response = api.client.post(
        "/v1/certificates",
        headers=world.tokens["other organiser"],
        json={
            "organization_id": str(world.community_b),
            "volunteer_id": str(world.volunteer),
            "record_ids": issued["records"],
            "person_in_charge": "赵主任",
            "handler": "钱干事",
            "contact": "010-1",
        },
    )
    assert response.status_code == 422


def test_a_volunteers_request_is_fulfilled_by_the_certificate_issued_for_it(api, world):
    today = api.clock.now.date()
    requested = api.client.post(
        "/v1/certificate-requests",
        headers=world.tokens["volunteer"],
        json={
            "organization_id": str(world.community_a),
            "period_start": today.isoformat(),
            "period_end": today.isoformat(),
        },
    )
    declined = api.client.post(
        f"/v1/certificate-requests/{requested.json()['id']}/decline",
        json={"reason": "期间内没有已审核的服务记录"},
        headers=world.tokens["organiser"],
    )
    assert (requested.status_code, declined.status_code) == (201, 200)
    request = api.services.ledger.certificate_request(UUID(requested.json()["id"]))
    assert request.outcome == "declined"


def test_the_qr_page_shows_a_revoked_certificate_as_revoked(api, world, issued):
    api.client.post(
        f"/v1/certificates/{issued['number']}/revoke",
        json={"reason": "重新出具"},
        headers=world.tokens["organiser"],
    )
    page = api.client.get(f"/V/{issued['number']}").text
    assert verdict_word(page) == "已撤销"
    assert "重新出具" in page


def test_the_qr_page_shows_a_superseded_certificate_as_superseded(api, world, issued):
    api.client.post(
        f"/v1/service-records/{issued['records'][0]}/corrections",
        json={"minutes": 90, "reason": "提前离开"},
        headers=world.tokens["organiser"],
    )
    assert verdict_word(api.client.get(f"/V/{issued['number']}").text) == "已被更正版本取代"


def test_a_certificate_signed_before_a_key_rotation_still_verifies(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    keyring = api.client.app.state.certificates.keyring
    old_method = keyring.signing_method
    new_method = keyring.rotate()
    published = {
        m["id"]: m["status"] for m in api.client.get("/v1/issuer").json()["verificationMethod"]
    }
    assert published == {old_method: "retired", new_method: "active"}
    assert verdict_of(api, credential)["verdict"] == "valid"
    fresh = credential_of(api, world, issued["number"])
    assert {proof["verificationMethod"] for proof in fresh["proof"]} == {new_method}
