"""C2SP tlog-checkpoint: signing, parsing, opening with a trusted key, and tampering."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trust.checkpoint import (
    Checkpoint,
    format_checkpoint,
    key_id,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
    verify_note,
    vkey,
)
from trust.errors import NoteFormatError
from trust.merkle import EMPTY_ROOT, leaf_hash, root_from_leaf_hashes

ORIGIN = "ledger.example/service-hours"
LOG_KEY = Ed25519PrivateKey.generate()
LOG_PUBLIC = LOG_KEY.public_key()
SIZE = 163
ROOT = root_from_leaf_hashes(leaf_hash(f"服务记录 {i}".encode()) for i in range(SIZE))
URLSAFE_ROOT = base64.urlsafe_b64encode(b"\xfb" * 32).decode()  # '-' and '_' are not base64


def signed() -> str:
    return sign_checkpoint(ORIGIN, SIZE, ROOT, ORIGIN, LOG_KEY)


def test_checkpoint_text_is_origin_size_and_base64_root():
    text = format_checkpoint(Checkpoint(ORIGIN, SIZE, ROOT))
    assert text == f"{ORIGIN}\n{SIZE}\n{base64.b64encode(ROOT).decode()}\n"


def test_signed_checkpoint_is_text_blank_line_and_em_dash_signature():
    lines = signed().split("\n")
    assert lines[3] == ""
    assert lines[4].startswith(f"\u2014 {ORIGIN} ")
    assert signed().endswith("\n")


def test_signature_starts_with_the_key_id_of_the_spec():
    blob = base64.b64decode(signed().split("\n")[4].split(" ")[2])
    material = ORIGIN.encode() + b"\n" + b"\x01" + LOG_PUBLIC.public_bytes_raw()
    assert blob[:4] == hashlib.sha256(material).digest()[:4] == key_id(ORIGIN, LOG_PUBLIC)
    assert len(blob) == 4 + 64


def test_vkey_names_the_key_id_in_hex():
    name, hex_id, encoded = vkey(ORIGIN, LOG_PUBLIC).split("+", 2)
    assert (name, hex_id) == (ORIGIN, key_id(ORIGIN, LOG_PUBLIC).hex())
    assert base64.b64decode(encoded) == b"\x01" + LOG_PUBLIC.public_bytes_raw()


def test_signed_checkpoint_round_trips():
    assert parse_checkpoint(signed()) == Checkpoint(ORIGIN, SIZE, ROOT)


def test_signed_checkpoint_verifies():
    assert verify_note(signed(), ORIGIN, LOG_PUBLIC)


def test_open_checkpoint_returns_the_trusted_checkpoint():
    assert open_checkpoint(signed(), ORIGIN, ORIGIN, LOG_PUBLIC) == Checkpoint(ORIGIN, SIZE, ROOT)


def test_extension_lines_round_trip_and_are_signed():
    note = sign_checkpoint(ORIGIN, SIZE, ROOT, ORIGIN, LOG_KEY, extensions=["时间 2025-03-01"])
    assert parse_checkpoint(note).extensions == ("时间 2025-03-01",)
    assert not verify_note(note.replace("2025-03-01", "2025-03-02"), ORIGIN, LOG_PUBLIC)


def test_empty_tree_checkpoint_round_trips():
    note = sign_checkpoint(ORIGIN, 0, EMPTY_ROOT, ORIGIN, LOG_KEY)
    assert open_checkpoint(note, ORIGIN, ORIGIN, LOG_PUBLIC) == Checkpoint(ORIGIN, 0, EMPTY_ROOT)


def other_root() -> str:
    return base64.b64encode(leaf_hash(b"forked")).decode()


@pytest.mark.parametrize(
    "change",
    [
        (f"{ORIGIN}\n", "ledger.example/other\n"),
        (f"\n{SIZE}\n", f"\n{SIZE + 1}\n"),
        (base64.b64encode(ROOT).decode(), other_root()),
    ],
    ids=["origin", "size", "root"],
)
def test_tampered_checkpoint_is_rejected(change):
    old, new = change
    note = signed().replace(old, new, 1)
    assert not verify_note(note, ORIGIN, LOG_PUBLIC)
    assert open_checkpoint(note, ORIGIN, ORIGIN, LOG_PUBLIC) is None


def test_tampered_signature_is_rejected():
    text, _, line = signed().rpartition("\n\n")
    blob = bytearray(base64.b64decode(line.split(" ")[2]))
    blob[10] ^= 0x01
    note = f"{text}\n\n\u2014 {ORIGIN} {base64.b64encode(bytes(blob)).decode()}\n"
    assert not verify_note(note, ORIGIN, LOG_PUBLIC)


def test_checkpoint_under_another_key_is_rejected():
    impostor = Ed25519PrivateKey.generate()
    note = sign_checkpoint(ORIGIN, SIZE, ROOT, ORIGIN, impostor)
    assert open_checkpoint(note, ORIGIN, ORIGIN, LOG_PUBLIC) is None


def test_checkpoint_for_another_origin_is_not_opened():
    note = sign_checkpoint("ledger.example/other", SIZE, ROOT, ORIGIN, LOG_KEY)
    assert open_checkpoint(note, ORIGIN, ORIGIN, LOG_PUBLIC) is None


@pytest.mark.parametrize(
    "text",
    [
        f"{ORIGIN}\n{SIZE}\n",
        f"{ORIGIN}\n0{SIZE}\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n{SIZE}\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"{ORIGIN}\n{SIZE}\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",
        f"{ORIGIN}\n{SIZE}\n{base64.b64encode(ROOT).decode()}",
        f"\n{SIZE}\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n{SIZE}\n{URLSAFE_ROOT}\n",
    ],
    ids=[
        "two-lines",
        "leading-zero",
        "negative",
        "short-root",
        "unpadded",
        "no-newline",
        "empty-origin",
        "urlsafe",
    ],
)
def test_malformed_checkpoint_text_is_refused(text):
    with pytest.raises(NoteFormatError):
        parse_checkpoint(text)


@pytest.mark.parametrize(
    "checkpoint",
    [
        Checkpoint("", SIZE, ROOT),
        Checkpoint("two\nlines", SIZE, ROOT),
        Checkpoint(ORIGIN, -1, ROOT),
        Checkpoint(ORIGIN, SIZE, ROOT[:31]),
        Checkpoint(ORIGIN, SIZE, ROOT, ("",)),
    ],
    ids=["empty-origin", "multiline-origin", "negative-size", "short-root", "empty-extension"],
)
def test_unrepresentable_checkpoint_is_refused(checkpoint):
    with pytest.raises(NoteFormatError):
        format_checkpoint(checkpoint)
