"""C2SP signed-note v1.0.0 with Ed25519: key IDs, verifier keys (vkeys), signing and verifying.

A note is text ending in a newline, a blank line, then signature lines
``— <key name> <base64(4-byte key ID ‖ signature)>``. The key ID of an Ed25519 key is
SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4].
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trust.errors import NoteFormatError

ED25519_TYPE = 0x01
KEY_ID_SIZE = 4
MAX_SIGNATURES = 64  # the spec asks verifiers to accept at least 16
SIGNATURE_PREFIX = "\N{EM DASH} "

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_UNICODE_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: who claims to have signed, and the signature bytes."""

    key_name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    """A parsed (not yet verified) signed note: its text and its signature lines."""

    text: str
    signatures: tuple[Signature, ...]


def key_id(key_name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte key ID of an Ed25519 note key."""
    _check_key_name(key_name)
    material = bytes([ED25519_TYPE]) + public_key.public_bytes_raw()
    return hashlib.sha256(key_name.encode() + b"\n" + material).digest()[:KEY_ID_SIZE]


def vkey(key_name: str, public_key: Ed25519PublicKey) -> str:
    """The verifier key string ``<name>+<hex key ID>+<base64(0x01 ‖ public key)>``."""
    material = bytes([ED25519_TYPE]) + public_key.public_bytes_raw()
    encoded = base64.b64encode(material).decode()
    return f"{key_name}+{key_id(key_name, public_key).hex()}+{encoded}"


def parse_vkey(text: str) -> tuple[str, Ed25519PublicKey]:
    """Read a verifier key string; its key ID must match its name and key."""
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise NoteFormatError("verifier key is not <name>+<key id>+<key>")
    name, hex_id, encoded = parts
    material = strict_b64decode(encoded, "verifier key")
    if len(material) != 33 or material[0] != ED25519_TYPE:
        raise NoteFormatError("verifier key is not an Ed25519 (type 0x01) key")
    public_key = Ed25519PublicKey.from_public_bytes(material[1:])
    if hex_id != key_id(name, public_key).hex():
        raise NoteFormatError("verifier key ID does not match its name and key", key_name=name)
    return name, public_key


def sign_note(text: str, key_name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign note text (which must end in a newline) and return the signed note."""
    _check_text(text)
    signature = private_key.sign(text.encode())
    line = _signature_line(key_name, key_id(key_name, private_key.public_key()) + signature)
    return f"{text}\n{line}"


def parse_note(note: str) -> Note:
    """Split a signed note into its text and signature lines, checking the format only."""
    if _CONTROL.search(note):
        raise NoteFormatError("a note holds no control characters other than newline")
    if not note.endswith("\n"):
        raise NoteFormatError("a signed note ends with a newline")
    separator = note.rfind("\n\n")
    if separator < 0:
        raise NoteFormatError("a signed note has a blank line before its signatures")
    text, lines = note[: separator + 1], note[separator + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteFormatError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def verify_note(note: str, key_name: str, public_key: Ed25519PublicKey) -> bool:
    """True when the note is well formed and signed by this key, with no failing line for it.

    Lines from other keys (another name or key ID) are ignored, as the spec requires.
    """
    try:
        parsed = parse_note(note)
        expected_id = key_id(key_name, public_key)
    except NoteFormatError:
        return False
    own = [
        line
        for line in parsed.signatures
        if line.key_name == key_name and line.key_id == expected_id
    ]
    message = parsed.text.encode()
    return bool(own) and all(_verifies(public_key, line.signature, message) for line in own)


def _verifies(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _parse_signature_line(line: str) -> Signature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteFormatError("a signature line starts with an em dash and a space")
    name, space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not space:
        raise NoteFormatError("a signature line is '— <key name> <signature>'")
    _check_key_name(name)
    blob = strict_b64decode(encoded, "signature")
    if len(blob) <= KEY_ID_SIZE:
        raise NoteFormatError("a signature holds a key ID and signature bytes", key_name=name)
    return Signature(name, blob[:KEY_ID_SIZE], blob[KEY_ID_SIZE:])


def _signature_line(key_name: str, blob: bytes) -> str:
    return f"{SIGNATURE_PREFIX}{key_name} {base64.b64encode(blob).decode()}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteFormatError("note text ends with a newline")
    if _CONTROL.search(text):
        raise NoteFormatError("note text holds no control characters other than newline")


def _check_key_name(name: str) -> None:
    if not name or "+" in name or _UNICODE_SPACE.search(name):
        raise NoteFormatError(f"key name {name!r} is empty or holds a space or '+'")


def strict_b64decode(encoded: str, what: str) -> bytes:
    """Decode standard base64, refusing anything but its one canonical spelling."""
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteFormatError(f"{what} is not standard base64") from exc
    if base64.b64encode(decoded).decode() != encoded:
        raise NoteFormatError(f"{what} is not canonical base64")
    return decoded
