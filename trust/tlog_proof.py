"""C2SP tlog-proof v1: an offline proof that an entry is in a log, as one text file.

Layout, per c2sp.org/tlog-proof (the spec puts the optional ``extra`` line before ``index``)::

    c2sp.org/tlog-proof@v1
    extra <base64 opaque data>        (optional; unauthenticated)
    index <decimal leaf index>
    <base64 inclusion proof hash>     (zero or more, leaf's sibling first)
                                      (an empty line)
    <the checkpoint's signed note, verbatim>
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from trust.checkpoint import open_checkpoint
from trust.errors import NoteFormatError
from trust.merkle import HASH_SIZE, verify_inclusion
from trust.note import strict_b64decode

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


@dataclass(frozen=True)
class TlogProof:
    """An entry's index, its inclusion proof, and the signed checkpoint the proof leads to."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None


def format_tlog_proof(proof: TlogProof) -> str:
    """Return the tlog-proof text."""
    if proof.index < 0:
        raise NoteFormatError("a leaf index is not negative", index=proof.index)
    if any(len(node) != HASH_SIZE for node in proof.proof):
        raise NoteFormatError(f"inclusion proof hashes are {HASH_SIZE} bytes")
    lines = [HEADER]
    if proof.extra is not None:
        lines.append(f"extra {base64.b64encode(proof.extra).decode()}")
    lines.append(f"index {proof.index}")
    lines.extend(base64.b64encode(node).decode() for node in proof.proof)
    return "\n".join(lines) + "\n\n" + proof.checkpoint


def parse_tlog_proof(text: str) -> TlogProof:
    """Read tlog-proof text; nothing in it is trusted until ``verify_tlog_proof`` says so."""
    head, separator, checkpoint = text.partition("\n\n")
    if not separator or not checkpoint:
        raise NoteFormatError("a tlog-proof has an empty line before its checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise NoteFormatError(f"a tlog-proof starts with {HEADER!r}")
    position, extra = 1, None
    if len(lines) > 1 and lines[1].startswith("extra "):
        extra, position = strict_b64decode(lines[1][len("extra ") :], "extra data"), 2
    match = _INDEX.fullmatch(lines[position]) if len(lines) > position else None
    if match is None:
        raise NoteFormatError("a tlog-proof names its index as 'index <decimal>'")
    hashes = tuple(strict_b64decode(line, "proof hash") for line in lines[position + 1 :])
    if any(len(node) != HASH_SIZE for node in hashes):
        raise NoteFormatError(f"inclusion proof hashes are {HASH_SIZE} bytes")
    return TlogProof(int(match.group(1)), hashes, checkpoint, extra)


def verify_tlog_proof(
    text: str, hashed_leaf: bytes, origin: str, key_name: str, public_key: Ed25519PublicKey
) -> bool:
    """True if the trusted log key signed a checkpoint for ``origin`` that includes the leaf."""
    try:
        proof = parse_tlog_proof(text)
    except NoteFormatError:
        return False
    checkpoint = open_checkpoint(proof.checkpoint, origin, key_name, public_key)
    if checkpoint is None:
        return False
    return verify_inclusion(hashed_leaf, proof.index, checkpoint.size, proof.proof, checkpoint.root)
