"""eddsa-jcs-2022 against the W3C test vectors byte for byte, and against tampering."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import TEST_VECTORS
from trust.eddsa_jcs import (
    Outcome,
    ProofOptions,
    create_proof,
    hash_data,
    proof_configuration,
    sign_document,
    transform,
    verify_document,
)
from trust.errors import ProofGenerationError
from trust.multibase import decode_private_key, decode_public_key, multibase_encode

VECTORS = TEST_VECTORS / "eddsa-jcs-2022"
KEY_PAIR = json.loads((VECTORS / "keyPair.json").read_text())
PRIVATE_KEY = decode_private_key(KEY_PAIR["privateKeyMultibase"])
PUBLIC_KEY = decode_public_key(KEY_PAIR["publicKeyMultibase"])


def vector_bytes(name: str) -> bytes:
    """A canonical-form vector, exactly as published (these files end without a newline)."""
    return (VECTORS / name).read_bytes()


def vector_text(name: str) -> str:
    """A hex or base58 vector, trimmed of any trailing whitespace."""
    return (VECTORS / name).read_text().strip()


def unsecured_document() -> dict[str, Any]:
    """The credential of the signing vectors, read back from its canonical form."""
    document: dict[str, Any] = json.loads(vector_bytes("canonDocJCS.txt"))
    return document


def proof_config_vector() -> dict[str, Any]:
    config: dict[str, Any] = json.loads((VECTORS / "proofConfigJCS.json").read_text())
    return config


def signed_vector() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VECTORS / "signedJCS.json").read_text())
    return document


def alumni_credential() -> dict[str, Any]:
    """The vectors' credential in its authored (unsorted) member order."""
    document = signed_vector()
    del document["proof"]
    return document


def volunteer_certificate() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "VolunteerServiceCertificate"],
        "issuer": "https://ledger.example/organisations/阳光社区",
        "credentialSubject": {"name": "李小红", "minutes": 1_440, "activity": "社区图书角整理"},
    }


def fresh_options() -> ProofOptions:
    return ProofOptions(
        verification_method="https://ledger.example/keys/1#key-1",
        created=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
    )


# --- The signing vectors (did:key verification method).


def test_canonical_document_matches_the_vector():
    assert transform(unsecured_document()) == vector_bytes("canonDocJCS.txt")


def test_canonical_proof_configuration_matches_the_vector():
    assert proof_configuration(proof_config_vector()) == vector_bytes("proofCanonJCS.txt")


def test_document_hash_matches_the_vector():
    digest = hashlib.sha256(transform(unsecured_document())).hexdigest()
    assert digest == vector_text("docHashJCS.txt")


def test_proof_configuration_hash_matches_the_vector():
    digest = hashlib.sha256(proof_configuration(proof_config_vector())).hexdigest()
    assert digest == vector_text("proofHashJCS.txt")


def test_hash_data_puts_the_proof_configuration_hash_first():
    data = hash_data(transform(unsecured_document()), proof_configuration(proof_config_vector()))
    assert data.hex() == vector_text("combinedHashJCS.txt")
    assert data[:32].hex() == vector_text("proofHashJCS.txt")


def test_signature_matches_the_vector_in_hex():
    data = hash_data(transform(unsecured_document()), proof_configuration(proof_config_vector()))
    assert PRIVATE_KEY.sign(data).hex() == vector_text("sigHexJCS.txt")


def test_signature_matches_the_vector_in_base58btc():
    data = hash_data(transform(unsecured_document()), proof_configuration(proof_config_vector()))
    assert multibase_encode(PRIVATE_KEY.sign(data)) == vector_text("sigBTC58JCS.txt")


def test_create_proof_reproduces_the_vector_proof():
    config = proof_config_vector()
    options = ProofOptions(
        verification_method=config["verificationMethod"],
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
        proof_purpose=config["proofPurpose"],
    )
    proof = create_proof(unsecured_document(), options, PRIVATE_KEY)
    assert proof == {**config, "proofValue": vector_text("sigBTC58JCS.txt")}


# --- The signed vector.


def test_signed_vector_verifies():
    result = verify_document(signed_vector(), PUBLIC_KEY)
    assert result.verified
    assert result.document == alumni_credential()


def test_signed_vector_verifies_with_its_verification_method_required():
    method = signed_vector()["proof"]["verificationMethod"]
    result = verify_document(signed_vector(), PUBLIC_KEY, expected_verification_method=method)
    assert result.verified


