"""The W3C Data Integrity ``eddsa-rdfc-2022`` cryptosuite: Ed25519 proofs over RDFC-1.0 N-Quads.

Follows "Data Integrity EdDSA Cryptosuites v1.0" (W3C Recommendation, 2025), §3.2, as
``trust.eddsa_jcs`` follows §3.3: the signed bytes are SHA-256(canonical proof configuration) ‖
SHA-256(canonical document without proof), both canonicalised with RDF Dataset Canonicalization
(``trust.rdfc.canonize``: bundled contexts only, nothing fetched, no term dropped). Key lookup is
the caller's: verification takes the public key it trusts, and a verification method id to
insist on, instead of resolving DIDs or URLs.

A document's ``proof`` may be one object or a proof set (an array): signing adds to the set,
and verification checks the set's ``eddsa-rdfc-2022`` entries, leaving the others (an
``eddsa-jcs-2022`` proof, say) to their own suites. Proof chains (``previousProof``) are not
verified. ``ProofOptions`` is the one of ``trust.eddsa_jcs``: the same options serve both suites.
"""

from __future__ import annotations

import copy
import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trust.data_integrity import context_starts_with, is_xsd_datetime, signature_of
from trust.eddsa_jcs import ProofOptions
from trust.errors import CanonicalizationError, ProofGenerationError
from trust.multibase import multibase_encode
from trust.rdfc import BundledDocumentLoader, canonize

__all__ = [
    "CRYPTOSUITE",
    "PROOF_TYPE",
    "Outcome",
    "ProofOptions",
    "VerificationResult",
    "create_proof",
    "hash_data",
    "proof_configuration",
    "sign_document",
    "transform",
    "verify_document",
]

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


class Outcome(enum.Enum):
    """Why a secured document did or did not verify."""

    VERIFIED = "verified"
    MALFORMED_DOCUMENT = "the secured document is not a JSON object with a proof object or set"
    WRONG_PROOF_TYPE = "no proof is a DataIntegrityProof using eddsa-rdfc-2022"
    PROOF_CHAIN = "the proof depends on a previous proof, and proof chains are not verified"
    WRONG_PROOF_PURPOSE = "the proof was made for another purpose"
    WRONG_VERIFICATION_METHOD = "no eddsa-rdfc-2022 proof names the expected verification method"
    INVALID_CREATED = "the proof's created value is not an XML Schema dateTime"
    MALFORMED_PROOF_VALUE = "the proofValue is not a base58btc multibase 64-byte signature"
    CONTEXT_MISMATCH = "the document's @context does not start with the proof's @context"
    NOT_CANONICALIZABLE = (
        "the document or proof has no safe RDFC-1.0 canonical form "
        "(an undefined term, a relative IRI or a context that is not bundled)"
    )
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


def transform(
    document: Mapping[str, Any], *, document_loader: BundledDocumentLoader | None = None
) -> bytes:
    """Spec §3.2.3: the RDFC-1.0 canonical N-Quads of the unsecured document."""
    return canonize(document, document_loader=document_loader)


def proof_configuration(
    proof_options: Mapping[str, Any], *, document_loader: BundledDocumentLoader | None = None
) -> bytes:
    """Spec §3.2.5: check the proof options (with their ``@context``), return their N-Quads."""
    if proof_options.get("type") != PROOF_TYPE or proof_options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofGenerationError(f"proof options must be a {PROOF_TYPE} using {CRYPTOSUITE}")
    created = proof_options.get("created")
    if created is not None and not is_xsd_datetime(created):
        raise ProofGenerationError("proof created value is not an XML Schema dateTime")
    return canonize(proof_options, document_loader=document_loader)


def hash_data(transformed_document: bytes, canonical_proof_config: bytes) -> bytes:
    """Spec §3.2.4: SHA-256 of the proof configuration, then SHA-256 of the document."""
    proof_config_hash = hashlib.sha256(canonical_proof_config).digest()
    transformed_document_hash = hashlib.sha256(transformed_document).digest()
    return proof_config_hash + transformed_document_hash


def create_proof(
    document: Mapping[str, Any],
    options: ProofOptions,
    private_key: Ed25519PrivateKey,
    *,
    document_loader: BundledDocumentLoader | None = None,
) -> dict[str, Any]:
    """Spec §3.2.1: return the proof (with ``proofValue``) for a document.

    A proof the document already carries is not signed over: the new proof joins a proof set.
    The proof configuration takes the document's ``@context``; the returned proof does not
    repeat it (the document's context covers it, as in the specification's example).
    """
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    proof = options.as_map()
    proof["cryptosuite"] = CRYPTOSUITE
    config = dict(proof)
    if "@context" in unsecured:
        config["@context"] = copy.deepcopy(unsecured["@context"])
    try:
        data = hash_data(
            transform(unsecured, document_loader=document_loader),
            proof_configuration(config, document_loader=document_loader),
        )
    except CanonicalizationError as exc:
        raise ProofGenerationError(f"cannot canonicalize: {exc.message}", **exc.context) from exc
    proof["proofValue"] = multibase_encode(private_key.sign(data))
    return proof


