"""The trust layer's errors: one tree, raised for misuse and for input that cannot be read.

    TrustError
    ├── CanonicalizationError     no RFC 8785 (JCS) form: a float, NaN, a non-string key …;
    │   │                         no RDFC-1.0 form: an undefined term, a relative IRI …
    │   └── UnknownContextError   a JSON-LD context that is not bundled (nothing is fetched)
    ├── EncodingError             base58btc, multibase or Multikey text that does not decode
    ├── ProofGenerationError      a Data Integrity proof cannot be made from these inputs
    ├── MerkleTreeError           a leaf hash of the wrong length; a proof beyond the tree
    ├── NoteFormatError           a signed note, checkpoint, vkey or tlog-proof is malformed
    └── StatusListError           an encodedList that is not GZIP'd multibase base64url, or
                                  that decompresses beyond the bound

Verification never raises for a proof or signature that simply fails: the verifiers return
``False`` or a result naming the reason. These errors are for what a caller got wrong, or for
text that cannot even be parsed when the caller asked to parse it.
"""

from __future__ import annotations

from typing import Any


class TrustError(Exception):
    """Base of every error the trust layer raises on purpose."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class CanonicalizationError(TrustError):
    """The value cannot be put in canonical JSON, so nothing may be signed or hashed over it."""


class UnknownContextError(CanonicalizationError):
    """A JSON-LD context URL that is not bundled: it is refused, never fetched."""


class EncodingError(TrustError):
    """Encoded key or signature text is not what its format requires."""


class ProofGenerationError(TrustError):
    """A proof cannot be created: the options or the document break the cryptosuite's rules."""


class MerkleTreeError(TrustError):
    """The tree cannot do this: a leaf hash of the wrong length, a proof beyond its leaves."""


class NoteFormatError(TrustError):
    """Signed-note text (a note, checkpoint, verifier key or tlog-proof) does not parse."""


class StatusListError(TrustError):
    """A Bitstring Status List ``encodedList`` cannot be read: not multibase base64url, not
    GZIP, truncated, or too large once decompressed."""
