"""The issuer's Ed25519 keys: the current signing key and the retired ones, published as Multikey.

The current key is a 32-byte seed in ``<data>/issuer-keys/current.key`` (owner-only, made on
first start), or a multibase private key given as VOLUNTEER_LEDGER_ISSUER_KEY. Rotating:
``volunteer-ledger rotate-issuer-key`` moves the current key's public half to ``retired/``, so
certificates signed before still verify. Private keys never leave this module's objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from api.security import load_or_create_secret
from trust.multibase import decode_private_key, decode_public_key, encode_public_key


def did_web(public_url: str) -> str:
    """``did:web`` for the service's public URL (a port is percent-encoded, a path joins ``:``)."""
    parts = urlsplit(public_url)
    host = quote(parts.netloc, safe="")
    path = ":".join(p for p in parts.path.split("/") if p)
    return f"did:web:{host}" + (f":{path}" if path else "")


@dataclass(frozen=True)
class PublishedKey:
    method_id: str
    public_key: Ed25519PublicKey
    active: bool

    def as_multikey(self, controller: str) -> dict[str, Any]:
        return {
            "id": self.method_id,
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": encode_public_key(self.public_key),
            "status": "active" if self.active else "retired",
        }


class IssuerKeyring:
    def __init__(self, folder: Path, issuer_id: str, configured_key: str | None = None) -> None:
        self.folder = folder
        self.issuer_id = issuer_id
        if configured_key:
            self._signing_key = decode_private_key(configured_key)
        else:
            seed = load_or_create_secret(folder / "current.key")
            self._signing_key = Ed25519PrivateKey.from_private_bytes(seed[:32])

    def method_id(self, public_key: Ed25519PublicKey) -> str:
        return f"{self.issuer_id}#{encode_public_key(public_key)}"

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        return self._signing_key

    @property
    def signing_method(self) -> str:
        return self.method_id(self._signing_key.public_key())

    def published(self) -> list[PublishedKey]:
        current = self._signing_key.public_key()
        keys = [PublishedKey(self.method_id(current), current, True)]
        retired = self.folder / "retired"
        if retired.is_dir():
            for file in sorted(retired.glob("*.pub")):
                key = decode_public_key(file.read_text().strip())
                keys.append(PublishedKey(self.method_id(key), key, False))
        return keys

    def rotate(self) -> str:
        """Retire the current key (its public half stays published) and make a new one."""
        retired = self.folder / "retired"
        retired.mkdir(parents=True, exist_ok=True)
        public = encode_public_key(self._signing_key.public_key())
        (retired / f"{public}.pub").write_text(public + "\n")
        (self.folder / "current.key").unlink()
        seed = load_or_create_secret(self.folder / "current.key")
        self._signing_key = Ed25519PrivateKey.from_private_bytes(seed[:32])
        return self.signing_method

    def did_document(self) -> dict[str, Any]:
        keys = self.published()
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.issuer_id,
            "verificationMethod": [key.as_multikey(self.issuer_id) for key in keys],
            "assertionMethod": [key.method_id for key in keys],
        }
