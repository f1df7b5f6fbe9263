"""C2SP signed notes: the Go sumdb/note example byte for byte, key IDs, vkeys and tampering."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trust.errors import NoteFormatError
from trust.note import key_id, parse_note, parse_vkey, sign_note, verify_note, vkey

# The example of golang.org/x/mod/sumdb/note (its package documentation and tests).
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_NOTE = (
    PETER_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def peter_private_key() -> Ed25519PrivateKey:
    """The Go signer key is PRIVATE+KEY+<name>+<id>+base64(0x01 ‖ 32-byte seed)."""
    material = base64.b64decode(PETER_SKEY.split("+", 4)[4])
    return Ed25519PrivateKey.from_private_bytes(material[1:])


PETER_KEY = peter_private_key()
PETER_PUBLIC = PETER_KEY.public_key()
LOG_KEY = Ed25519PrivateKey.generate()
LOG_NAME = "ledger.example/志愿服务"


def test_signing_reproduces_the_go_example_byte_for_byte():
    assert sign_note(PETER_TEXT, "PeterNeumann", PETER_KEY) == PETER_NOTE


def test_vkey_reproduces_the_go_example():
    assert vkey("PeterNeumann", PETER_PUBLIC) == PETER_VKEY


def test_go_example_verifies():
    assert verify_note(PETER_NOTE, "PeterNeumann", PETER_PUBLIC)


def test_key_id_is_the_spec_formula():
    raw = PETER_PUBLIC.public_bytes_raw()
    expected = hashlib.sha256(b"PeterNeumann" + b"\x0a" + b"\x01" + raw).digest()[:4]
    assert key_id("PeterNeumann", PETER_PUBLIC) == expected == bytes.fromhex("c74f20a3")


def test_parse_vkey_returns_name_and_key():
    name, key = parse_vkey(PETER_VKEY)
    assert name == "PeterNeumann"
    assert key.public_bytes_raw() == PETER_PUBLIC.public_bytes_raw()


def test_vkey_with_a_plus_in_its_base64_round_trips():
    for _ in range(64):  # about a third of random keys put a '+' in the base64
        key = Ed25519PrivateKey.generate().public_key()
        text = vkey(LOG_NAME, key)
        assert parse_vkey(text)[1].public_bytes_raw() == key.public_bytes_raw()


@pytest.mark.parametrize(
    "text",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumanN+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a3+not base64",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
    ids=["id", "name", "length", "type", "missing-key", "bad-base64", "empty-name"],
)
def test_mangled_vkey_is_refused(text):
    with pytest.raises(NoteFormatError):
        parse_vkey(text)


def test_parse_note_splits_text_and_signatures():
    note = parse_note(PETER_NOTE)
    assert note.text == PETER_TEXT
    assert [(s.key_name, s.key_id.hex(), len(s.signature)) for s in note.signatures] == [
        ("PeterNeumann", "c74f20a3", 64)
    ]


def test_text_may_hold_empty_lines_before_the_last_one():
    text = "第一段\n\n第二段\n"
    note = sign_note(text, LOG_NAME, LOG_KEY)
    assert parse_note(note).text == text
    assert verify_note(note, LOG_NAME, LOG_KEY.public_key())


@pytest.mark.parametrize(
    "change",
    [
        ("cryptography", "cryptographY"),
        ("problem,\n", "problem, \n"),
        ("is.\n\n", "is.\n"),
        ("— PeterNeumann", "— PeterNeumann2"),
        ("x08go", "x08gp"),
        ("JnAM=", "JnAA="),
    ],
    ids=["text", "whitespace", "blank-line", "key-name", "key-id", "signature"],
)
def test_tampered_go_example_is_rejected(change):
    assert not verify_note(PETER_NOTE.replace(*change), "PeterNeumann", PETER_PUBLIC)


def test_note_under_another_key_is_rejected():
    assert not verify_note(PETER_NOTE, "PeterNeumann", LOG_KEY.public_key())


def test_note_under_another_name_is_rejected():
    assert not verify_note(PETER_NOTE, "PaulNeumann", PETER_PUBLIC)


def test_signatures_of_unknown_keys_are_ignored():
    stranger = Ed25519PrivateKey.generate()
    cosigned = sign_note(PETER_TEXT, "witness.example", stranger)
    note = PETER_NOTE + cosigned[len(PETER_TEXT) + 1 :]
    assert len(parse_note(note).signatures) == 2
    assert verify_note(note, "PeterNeumann", PETER_PUBLIC)


def test_a_failing_line_from_the_trusted_key_rejects_the_note():
    forged = PETER_NOTE.replace("JnAM=", "JnAA=")
    note = PETER_NOTE + forged[len(PETER_TEXT) + 1 :]
    assert not verify_note(note, "PeterNeumann", PETER_PUBLIC)


@pytest.mark.parametrize(
    "note",
    [
        PETER_TEXT,
        PETER_NOTE[:-1],
        PETER_TEXT + "\n",
        PETER_TEXT + "\n- PeterNeumann x08go\n",
        PETER_TEXT + "\n— PeterNeumann\n",
        PETER_TEXT + "\n— Peter Neumann AAAAAAAA\n",
        PETER_TEXT + "\n— PeterNeumann AAAA\n",
        PETER_TEXT + "\n— PeterNeumann not!base64\n",
        PETER_NOTE.replace("answer", "ans\twer"),
        PETER_NOTE.replace("\n", "\r\n"),
    ],
    ids=[
        "no-signatures",
        "no-final-newline",
        "blank-line-only",
        "hyphen-not-em-dash",
        "no-signature",
        "space-in-name",
        "signature-too-short",
        "bad-base64",
        "tab",
        "crlf",
    ],
)
def test_malformed_note_is_refused_by_parse_and_rejected_by_verify(note):
    with pytest.raises(NoteFormatError):
        parse_note(note)
    assert not verify_note(note, "PeterNeumann", PETER_PUBLIC)


def test_too_many_signatures_are_refused():
    line = PETER_NOTE[len(PETER_TEXT) + 1 :]
    with pytest.raises(NoteFormatError):
        parse_note(PETER_TEXT + "\n" + line * 65)


def test_sixteen_signatures_are_accepted():
    line = PETER_NOTE[len(PETER_TEXT) + 1 :]
    assert verify_note(PETER_TEXT + "\n" + line * 16, "PeterNeumann", PETER_PUBLIC)


@pytest.mark.parametrize("text", ["no final newline", "tab\there\n", ""])
def test_unsignable_text_is_refused(text):
    with pytest.raises(NoteFormatError):
        sign_note(text, LOG_NAME, LOG_KEY)


@pytest.mark.parametrize(
    "name", ["", "has space", "has+plus", "tab\tname", "ideographic\u3000space"]
)
def test_invalid_key_names_are_refused(name):
    with pytest.raises(NoteFormatError):
        sign_note(PETER_TEXT, name, LOG_KEY)
