"""C2SP tlog-checkpoint v1.0.0: the signed statement of a log's origin, size and root hash.

The note text is ``<origin>\\n<size>\\n<base64 root>\\n`` and optional non-empty extension
lines. Parsing reads the text and does not verify it: a checkpoint is to be believed only
through ``open_checkpoint`` (or after ``verify_note``) with a key the reader already trusts.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trust.errors import NoteFormatError
from trust.merkle import HASH_SIZE
from trust.note import (
    key_id,
    parse_note,
    parse_vkey,
    sign_note,
    strict_b64decode,
    verify_note,
    vkey,
)

__all__ = [
    "Checkpoint",
    "format_checkpoint",
    "key_id",
    "open_checkpoint",
    "parse_checkpoint",
    "parse_vkey",
    "sign_checkpoint",
    "verify_note",
    "vkey",
]

_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: which log, how many leaves, and the root hash at that size."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def format_checkpoint(checkpoint: Checkpoint) -> str:
    """Return the checkpoint's note text (the part that is signed)."""
    if not checkpoint.origin or "\n" in checkpoint.origin:
        raise NoteFormatError("a checkpoint origin is one non-empty line")
    if checkpoint.size < 0:
        raise NoteFormatError("a tree size is not negative", size=checkpoint.size)
    if len(checkpoint.root) != HASH_SIZE:
        raise NoteFormatError(f"a root hash is {HASH_SIZE} bytes", length=len(checkpoint.root))
    if any(not line or "\n" in line for line in checkpoint.extensions):
        raise NoteFormatError("extension lines are non-empty single lines")
    root = base64.b64encode(checkpoint.root).decode()
    lines = [checkpoint.origin, str(checkpoint.size), root, *checkpoint.extensions]
    return "".join(f"{line}\n" for line in lines)


def sign_checkpoint(
    origin: str,
    size: int,
    root: bytes,
    key_name: str,
    private_key: Ed25519PrivateKey,
    extensions: Sequence[str] = (),
) -> str:
    """Return the signed note of a checkpoint, signed with one Ed25519 key."""
    text = format_checkpoint(Checkpoint(origin, size, root, tuple(extensions)))
    return sign_note(text, key_name, private_key)


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint from its note text or from a whole signed note, without verifying it."""
    if "\n\n" in text:
        text = parse_note(text).text
    if not text.endswith("\n"):
        raise NoteFormatError("checkpoint text ends with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        raise NoteFormatError("a checkpoint has at least three non-empty lines")
    origin, size, encoded_root, *extensions = lines
    if not _TREE_SIZE.fullmatch(size):
        raise NoteFormatError("tree size is a decimal with no leading zeroes", size=size)
    return Checkpoint(origin, int(size), _root(encoded_root), tuple(extensions))


def open_checkpoint(
    note: str, origin: str, key_name: str, public_key: Ed25519PublicKey
) -> Checkpoint | None:
    """Return the checkpoint if the note is signed by the trusted key for this origin, else None."""
    if not verify_note(note, key_name, public_key):
        return None
    try:
        checkpoint = parse_checkpoint(note)
    except NoteFormatError:
        return None
    return checkpoint if checkpoint.origin == origin else None


def _root(encoded: str) -> bytes:
    root = strict_b64decode(encoded, "root hash")
    if len(root) != HASH_SIZE:
        raise NoteFormatError(f"a root hash is {HASH_SIZE} bytes", length=len(root))
    return root