def tampered(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    document = signed_vector()
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


TAMPERINGS = [
    (("id",), "urn:uuid:00000000-0000-0000-0000-000000000000", Outcome.BAD_SIGNATURE),
    (("type", 1), "DiplomaCredential", Outcome.BAD_SIGNATURE),
    (("name",), "Alumni Credential!", Outcome.BAD_SIGNATURE),
    (("description",), "", Outcome.BAD_SIGNATURE),
    (("issuer",), "https://vc.example/issuers/5679", Outcome.BAD_SIGNATURE),
    (("validFrom",), "2022-01-01T00:00:00Z", Outcome.BAD_SIGNATURE),
    (("credentialSubject", "id"), "did:example:mallory", Outcome.BAD_SIGNATURE),
    (("credentialSubject", "alumniOf"), "Another School", Outcome.BAD_SIGNATURE),
    (("credentialSubject", "degree"), "PhD", Outcome.BAD_SIGNATURE),
    (("validUntil",), "2030-01-01T00:00:00Z", Outcome.BAD_SIGNATURE),
    (("@context", 1), "https://evil.example/v1", Outcome.CONTEXT_MISMATCH),
    (("proof", "created"), "2023-02-24T23:36:39Z", Outcome.BAD_SIGNATURE),
    (("proof", "verificationMethod"), "did:key:z6Mkother#z6Mkother", Outcome.BAD_SIGNATURE),
    (("proof", "expires"), "2099-01-01T00:00:00Z", Outcome.BAD_SIGNATURE),
    (("proof", "@context", 1), "https://evil.example/v1", Outcome.CONTEXT_MISMATCH),
    (("proof", "proofPurpose"), "authentication", Outcome.WRONG_PROOF_PURPOSE),
    (("proof", "type"), "Ed25519Signature2020", Outcome.WRONG_PROOF_TYPE),
    (("proof", "cryptosuite"), "eddsa-rdfc-2022", Outcome.WRONG_PROOF_TYPE),
    (("proof", "created"), "yesterday", Outcome.INVALID_CREATED),
]


@pytest.mark.parametrize(
    ("path", "value", "outcome"), TAMPERINGS, ids=["/".join(map(str, t[0])) for t in TAMPERINGS]
)
def test_tampered_signed_vector_fails_for_the_named_reason(path, value, outcome):
    result = verify_document(tampered(path, value), PUBLIC_KEY)
    assert not result.verified
    assert result.outcome is outcome
    assert result.document is None


@pytest.mark.parametrize("member", ["id", "type", "name", "issuer", "credentialSubject"])
def test_removing_a_member_from_the_signed_vector_fails(member):
    document = signed_vector()
    del document[member]
    assert verify_document(document, PUBLIC_KEY).outcome is Outcome.BAD_SIGNATURE


@pytest.mark.parametrize("position", [1, 10, 40, 87])
def test_signed_vector_with_an_altered_proof_value_fails(position):
    value = signed_vector()["proof"]["proofValue"]
    replacement = "2" if value[position] != "2" else "3"
    document = tampered(
        ("proof", "proofValue"), value[:position] + replacement + value[position + 1 :]
    )
    assert not verify_document(document, PUBLIC_KEY).verified


def test_signed_vector_fails_under_another_key():
    other = Ed25519PrivateKey.generate().public_key()
    assert verify_document(signed_vector(), other).outcome is Outcome.BAD_SIGNATURE


def test_signed_vector_fails_when_another_verification_method_is_required():
    result = verify_document(
        signed_vector(), PUBLIC_KEY, expected_verification_method="did:key:z6Mkother#z6Mkother"
    )
    assert result.outcome is Outcome.WRONG_VERIFICATION_METHOD


def test_signed_vector_fails_when_another_purpose_is_expected():
    result = verify_document(signed_vector(), PUBLIC_KEY, expected_proof_purpose="authentication")
    assert result.outcome is Outcome.WRONG_PROOF_PURPOSE


def test_appended_context_verifies_but_yields_the_signed_context():
    # Spec §3.3.2 step 4: the document's @context need only start with the proof's, and the
    # verified document takes the proof's @context. Read the result, not the input.
    document = signed_vector()
    document["@context"].append("https://evil.example/v1")
    result = verify_document(document, PUBLIC_KEY)
    assert result.verified
    assert result.document is not None
    assert result.document["@context"] == alumni_credential()["@context"]


def test_a_failed_result_is_falsy_so_a_bare_if_cannot_mistake_it():
    other = Ed25519PrivateKey.generate().public_key()
    assert not verify_document(signed_vector(), other)
    assert verify_document(signed_vector(), PUBLIC_KEY)


def test_verification_leaves_the_input_untouched():
    document = signed_vector()
    before = copy.deepcopy(document)
    verify_document(document, PUBLIC_KEY)
    assert document == before


@pytest.mark.parametrize(
    "secured",
    [None, [], "text", {"name": "no proof"}, {"proof": []}, {"proof": "z123"}],
    ids=["none", "list", "string", "no-proof", "proof-set", "proof-string"],
)
def test_malformed_secured_document_is_reported_not_raised(secured):
    assert verify_document(secured, PUBLIC_KEY).outcome is Outcome.MALFORMED_DOCUMENT


@pytest.mark.parametrize(
    "proof_value",
    [
        None,
        7,
        "",
        "u" + "A" * 86,
        "z0OIl",
        multibase_encode(b"\x01" * 63),
        multibase_encode(b"\x01" * 65),
    ],
    ids=["missing", "number", "empty", "base64url", "not-base58", "63-bytes", "65-bytes"],
)
def test_malformed_proof_value_is_reported(proof_value):
    document = tampered(("proof", "proofValue"), proof_value)
    assert verify_document(document, PUBLIC_KEY).outcome is Outcome.MALFORMED_PROOF_VALUE


def test_document_with_a_float_needing_an_exponent_is_reported_as_not_canonicalizable():
    document = tampered(("credentialSubject", "minutes"), 9.05e-7)
    assert verify_document(document, PUBLIC_KEY).outcome is Outcome.NOT_CANONICALIZABLE


def test_deeply_nested_document_is_reported_not_raised():
    nested: list[object] = []
    for _ in range(5_000):
        nested = [nested]
    document = tampered(("credentialSubject", "nested"), nested)
    assert verify_document(document, PUBLIC_KEY).outcome is Outcome.NOT_CANONICALIZABLE


# --- Our own documents.


def test_signed_certificate_verifies():
    key = Ed25519PrivateKey.generate()
    secured = sign_document(volunteer_certificate(), fresh_options(), key)
    result = verify_document(secured, key.public_key())
    assert result.verified
    assert result.document == volunteer_certificate()


def test_proof_carries_the_documents_context():
    proof = create_proof(volunteer_certificate(), fresh_options(), PRIVATE_KEY)
    assert proof["@context"] == volunteer_certificate()["@context"]


def test_proof_of_a_document_without_context_has_none():
    document = {"minutes": 90}
    secured = sign_document(document, fresh_options(), PRIVATE_KEY)
    assert "@context" not in secured["proof"]
    assert verify_document(secured, PUBLIC_KEY).verified


def test_created_is_written_in_utc_to_the_second():
    created = datetime(2025, 3, 1, 17, 30, 5, 999, tzinfo=timezone(timedelta(hours=8)))
    options = ProofOptions("https://ledger.example/keys/1#key-1", created)
    proof = create_proof(volunteer_certificate(), options, PRIVATE_KEY)
    assert proof["created"] == "2025-03-01T09:30:05Z"


def test_signing_does_not_change_the_document():
    document = volunteer_certificate()
    sign_document(document, fresh_options(), PRIVATE_KEY)
    assert document == volunteer_certificate()


def test_signing_twice_gives_the_same_proof():
    first = create_proof(volunteer_certificate(), fresh_options(), PRIVATE_KEY)
    assert create_proof(volunteer_certificate(), fresh_options(), PRIVATE_KEY) == first


def test_naive_creation_time_is_refused():
    options = ProofOptions("https://ledger.example/keys/1#key-1", datetime(2025, 3, 1))  # noqa: DTZ001
    with pytest.raises(ProofGenerationError):
        create_proof(volunteer_certificate(), options, PRIVATE_KEY)


def test_document_with_a_float_needing_an_exponent_is_refused_for_signing():
    document = {**volunteer_certificate(), "hours": 1.5e-7}
    with pytest.raises(ProofGenerationError):
        create_proof(document, fresh_options(), PRIVATE_KEY)


def test_document_that_already_has_a_proof_is_refused():
    with pytest.raises(ProofGenerationError):
        create_proof(signed_vector(), fresh_options(), PRIVATE_KEY)


@pytest.mark.parametrize(
    "change",
    [{"type": "Ed25519Signature2020"}, {"cryptosuite": "eddsa-rdfc-2022"}, {"created": "soon"}],
    ids=["type", "cryptosuite", "created"],
)
def test_proof_configuration_refuses_foreign_options(change):
    with pytest.raises(ProofGenerationError):
        proof_configuration({**proof_config_vector(), **change})
