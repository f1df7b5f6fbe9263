"""Status lists through HTTP: a certificate points at its bit in a signed, cacheable list that
the server's verification, the QR page and any verifier read."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.api import every_store
from tests.api.conftest import credential_of, issue_certificate
from tests.api.verify_pages import verdict_word
from trust.certificate_check import verify_certificate
from trust.status_list import Bitstring

api = every_store.api  # this module's tests run on every store


def entry_of(credential):
    entry = credential["credentialStatus"]  # one object, as the OB 3.0 schema takes it
    assert entry["type"] == "BitstringStatusListEntry"
    return entry


def fetch_list(api, entry, headers=None):
    return api.client.get(urlsplit(entry["statusListCredential"]).path, headers=headers or {})


def bit_of(api, entry):
    subject = fetch_list(api, entry).json()["credentialSubject"]
    return Bitstring.decode(subject["encodedList"]).get(int(entry["statusListIndex"]))


def revoke(api, world, number):
    response = api.client.post(
        f"/v1/certificates/{number}/revoke",
        json={"reason": "重新出具"},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 200, response.text


def verdict_of(api, credential):
    return api.client.post("/v1/certificates/verify", json=credential).json()


def test_a_certificate_points_at_its_bit_in_the_revocation_list(api, world, issued):
    entry = entry_of(credential_of(api, world, issued["number"]))
    assert entry["statusPurpose"] == "revocation"
    assert entry["id"] == f"{entry['statusListCredential']}#{entry['statusListIndex']}"
    assert entry["statusListCredential"].endswith("/v1/status-lists/revocation/0")
    assert bit_of(api, entry) is False


def test_the_list_is_a_signed_status_list_credential_of_the_issuer(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    listed = fetch_list(api, entry_of(credential)).json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["issuer"] == credential["issuer"]["id"]
    assert listed["credentialSubject"]["type"] == "BitstringStatusList"
    proofs = listed["proof"] if isinstance(listed["proof"], list) else [listed["proof"]]
    assert [proof["cryptosuite"] for proof in proofs] == ["eddsa-jcs-2022", "eddsa-rdfc-2022"]


def test_revoking_sets_the_bit_and_every_path_says_revoked(api, world, issued):
    credential = credential_of(api, world, issued["number"])
    revoke(api, world, issued["number"])
    assert bit_of(api, entry_of(credential)) is True
    verdict = verdict_of(api, credential)
    assert verdict["verdict"] == "revoked"
    checks = {c["name"]: c for c in verdict["checks"]}
    assert checks["status_list[revocation]"]["passed"] is True
    assert verdict_word(api.client.get(f"/V/{issued['number']}").text) == "已撤销"


def test_an_unrevoked_certificate_reads_valid_from_its_list(api, world, issued):
    verdict = verdict_of(api, credential_of(api, world, issued["number"]))
    checks = {c["name"]: c["passed"] for c in verdict["checks"]}
    assert (verdict["verdict"], checks["status_list[revocation]"]) == ("valid", True)


def test_revoking_one_certificate_leaves_the_others_bit_alone(api, world, issued):
    kept = credential_of(api, world, issued["number"])
    other = world_certificate(api, world)
    revoke(api, world, other)
    assert bit_of(api, entry_of(kept)) is False


def world_certificate(api, world):
    """Another certificate of the volunteer, for the next week's records."""
    api.clock.advance(days=8)
    return issue_certificate(api, world)["number"]


def test_an_unchanged_list_answers_304_to_its_etag(api, world, issued):
    entry = entry_of(credential_of(api, world, issued["number"]))
    first = fetch_list(api, entry)
    assert "max-age=300" in first.headers["cache-control"]
    again = fetch_list(api, entry, {"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")


def test_a_revocation_changes_the_lists_etag(api, world, issued):
    entry = entry_of(credential_of(api, world, issued["number"]))
    before = fetch_list(api, entry).headers["etag"]
    revoke(api, world, issued["number"])
    after = fetch_list(api, entry, {"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["etag"] != before


@pytest.mark.parametrize("path", ["/v1/status-lists/revocation/7", "/v1/status-lists/suspension/0"])
def test_a_list_not_published_is_a_problem(api, world, issued, path):
    response = api.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_list_needs_no_login(api, world, issued):
    entry = entry_of(credential_of(api, world, issued["number"]))
    assert fetch_list(api, entry).status_code == 200


def test_a_tampered_status_list_is_refused(api, world, issued):
    """A list altered on its way (here: a revoked bit cleared) fails the verdict."""
    credential = credential_of(api, world, issued["number"])
    revoke(api, world, issued["number"])
    entry = entry_of(credential)
    listed = fetch_list(api, entry).json()
    listed["credentialSubject"]["encodedList"] = Bitstring().encode()
    keys = api.client.app.state.certificates.issuer_keys()
    verdict = verify_certificate(
        credential, keys, status_lists={entry["statusListCredential"]: listed}
    )
    refused = [c for c in verdict.checks if c.passed is False]
    assert verdict.verdict == "invalid"
    assert [c.name for c in refused] == ["status_list[revocation]"]
