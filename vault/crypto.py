"""AES-256-GCM: a data key seals a value; the master key wraps a data key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vault.errors import SealBrokenError

KEY_BYTES = 32
NONCE_BYTES = 12


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def encrypt(key: bytes, plaintext: bytes, associated: bytes) -> tuple[bytes, bytes]:
    """(nonce, ciphertext with its tag): a fresh random nonce each time."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, associated)


def decrypt(key: bytes, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
    """The plaintext; ``SealBrokenError`` if the key, nonce, data or associated data differ."""
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, associated)
    except (InvalidTag, ValueError):
        raise SealBrokenError("a sealed value does not open: altered, moved or wrong key") from None


def wrap_key(master: bytes, key_id: str, subject: str, key: bytes) -> bytes:
    """nonce ‖ AES-GCM(master, data key), bound to the key's id and subject."""
    nonce, wrapped = encrypt(master, key, _key_label(key_id, subject))
    return nonce + wrapped


def unwrap_key(master: bytes, key_id: str, subject: str, wrapped: bytes) -> bytes:
    return decrypt(
        master, wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _key_label(key_id, subject)
    )


def _key_label(key_id: str, subject: str) -> bytes:
    return f"volunteer-ledger data key|{key_id}|{subject}".encode()


def fingerprint(secret: bytes, purpose: str) -> str:
    """Names a secret without revealing it, so a process with another one is refused."""
    return hmac.new(secret, f"volunteer-ledger {purpose}".encode(), hashlib.sha256).hexdigest()[:32]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise SealBrokenError("a sealed value is not base64") from None
