"""W3C Bitstring Status List v1.0: the bitstring, its encoding, the entries a credential carries
and the status list credential that publishes one list.

A list is 131,072 one-bit entries (16 KB, the spec's minimum, for herd privacy), index 0 being
the left-most (most significant) bit of the first byte. ``encodedList`` is the bitstring
GZIP-compressed, then base64url without padding, with the multibase prefix ``u``. Decoding
refuses a list that would decompress beyond a bound: a few hundred bytes of GZIP can claim
gigabytes.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from dataclasses import dataclass
from typing import Any

from trust.errors import StatusListError

LIST_LENGTH = 131_072
"""Entries in one list: 16 KB of bits."""
MAX_DECODED_BYTES = 1 << 20
"""The largest list a verifier here decompresses: 8,388,608 entries."""
STATUS_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"


class Bitstring:
    """A list of one-bit statuses; index 0 is the most significant bit of byte 0."""

    def __init__(self, length: int = LIST_LENGTH, data: bytes | None = None) -> None:
        if data is None:
            if length <= 0 or length % 8:
                raise ValueError("a bitstring is a positive whole number of bytes")
            data = bytes(length // 8)
        self._bytes = bytearray(data)

    def __len__(self) -> int:
        return len(self._bytes) * 8

    def _position(self, index: int) -> tuple[int, int]:
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} is outside a list of {len(self)} entries")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        byte, mask = self._position(index)
        return bool(self._bytes[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        byte, mask = self._position(index)
        if value:
            self._bytes[byte] |= mask
        else:
            self._bytes[byte] &= ~mask & 0xFF

    def set_indexes(self) -> list[int]:
        return [i for i, b in enumerate(self._bytes) if b for i in _bits_of(i, b)]

    def to_bytes(self) -> bytes:
        return bytes(self._bytes)

    def encode(self) -> str:
        """``encodedList``: multibase base64url (``u``, no padding) of the GZIP'd bits.
        GZIP's header time is zero, so one state always encodes to one string."""
        compressed = gzip.compress(self.to_bytes(), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")

    @classmethod
    def decode(cls, encoded: str, max_bytes: int = MAX_DECODED_BYTES) -> Bitstring:
        """The bitstring of an ``encodedList``; a list that decompresses beyond ``max_bytes``
        is refused before it is all inflated."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListError("encodedList is not multibase base64url (prefix 'u')")
        body = encoded[1:]
        if "=" in body:
            raise StatusListError("encodedList is base64url without padding")
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError:
            raise StatusListError("encodedList is not base64url") from None
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP only
        try:
            data = inflater.decompress(compressed, max_bytes + 1)
        except zlib.error:
            raise StatusListError("encodedList is not GZIP-compressed") from None
        if len(data) > max_bytes or inflater.unconsumed_tail:
            raise StatusListError(f"the list decompresses beyond {max_bytes} bytes")
        if not inflater.eof or not data:
            raise StatusListError("the compressed list is truncated or empty")
        return cls(data=data)


def _bits_of(byte_index: int, value: int) -> list[int]:
    return [byte_index * 8 + bit for bit in range(8) if value & (0x80 >> bit)]


PUBLISHED_PURPOSES = ("revocation",)
"""The lists the issuer publishes. Not ``suspension``: nothing suspends a certificate, and a
list nobody can set would only promise what is not there."""
LEDGER_STATUS_TYPE = "VolunteerLedgerStatus"
"""Our own status entry, in certificates issued before the lists: the ledger's answer at
``/v1/certificates/{number}/status``. That answer alone says ``superseded`` (a counted record
corrected after issue); our verifiers ask it by the certificate's number whatever the entry."""


@dataclass(frozen=True)
class StatusSlot:
    """Where one certificate's status is in the issuer's lists, served by the service at
    ``base_url``: the same index in each purpose's list of that number."""

    base_url: str
    list_number: int
    index: int


def list_url(base_url: str, purpose: str, list_number: int) -> str:
    return f"{base_url.rstrip('/')}/v1/status-lists/{purpose}/{list_number}"


def status_entry(purpose: str, slot: StatusSlot) -> dict[str, str]:
    """One ``BitstringStatusListEntry`` of a credential's ``credentialStatus``."""
    url = list_url(slot.base_url, purpose, slot.list_number)
    return {
        "id": f"{url}#{slot.index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(slot.index),
        "statusListCredential": url,
    }


def credential_status(ledger_status_url: str, slot: StatusSlot | None) -> dict[str, str]:
    """A credential's ``credentialStatus``: one object, as 1EdTech's OB 3.0 schema takes it
    (an array fails ``/credentialStatus must be object``), so the revocation list's entry; our
    own status entry only for a certificate issued before the lists. ``superseded`` is not a
    bit: our verifiers read it from the ledger's status route, by the certificate's number."""
    if slot is None:
        return {"id": ledger_status_url, "type": LEDGER_STATUS_TYPE}
    [purpose] = PUBLISHED_PURPOSES
    return status_entry(purpose, slot)


def list_credential(
    url: str, issuer_id: str, purpose: str, bits: Bitstring, valid_from: str
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` publishing one list."""
    return {
        "@context": [STATUS_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer_id,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": LIST_TYPE,
            "statusPurpose": purpose,
            "encodedList": bits.encode(),
        },
    }
