"""What the two Data Integrity EdDSA suites (``eddsa_jcs``, ``eddsa_rdfc``) read alike in a
proof: its ``created`` time, its ``proofValue`` signature, and its ``@context``."""

from __future__ import annotations

import re

from trust.errors import EncodingError
from trust.multibase import multibase_decode

SIGNATURE_SIZE = 64

# XML Schema 1.1 dateTime, as the proof's ``created`` must be (timezone optional there).
_XSD_DATETIME = re.compile(
    r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"
    r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?"
)


def signature_of(proof_value: object) -> bytes | None:
    """The 64-byte Ed25519 signature a ``proofValue`` holds (base58btc multibase), or None."""
    if not isinstance(proof_value, str):
        return None
    try:
        signature = multibase_decode(proof_value)
    except EncodingError:
        return None
    return signature if len(signature) == SIGNATURE_SIZE else None


def context_starts_with(document_context: object, proof_context: object) -> bool:
    """Whether the document's ``@context`` begins with the proof's, item by item."""
    document_values = _as_list(document_context)
    proof_values = _as_list(proof_context)
    if document_values is None or proof_values is None:
        return False
    return document_values[: len(proof_values)] == proof_values


def is_xsd_datetime(value: object) -> bool:
    return isinstance(value, str) and _XSD_DATETIME.fullmatch(value) is not None


def _as_list(context: object) -> list[object] | None:
    if context is None:
        return None
    return list(context) if isinstance(context, list) else [context]
