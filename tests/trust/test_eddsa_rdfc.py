"""eddsa-rdfc-2022 against the W3C test vectors byte for byte, against tampering, in proof sets."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import TEST_VECTORS
from trust import eddsa_jcs
from trust.eddsa_rdfc import (
    Outcome,
    ProofOptions,
    VerificationResult,
    create_proof,
    hash_data,
    proof_configuration,
    sign_document,
    transform,
    verify_document,
)
from trust.errors import ProofGenerationError
from trust.multibase import decode_private_key, decode_public_key, encode_public_key
from trust.rdfc import OB_V3_CONTEXT, VC_V2_CONTEXT, BundledDocumentLoader

VECTORS = TEST_VECTORS / "eddsa-rdfc-2022"
KEY_PAIR = json.loads((TEST_VECTORS / "eddsa-jcs-2022" / "keyPair.json").read_text())
PRIVATE_KEY = decode_private_key(KEY_PAIR["privateKeyMultibase"])
PUBLIC_KEY = decode_public_key(KEY_PAIR["publicKeyMultibase"])
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
# The vectors use the specification's examples context, which the package does not bundle.
LOADER = BundledDocumentLoader(
    {
        EXAMPLES_CONTEXT: json.loads(
            (TEST_VECTORS / "contexts" / "credentials-examples-v2.jsonld").read_text()
        )
    }
)


def signed_vector() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VECTORS / "signedDataInt.json").read_text())
    return document


def alumni_credential() -> dict[str, Any]:
    document = signed_vector()
    del document["proof"]
    return document


def proof_config_vector() -> dict[str, Any]:
    config: dict[str, Any] = json.loads((VECTORS / "proofConfigDataInt.json").read_text())
    return config


def vector_options() -> ProofOptions:
    return ProofOptions(
        verification_method=proof_config_vector()["verificationMethod"],
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
    )


def verify(document: object, **kwargs: Any) -> VerificationResult:
    return verify_document(
        document, kwargs.pop("key", PUBLIC_KEY), document_loader=LOADER, **kwargs
    )


def volunteer_certificate() -> dict[str, Any]:
    return {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
        "id": "urn:uuid:3f6d1c2e-8a4b-4c59-9d0e-6f7a8b9c0d1e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://ledger.example/organisations/1", "type": ["Profile"]},
        "validFrom": "2025-03-01T09:30:00Z",
        "name": "志愿服务证明",
    }


def fresh_options() -> ProofOptions:
    return ProofOptions(
        verification_method="https://ledger.example/keys/1#key-1",
        created=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
    )


# --- The vectors, byte for byte.


def test_the_vectors_name_the_specifications_key_pair():
    method = proof_config_vector()["verificationMethod"]
    assert method.endswith("#" + encode_public_key(PUBLIC_KEY))


def test_canonical_document_matches_the_vector():
    expected = (VECTORS / "canonDocDataInt.txt").read_bytes()
    assert transform(alumni_credential(), document_loader=LOADER) == expected


def test_canonical_proof_configuration_matches_the_vector():
    expected = (VECTORS / "proofCanonDataInt.txt").read_bytes()
    assert proof_configuration(proof_config_vector(), document_loader=LOADER) == expected


def test_create_proof_reproduces_the_vector_proof_value():
    proof = create_proof(alumni_credential(), vector_options(), PRIVATE_KEY, document_loader=LOADER)
    assert proof["proofValue"] == signed_vector()["proof"]["proofValue"]


def test_sign_document_reproduces_the_signed_vector():
    signed = sign_document(
        alumni_credential(), vector_options(), PRIVATE_KEY, document_loader=LOADER
    )
    assert signed == signed_vector()


def test_signed_vector_verifies():
    result = verify(signed_vector())
    assert result.verified
    assert result.document == alumni_credential()


def test_signed_vector_verifies_with_its_verification_method_required():
    method = proof_config_vector()["verificationMethod"]
    assert verify(signed_vector(), expected_verification_method=method).verified


def test_hash_data_puts_the_proof_configuration_hash_first():
    document = transform(alumni_credential(), document_loader=LOADER)
    config = proof_configuration(proof_config_vector(), document_loader=LOADER)
    expected = hashlib.sha256(config).digest() + hashlib.sha256(document).digest()
    assert hash_data(document, config) == expected


# --- Tampering, keys and the named reasons.


def tampered(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    document = signed_vector()
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


TAMPERINGS = [
    (("name",), "Alumni Credential!", Outcome.BAD_SIGNATURE),
    (("issuer",), "https://vc.example/issuers/5679", Outcome.BAD_SIGNATURE),
    (("credentialSubject", "alumniOf"), "Another School", Outcome.BAD_SIGNATURE),
    (("credentialSubject", "degree"), "PhD", Outcome.BAD_SIGNATURE),
    (("validFrom",), "2022-01-01T00:00:00Z", Outcome.BAD_SIGNATURE),
    (("proof", "created"), "2023-02-24T23:36:39Z", Outcome.BAD_SIGNATURE),
    (("proof", "verificationMethod"), "did:key:z6Mkother#z6Mkother", Outcome.BAD_SIGNATURE),
    (("proof", "@context"), ["https://evil.example/v1"], Outcome.CONTEXT_MISMATCH),
    (("proof", "proofPurpose"), "authentication", Outcome.WRONG_PROOF_PURPOSE),
    (("proof", "cryptosuite"), "eddsa-jcs-2022", Outcome.WRONG_PROOF_TYPE),
    (("proof", "created"), "yesterday", Outcome.INVALID_CREATED),
    (("proof", "proofValue"), "z123", Outcome.MALFORMED_PROOF_VALUE),
    (("proof", "previousProof"), "urn:uuid:1", Outcome.PROOF_CHAIN),
]


@pytest.mark.parametrize(
    ("path", "value", "outcome"), TAMPERINGS, ids=["/".join(map(str, t[0])) for t in TAMPERINGS]
)
def test_tampered_signed_vector_fails_for_the_named_reason(path, value, outcome):
    result = verify(tampered(path, value))
    assert (result.outcome, result.document) == (outcome, None)


def test_member_order_and_array_order_of_types_do_not_matter():
    # RDF has no order: what is signed is the statements, not the JSON text.
    document = signed_vector()
    document["type"].reverse()
    assert verify(dict(reversed(list(document.items())))).verified


def test_signed_vector_fails_under_another_key():
    other = Ed25519PrivateKey.generate().public_key()
    assert verify(signed_vector(), key=other).outcome is Outcome.BAD_SIGNATURE


def test_signed_vector_fails_when_another_verification_method_is_required():
    result = verify(signed_vector(), expected_verification_method="did:key:z6Mkother#z6Mkother")
    assert result.outcome is Outcome.WRONG_VERIFICATION_METHOD


def test_an_undefined_term_added_after_signing_is_not_canonicalizable():
    # Without safe mode the term would be dropped and the signature would still verify.
    document = signed_vector()
    document["@context"] = [VC_V2_CONTEXT]
    document["credentialSubject"]["alumniOf"] = "The School of Examples"
    assert verify(document).outcome is Outcome.NOT_CANONICALIZABLE


def test_without_the_examples_context_the_vector_is_not_canonicalizable():
    result = verify_document(signed_vector(), PUBLIC_KEY)
    assert result.outcome is Outcome.NOT_CANONICALIZABLE


@pytest.mark.parametrize(
    "secured",
    [None, [], "text", {"name": "no proof"}, {"proof": []}, {"proof": "z123"}, {"proof": [{}, 7]}],
    ids=["none", "list", "string", "no-proof", "empty-set", "proof-string", "set-with-number"],
)
def test_malformed_secured_document_is_reported_not_raised(secured):
    assert verify(secured).outcome is Outcome.MALFORMED_DOCUMENT


def test_a_failed_result_is_falsy_so_a_bare_if_cannot_mistake_it():
    assert not verify(tampered(("name",), "x"))
    assert verify(signed_vector())


def test_verification_leaves_the_input_untouched():
    document = signed_vector()
    verify(document)
    assert document == signed_vector()


# --- Proof sets.


def test_the_rdfc_proof_of_a_proof_set_verifies():
    document = signed_vector()
    other = {**document["proof"], "cryptosuite": "eddsa-jcs-2022", "proofValue": "z1"}
    document["proof"] = [other, document["proof"]]
    assert verify(document).verified


def test_a_proof_set_with_no_rdfc_proof_is_the_wrong_proof_type():
    document = signed_vector()
    document["proof"] = [{**document["proof"], "cryptosuite": "eddsa-jcs-2022"}]
    assert verify(document).outcome is Outcome.WRONG_PROOF_TYPE


def test_signing_a_document_with_a_proof_makes_a_proof_set_that_both_suites_verify():
    key = Ed25519PrivateKey.generate()
    jcs_signed = eddsa_jcs.sign_document(volunteer_certificate(), fresh_options(), key)
    both = sign_document(jcs_signed, fresh_options(), key)
    assert [proof["cryptosuite"] for proof in both["proof"]] == [
        "eddsa-jcs-2022",
        "eddsa-rdfc-2022",
    ]
    assert verify_document(both, key.public_key()).verified
    only_jcs = {**both, "proof": both["proof"][0]}
    assert eddsa_jcs.verify_document(only_jcs, key.public_key()).verified


def test_a_tampered_document_fails_both_suites():
    key = Ed25519PrivateKey.generate()
    proofs = [
        eddsa_jcs.create_proof(volunteer_certificate(), fresh_options(), key),
        create_proof(volunteer_certificate(), fresh_options(), key),
    ]
    altered = {**volunteer_certificate(), "name": "伪造的证明"}
    assert verify_document({**altered, "proof": proofs}, key.public_key()).outcome is (
        Outcome.BAD_SIGNATURE
    )
    jcs = eddsa_jcs.verify_document({**altered, "proof": proofs[0]}, key.public_key())
    assert jcs.outcome is eddsa_jcs.Outcome.BAD_SIGNATURE


def test_every_rdfc_proof_of_a_set_must_verify():
    document = signed_vector()
    forged = {**document["proof"], "created": "2024-01-01T00:00:00Z"}
    document["proof"] = [document["proof"], forged]
    assert verify(document).outcome is Outcome.BAD_SIGNATURE


def test_a_required_verification_method_checks_only_its_own_proofs():
    document = signed_vector()
    other_key = {**document["proof"], "verificationMethod": "https://ledger.example/keys/2#k"}
    document["proof"] = [other_key, document["proof"]]
    method = proof_config_vector()["verificationMethod"]
    assert verify(document, expected_verification_method=method).verified


# --- Our own documents.


def test_a_certificate_signed_with_the_bundled_contexts_verifies_without_extra_contexts():
    key = Ed25519PrivateKey.generate()
    secured = sign_document(volunteer_certificate(), fresh_options(), key)
    result = verify_document(secured, key.public_key())
    assert (result.verified, result.document) == (True, volunteer_certificate())
    assert "@context" not in secured["proof"]


def test_signing_does_not_change_the_document():
    document = volunteer_certificate()
    sign_document(document, fresh_options(), PRIVATE_KEY)
    assert document == volunteer_certificate()


def test_a_certificate_with_an_undefined_term_cannot_be_signed():
    document = {**volunteer_certificate(), "checkpoint": "ledger.example/log\n42\n…"}
    with pytest.raises(ProofGenerationError, match="'checkpoint' is not defined"):
        create_proof(document, fresh_options(), PRIVATE_KEY)


def test_proof_options_of_another_suite_are_refused():
    config = {**proof_config_vector(), "cryptosuite": "eddsa-jcs-2022"}
    with pytest.raises(ProofGenerationError):
        proof_configuration(config, document_loader=LOADER)


def test_signing_twice_gives_the_same_proof():
    first = create_proof(volunteer_certificate(), fresh_options(), PRIVATE_KEY)
    assert create_proof(volunteer_certificate(), fresh_options(), PRIVATE_KEY) == first