def sign_document(
    document: Mapping[str, Any],
    options: ProofOptions,
    private_key: Ed25519PrivateKey,
    *,
    document_loader: BundledDocumentLoader | None = None,
) -> dict[str, Any]:
    """Return a copy of the document with an ``eddsa-rdfc-2022`` proof attached.

    A document with no proof gets a proof object; one that has a proof gets a proof set (an
    array) with the new proof last.
    """
    new_proof = create_proof(document, options, private_key, document_loader=document_loader)
    secured = copy.deepcopy(dict(document))
    existing = secured.get("proof")
    if existing is None:
        secured["proof"] = new_proof
    else:
        secured["proof"] = [*(existing if isinstance(existing, list) else [existing]), new_proof]
    return secured


def verify_document(
    secured: object,
    public_key: Ed25519PublicKey,
    *,
    expected_proof_purpose: str = "assertionMethod",
    expected_verification_method: str | None = None,
    document_loader: BundledDocumentLoader | None = None,
) -> VerificationResult:
    """Spec §3.2.2: verify a secured document against a trusted key; never raises for bad input.

    Every ``eddsa-rdfc-2022`` proof in the proof set must verify with the key, or, when
    ``expected_verification_method`` is given, every one that names that method (and at least
    one must). The first failure is the outcome.
    """
    proofs = _proof_set(secured)
    if proofs is None or not isinstance(secured, dict):
        return VerificationResult(Outcome.MALFORMED_DOCUMENT)
    ours = [
        proof
        for proof in proofs
        if proof.get("type") == PROOF_TYPE and proof.get("cryptosuite") == CRYPTOSUITE
    ]
    if not ours:
        return VerificationResult(Outcome.WRONG_PROOF_TYPE)
    if expected_verification_method is not None:
        ours = [p for p in ours if p.get("verificationMethod") == expected_verification_method]
        if not ours:
            return VerificationResult(Outcome.WRONG_VERIFICATION_METHOD)
    unsecured = {name: value for name, value in secured.items() if name != "proof"}
    results = [
        _verify_proof(unsecured, proof, public_key, expected_proof_purpose, document_loader)
        for proof in ours
    ]
    failed = [result for result in results if not result.verified]
    return failed[0] if failed else results[0]


def _verify_proof(
    unsecured: dict[str, Any],
    proof: dict[str, Any],
    public_key: Ed25519PublicKey,
    expected_proof_purpose: str,
    document_loader: BundledDocumentLoader | None,
) -> VerificationResult:
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    if "previousProof" in options:
        return VerificationResult(Outcome.PROOF_CHAIN)
    if options.get("proofPurpose") != expected_proof_purpose:
        return VerificationResult(Outcome.WRONG_PROOF_PURPOSE)
    if "created" in options and not is_xsd_datetime(options["created"]):
        return VerificationResult(Outcome.INVALID_CREATED)
    signature = signature_of(proof.get("proofValue"))
    if signature is None:
        return VerificationResult(Outcome.MALFORMED_PROOF_VALUE)
    signed = dict(unsecured)
    if "@context" in options:
        if not context_starts_with(unsecured.get("@context"), options["@context"]):
            return VerificationResult(Outcome.CONTEXT_MISMATCH)
        signed["@context"] = options["@context"]
    elif "@context" in signed:
        options["@context"] = signed["@context"]
    try:
        data = hash_data(
            transform(signed, document_loader=document_loader),
            canonize(options, document_loader=document_loader),
        )
    except CanonicalizationError:
        return VerificationResult(Outcome.NOT_CANONICALIZABLE)
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return VerificationResult(Outcome.BAD_SIGNATURE)
    return VerificationResult(Outcome.VERIFIED, copy.deepcopy(signed))


def _proof_set(secured: object) -> list[dict[str, Any]] | None:
    """The document's proofs as a list; None if there are none or one is not an object."""
    if not isinstance(secured, dict):
        return None
    proof = secured.get("proof")
    entries: list[object] = proof if isinstance(proof, list) else [proof]
    proofs = [entry for entry in entries if isinstance(entry, dict)]
    return proofs if entries and len(proofs) == len(entries) else None
