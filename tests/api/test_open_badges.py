"""An issued certificate as independent tooling reads it: 1EdTech's Open Badges 3.0 JSON Schema,
JSON-LD in safe mode (every term defined), our context served as pinned, both proofs."""

import base64
import hashlib
import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

from tests.api.conftest import credential_of
from trust.rdfc import canonize

SCHEMA = json.loads(
    (
        Path(__file__).parents[1] / "vectors" / "ob3" / "ob_v3p0_achievementcredential_schema.json"
    ).read_text("utf-8")
)


@pytest.fixture
def credential(api, world, issued):
    return credential_of(api, world, issued["number"])


def test_an_issued_certificate_is_valid_against_1edtechs_open_badges_schema(credential):
    validator = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)
    assert [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential)
    ] == []


def test_the_whole_certificate_and_its_proofs_canonicalise_in_safe_mode(credential):
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    nquads = canonize(unsigned).decode()  # raises on any term no context defines
    for proof in credential["proof"]:
        canonize({"@context": credential["@context"], **proof})
    assert "https://w3id.org/volunteer-ledger/vocab#holder" in nquads
    assert "https://w3id.org/volunteer-ledger/vocab#openings" in nquads


def test_records_are_named_by_uri_and_results_by_the_achievements_description(credential):
    subject = credential["credentialSubject"]
    described = [d["id"] for d in subject["achievement"]["resultDescription"]]
    assert [r["resultDescription"] for r in subject["result"]] == described
    assert all(r["id"].startswith("urn:uuid:") for r in subject["certificate"]["records"])


def test_our_context_is_served_as_the_certificate_pins_it(api, credential):
    (pinned,) = credential["relatedResource"]
    assert pinned["id"] in credential["@context"]
    served = api.client.get("/contexts/volunteer-ledger-v1.jsonld")
    assert served.headers["content-type"] == "application/ld+json"
    assert "immutable" in served.headers["cache-control"]
    digest = base64.b64encode(hashlib.sha384(served.content).digest()).decode()
    assert pinned["digestSRI"] == f"sha384-{digest}"


def test_both_proofs_of_the_set_verify_and_a_tampered_copy_fails_both(api, credential):
    suites = ["signature[eddsa-jcs-2022]", "signature[eddsa-rdfc-2022]"]
    checks = api.client.post("/v1/certificates/verify", json=credential).json()["checks"]
    assert [c["name"] for c in checks if c["name"] in suites and c["passed"]] == suites
    credential["credentialSubject"]["creditsEarned"] = 36.7
    checks = api.client.post("/v1/certificates/verify", json=credential).json()["checks"]
    assert [c["name"] for c in checks if c["name"] in suites and c["passed"] is False] == suites
