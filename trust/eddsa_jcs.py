"""The W3C Data Integrity ``eddsa-jcs-2022`` cryptosuite: Ed25519 proofs over JCS-canonical JSON.

Follows "Data Integrity EdDSA Cryptosuites v1.0" (W3C Recommendation, 2025), §3.3. The signed
bytes are SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without proof)): the proof
configuration's hash comes first. Key lookup is the caller's: verification takes the public key
it trusts, and a verification method id to insist on, instead of resolving DIDs or URLs.
"""

from __future__ import annotations

import copy
import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trust.data_integrity import context_starts_with, is_xsd_datetime, signature_of
from trust.errors import CanonicalizationError, ProofGenerationError
from trust.jcs import canonicalize
from trust.multibase import multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"


class Outcome(enum.Enum):
    """Why a secured document did or did not verify."""

    VERIFIED = "verified"
    MALFORMED_DOCUMENT = "the secured document is not a JSON object with a single proof object"
    WRONG_PROOF_TYPE = "the proof is not a DataIntegrityProof using eddsa-jcs-2022"
    WRONG_PROOF_PURPOSE = "the proof was made for another purpose"
    WRONG_VERIFICATION_METHOD = "the proof names another verification method"
    INVALID_CREATED = "the proof's created value is not an XML Schema dateTime"
    MALFORMED_PROOF_VALUE = "the proofValue is not a base58btc multibase 64-byte signature"
    CONTEXT_MISMATCH = "the document's @context does not start with the proof's @context"
    NOT_CANONICALIZABLE = "the document or proof has no JCS canonical form"
    BAD_SIGNATURE = "the signature does not match the document, the proof and the key"


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of verifying a secured document; ``document`` is set only when verified."""

    outcome: Outcome
    document: dict[str, Any] | None = None

    @property
    def verified(self) -> bool:
        return self.outcome is Outcome.VERIFIED

    def __bool__(self) -> bool:
        # A bare ``if verify_document(...)`` must not pass a failed result.
        return self.verified


@dataclass(frozen=True)
class ProofOptions:
    """What the signer states about a proof: who signs, when, and for which purpose."""

    verification_method: str
    created: datetime
    proof_purpose: str = "assertionMethod"

    def as_map(self) -> dict[str, Any]:
        """The options as the proof's members; ``created`` in UTC, to the second."""
        if self.created.tzinfo is None:
            raise ProofGenerationError("proof creation time must be timezone-aware")
        created = self.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "type": PROOF_TYPE,
            "cryptosuite": CRYPTOSUITE,
            "created": created,
            "verificationMethod": self.verification_method,
            "proofPurpose": self.proof_purpose,
        }


def transform(document: Mapping[str, Any]) -> bytes:
    """Spec §3.3.3: the JCS canonical bytes of the unsecured document."""
    return canonicalize(document)


def proof_configuration(proof_options: Mapping[str, Any]) -> bytes:
    """Spec §3.3.5: check the proof options and return their JCS canonical bytes."""
    if proof_options.get("type") != PROOF_TYPE or proof_options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofGenerationError(f"proof options must be a {PROOF_TYPE} using {CRYPTOSUITE}")
    created = proof_options.get("created")
    if created is not None and not is_xsd_datetime(created):
        raise ProofGenerationError("proof created value is not an XML Schema dateTime")
    return canonicalize(proof_options)


def hash_data(transformed_document: bytes, canonical_proof_config: bytes) -> bytes:
    """Spec §3.3.4: SHA-256 of the proof configuration, then SHA-256 of the document."""
    proof_config_hash = hashlib.sha256(canonical_proof_config).digest()
    transformed_document_hash = hashlib.sha256(transformed_document).digest()
    return proof_config_hash + transformed_document_hash


def create_proof(
    document: Mapping[str, Any], options: ProofOptions, private_key: Ed25519PrivateKey
) -> dict[str, Any]:
    """Spec §3.3.1: return the proof (with ``proofValue``) for an unsecured document."""
    if "proof" in document:
        raise ProofGenerationError("document already carries a proof; proof sets are not made")
    proof = options.as_map()
    if "@context" in document:
        proof["@context"] = copy.deepcopy(document["@context"])
    try:
        data = hash_data(transform(document), proof_configuration(proof))
    except CanonicalizationError as exc:
        raise ProofGenerationError(f"cannot canonicalize: {exc.message}", **exc.context) from exc
    proof["proofValue"] = multibase_encode(private_key.sign(data))
    return proof


def sign_document(
    document: Mapping[str, Any], options: ProofOptions, private_key: Ed25519PrivateKey
) -> dict[str, Any]:
    """Return a copy of the document with an ``eddsa-jcs-2022`` proof attached."""
    secured = copy.deepcopy(dict(document))
    secured["proof"] = create_proof(document, options, private_key)
    return secured


def verify_document(
    secured: object,
    public_key: Ed25519PublicKey,
    *,
    expected_proof_purpose: str = "assertionMethod",
    expected_verification_method: str | None = None,
) -> VerificationResult:
    """Spec §3.3.2: verify a secured document against a trusted key; never raises for bad input."""
    if not isinstance(secured, dict) or not isinstance(secured.get("proof"), dict):
        return VerificationResult(Outcome.MALFORMED_DOCUMENT)
    unsecured = {name: value for name, value in secured.items() if name != "proof"}
    options = {name: value for name, value in secured["proof"].items() if name != "proofValue"}
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        return VerificationResult(Outcome.WRONG_PROOF_TYPE)
    if options.get("proofPurpose") != expected_proof_purpose:
        return VerificationResult(Outcome.WRONG_PROOF_PURPOSE)
    if expected_verification_method is not None and (
        options.get("verificationMethod") != expected_verification_method
    ):
        return VerificationResult(Outcome.WRONG_VERIFICATION_METHOD)
    if "created" in options and not is_xsd_datetime(options["created"]):
        return VerificationResult(Outcome.INVALID_CREATED)
    signature = signature_of(secured["proof"].get("proofValue"))
    if signature is None:
        return VerificationResult(Outcome.MALFORMED_PROOF_VALUE)
    if "@context" in options:
        if not context_starts_with(secured.get("@context"), options["@context"]):
            return VerificationResult(Outcome.CONTEXT_MISMATCH)
        unsecured["@context"] = options["@context"]
    try:
        data = hash_data(transform(unsecured), canonicalize(options))
    except CanonicalizationError:
        return VerificationResult(Outcome.NOT_CANONICALIZABLE)
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return VerificationResult(Outcome.BAD_SIGNATURE)
    return VerificationResult(Outcome.VERIFIED, copy.deepcopy(unsecured))
