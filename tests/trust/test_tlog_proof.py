"""C2SP tlog-proof: the spec's example layout, round trips, and end-to-end verification."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trust.checkpoint import sign_checkpoint
from trust.errors import NoteFormatError
from trust.merkle import MerkleTree, leaf_hash
from trust.tlog_proof import TlogProof, format_tlog_proof, parse_tlog_proof, verify_tlog_proof

# The example of c2sp.org/tlog-proof (its signatures are elided there, so it cannot verify).
SPEC_EXAMPLE = """c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

— example.com/fancylog hI2DJw[...]1roloI=
— witness1.example mJirIklj[...]qY9v2B/5bg==
"""

ORIGIN = "ledger.example/service-hours"
LOG_KEY = Ed25519PrivateKey.generate()
LOG_PUBLIC = LOG_KEY.public_key()
RECORDS = [f"志愿者 {i:03d} 于图书馆服务 {60 + i} 分钟".encode() for i in range(37)]
TREE = MerkleTree(leaf_hash(record) for record in RECORDS)
CHECKPOINT = sign_checkpoint(ORIGIN, TREE.size, TREE.root(), ORIGIN, LOG_KEY)


def proof_for(index: int, extra: bytes | None = None) -> str:
    hashes = tuple(TREE.inclusion_proof(index))
    return format_tlog_proof(TlogProof(index, hashes, CHECKPOINT, extra))


def test_spec_example_parses():
    proof = parse_tlog_proof(SPEC_EXAMPLE)
    assert proof.index == 73894
    assert proof.extra == base64.b64decode("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ")
    assert len(proof.proof) == 5
    assert proof.checkpoint.startswith("example.com/fancylog\n109482\n")


def test_spec_example_formats_back_byte_for_byte():
    assert format_tlog_proof(parse_tlog_proof(SPEC_EXAMPLE)) == SPEC_EXAMPLE


def test_extra_line_comes_before_the_index_line():
    lines = proof_for(3, extra=b"record-id 3").split("\n")
    assert lines[:3] == ["c2sp.org/tlog-proof@v1", "extra cmVjb3JkLWlkIDM=", "index 3"]


def test_proof_without_extra_omits_the_line():
    assert proof_for(3).split("\n")[1] == "index 3"
    assert parse_tlog_proof(proof_for(3)).extra is None


@pytest.mark.parametrize("index", [0, 1, 17, 32, 36])
def test_proof_verifies_end_to_end(index):
    text = proof_for(index, extra=b"opaque")
    assert verify_tlog_proof(text, leaf_hash(RECORDS[index]), ORIGIN, ORIGIN, LOG_PUBLIC)


def test_proof_for_another_record_is_rejected():
    text = proof_for(5)
    assert not verify_tlog_proof(text, leaf_hash(RECORDS[6]), ORIGIN, ORIGIN, LOG_PUBLIC)


def test_proof_with_a_changed_index_is_rejected():
    text = proof_for(5).replace("index 5\n", "index 4\n")
    assert not verify_tlog_proof(text, leaf_hash(RECORDS[5]), ORIGIN, ORIGIN, LOG_PUBLIC)


def test_proof_with_a_changed_hash_is_rejected():
    hashes = list(TREE.inclusion_proof(5))
    hashes[2] = leaf_hash(b"forged")
    text = format_tlog_proof(TlogProof(5, tuple(hashes), CHECKPOINT))
    assert not verify_tlog_proof(text, leaf_hash(RECORDS[5]), ORIGIN, ORIGIN, LOG_PUBLIC)


def test_proof_with_a_tampered_checkpoint_is_rejected():
    text = proof_for(5).replace(f"\n{TREE.size}\n", f"\n{TREE.size + 1}\n")
    assert not verify_tlog_proof(text, leaf_hash(RECORDS[5]), ORIGIN, ORIGIN, LOG_PUBLIC)


def test_proof_under_another_log_key_is_rejected():
    other = Ed25519PrivateKey.generate().public_key()
    assert not verify_tlog_proof(proof_for(5), leaf_hash(RECORDS[5]), ORIGIN, ORIGIN, other)


def test_proof_for_another_origin_is_rejected():
    text = proof_for(5)
    assert not verify_tlog_proof(text, leaf_hash(RECORDS[5]), "other.example", ORIGIN, LOG_PUBLIC)


def test_extra_data_is_not_authenticated():
    text = proof_for(5, extra=b"one").replace("extra b25l", "extra dHdv")
    assert parse_tlog_proof(text).extra == b"two"
    assert verify_tlog_proof(text, leaf_hash(RECORDS[5]), ORIGIN, ORIGIN, LOG_PUBLIC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        SPEC_EXAMPLE.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
        SPEC_EXAMPLE.replace("index 73894", "index 073894"),
        SPEC_EXAMPLE.replace("index 73894", "index -1"),
        SPEC_EXAMPLE.replace("index 73894\n", ""),
        SPEC_EXAMPLE.replace("index 73894", "Index 73894"),
        SPEC_EXAMPLE.replace("extra YWdl", "extra !Wdl"),
        SPEC_EXAMPLE.replace("gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=", "gSKyXoYZ"),
        SPEC_EXAMPLE.split("\n\n")[0] + "\n",
        SPEC_EXAMPLE.replace("\n\nexample.com", "\nexample.com"),
    ],
    ids=[
        "empty",
        "wrong-header",
        "leading-zero",
        "negative",
        "no-index",
        "capitalised",
        "bad-extra",
        "short-hash",
        "no-checkpoint",
        "no-blank-line",
    ],
)
def test_malformed_proof_is_refused(text):
    with pytest.raises(NoteFormatError):
        parse_tlog_proof(text)


def test_malformed_proof_is_rejected_by_verify():
    assert not verify_tlog_proof("garbage", leaf_hash(RECORDS[0]), ORIGIN, ORIGIN, LOG_PUBLIC)
