"""The issuer's public keys and DID document: what a verifier needs, fetched once, kept."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from api.routes.certificates import CertificatesDep
from api.routing import PrefixedRouter
from trust.ob3 import CONTEXT_PATH, ledger_context_bytes

#: The context never changes under a URL: a new version gets a new file and a new URL.
CONTEXT_CACHE = "public, max-age=31536000, immutable"

router = PrefixedRouter(tags=["certificates"])


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


@router.get(
    CONTEXT_PATH,
    summary="The JSON-LD context of the certificates' own terms",
    response_class=Response,
    responses={200: {"content": {"application/ld+json": {}}}},
)
def ledger_context() -> Response:
    """The bytes bundled in the package, whose SHA-384 each certificate pins
    (``relatedResource``): the terms of the log evidence and of the certificate's details."""
    return Response(
        ledger_context_bytes(),
        media_type="application/ld+json",
        headers={"Cache-Control": CONTEXT_CACHE},
    )
