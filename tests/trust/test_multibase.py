"""Base58btc, multibase and Ed25519 Multikey encodings, against published values."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import TEST_VECTORS
from trust.errors import EncodingError
from trust.multibase import (
    b58decode,
    b58encode,
    decode_private_key,
    decode_public_key,
    encode_private_key,
    encode_public_key,
    multibase_decode,
    multibase_encode,
)

KEY_PAIR = json.loads((TEST_VECTORS / "eddsa-jcs-2022" / "keyPair.json").read_text())

# The base58 examples of draft-msporny-base58 (the Bitcoin alphabet).
BASE58_EXAMPLES = [
    (b"", ""),
    (b"\x00", "1"),
    (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
    (
        b"The quick brown fox jumps over the lazy dog.",
        "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
    ),
    (bytes.fromhex("0000287fb4cd"), "11233QC4"),
]


@pytest.mark.parametrize(("data", "text"), BASE58_EXAMPLES)
def test_base58btc_encodes_published_examples(data, text):
    assert b58encode(data) == text


@pytest.mark.parametrize(("data", "text"), BASE58_EXAMPLES)
def test_base58btc_decodes_published_examples(data, text):
    assert b58decode(text) == data


@pytest.mark.parametrize(
    "data", [b"\x00\x00\x00", b"\x00\xff", bytes(range(256)), b"\xff" * 64, b"\x00" * 3 + b"\x01"]
)
def test_base58btc_round_trips_leading_zeros_and_high_bytes(data):
    assert b58decode(b58encode(data)) == data


@pytest.mark.parametrize("text", ["0", "O", "I", "l", "+", "z1 ", "é"])
def test_base58btc_refuses_characters_outside_the_alphabet(text):
    with pytest.raises(EncodingError):
        b58decode(text)


def test_multibase_prefixes_base58btc_with_z():
    assert multibase_encode(b"Hello World!") == "z2NEpo7TZRRrLZSi2U"
    assert multibase_decode("z2NEpo7TZRRrLZSi2U") == b"Hello World!"


@pytest.mark.parametrize("text", ["", "f48656c6c6f", "m SGVsbG8=", "Z2NEpo7TZRRrLZSi2U"])
def test_multibase_refuses_other_bases(text):
    with pytest.raises(EncodingError):
        multibase_decode(text)


def test_public_multikey_of_the_w3c_vector_round_trips():
    key = decode_public_key(KEY_PAIR["publicKeyMultibase"])
    assert encode_public_key(key) == KEY_PAIR["publicKeyMultibase"]


def test_secret_multikey_of_the_w3c_vector_yields_its_public_key():
    key = decode_private_key(KEY_PAIR["privateKeyMultibase"])
    assert encode_public_key(key.public_key()) == KEY_PAIR["publicKeyMultibase"]
    assert encode_private_key(key) == KEY_PAIR["privateKeyMultibase"]


def test_ed25519_public_multikeys_start_with_z6mk():
    assert encode_public_key(Ed25519PrivateKey.generate().public_key()).startswith("z6Mk")


def test_secret_key_is_not_accepted_as_a_public_key():
    with pytest.raises(EncodingError):
        decode_public_key(KEY_PAIR["privateKeyMultibase"])


def test_public_key_is_not_accepted_as_a_secret_key():
    with pytest.raises(EncodingError):
        decode_private_key(KEY_PAIR["publicKeyMultibase"])


@pytest.mark.parametrize("length", [0, 31, 33])
def test_public_multikey_of_the_wrong_length_is_refused(length):
    with pytest.raises(EncodingError):
        decode_public_key(multibase_encode(b"\xed\x01" + b"\x07" * length))
