"""The issuer's public keys and DID document: what a verifier needs, fetched once, kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.routes.certificates import CertificatesDep

router = APIRouter(tags=["certificates"])


@router.get("/v1/issuer", summary="The issuer's public keys")
def issuer(certificates: CertificatesDep) -> dict[str, Any]:
    """The issuer id, every signing key ever used (retired ones too) as Multikey, and the key
    and origin of the transparency log its certificates' proofs lead to."""
    keyring = certificates.keyring
    return {
        "id": keyring.issuer_id,
        "verificationMethod": [key.as_multikey(keyring.issuer_id) for key in keyring.published()],
        "log": {"origin": certificates.log.origin, "key": certificates.log.vkey},
    }


@router.get("/.well-known/did.json")
def did_document(certificates: CertificatesDep) -> dict[str, Any]:
    """The did:web document of the issuer."""
    return certificates.keyring.did_document()
