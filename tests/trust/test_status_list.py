"""The Bitstring Status List: bit order, encoding, decoding within limits, the entries."""

import base64
import gzip

import pytest

from trust.errors import StatusListError
from trust.status_list import (
    LIST_LENGTH,
    Bitstring,
    StatusSlot,
    credential_status,
    list_credential,
)

#: The encodedList of every example in W3C Bitstring Status List v1.0 (Recommendation,
#: 2025-05-15, §2.2 and Appendix A): 131,072 entries, none set.
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def encoded(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(data, mtime=0)).decode().rstrip("=")


def test_the_specs_example_is_a_list_of_131072_entries_none_set():
    bits = Bitstring.decode(SPEC_EXAMPLE)
    assert (len(bits), bits.set_indexes()) == (131_072, [])


def test_a_new_list_encodes_to_the_specs_example_length_and_back():
    assert len(Bitstring()) == LIST_LENGTH == 16 * 1024 * 8
    assert Bitstring.decode(Bitstring().encode()).to_bytes() == bytes(16384)


def test_index_0_is_the_leftmost_bit_of_the_first_byte():
    bits = Bitstring()
    bits.set(0)
    bits.set(9)
    assert bits.to_bytes()[:2] == bytes([0b1000_0000, 0b0100_0000])


def test_a_set_bit_survives_encoding_and_can_be_cleared():
    bits = Bitstring()
    bits.set(131_071)
    bits.set(94_567)
    decoded = Bitstring.decode(bits.encode())
    assert decoded.set_indexes() == [94_567, 131_071]
    decoded.set(94_567, False)
    assert (decoded.get(94_567), decoded.get(131_071)) == (False, True)


def test_the_encoding_is_multibase_base64url_without_padding():
    text = Bitstring().encode()
    assert text.startswith("u")
    assert set(text[1:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_one_state_always_encodes_to_one_string():
    assert Bitstring().encode() == Bitstring().encode()


def test_an_index_beyond_the_list_is_refused():
    with pytest.raises(IndexError):
        Bitstring().get(LIST_LENGTH)


def test_a_list_that_decompresses_beyond_the_bound_is_refused():
    with pytest.raises(StatusListError, match="beyond"):
        Bitstring.decode(encoded(bytes(4096)), max_bytes=2048)


@pytest.mark.parametrize(
    "text",
    [
        SPEC_EXAMPLE[1:],
        "z" + SPEC_EXAMPLE[1:],
        SPEC_EXAMPLE + "=",
        "u" + base64.urlsafe_b64encode(bytes(100)).decode(),
        SPEC_EXAMPLE[:30],
        encoded(b""),
    ],
    ids=["no multibase prefix", "another base", "padded", "not GZIP", "truncated", "empty"],
)
def test_an_unreadable_list_is_refused(text):
    with pytest.raises(StatusListError):
        Bitstring.decode(text)


def test_a_credential_points_at_its_bit_in_one_status_object():
    slot = StatusSlot("https://ledger.example/", 0, 94_567)
    revocation = credential_status("https://ledger.example/v1/certificates/VC1/status", slot)
    url = "https://ledger.example/v1/status-lists/revocation/0"
    assert revocation == {
        "id": f"{url}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": url,
    }


def test_a_certificate_from_before_the_lists_has_only_the_ledgers_status():
    assert credential_status("https://x/status", None) == {
        "id": "https://x/status",
        "type": "VolunteerLedgerStatus",
    }


def test_the_list_credential_has_the_specs_shape():
    document = list_credential(
        "https://l.example/v1/status-lists/revocation/0",
        "did:web:l.example",
        "revocation",
        Bitstring(),
        "2026-03-20T00:00:00Z",
    )
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["type"] == "BitstringStatusList"
    assert document["credentialSubject"]["statusPurpose"] == "revocation"
