"""Merkle tree proofs against a reference written straight from RFC 9162 §2.1, and tampering."""

from __future__ import annotations

import hashlib
from functools import cache

import pytest

from trust.errors import MerkleTreeError
from trust.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 300
ALL_PAIRS_UP_TO = 64

# Leaves are vivid service records; their hashes are the tree's input.
ENTRIES = [f"志愿者{i:04d} 服务 {30 + i % 90} 分钟".encode() for i in range(MAX_SIZE)]
LEAF_HASHES = tuple(leaf_hash(entry) for entry in ENTRIES)
TREE = MerkleTree(LEAF_HASHES)
BLOCK = 25
# Sizes 1..300 in blocks: every size is covered, without thousands of tiny test items.
SIZE_BLOCKS = [range(start, start + BLOCK) for start in range(1, MAX_SIZE + 1, BLOCK)]
BLOCK_IDS = [f"sizes {block.start}-{block.stop - 1}" for block in SIZE_BLOCKS]


# --- The reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, recursively, over D[start:end]. ---


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@cache
def mth(start: int, end: int) -> bytes:
    n = end - start
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + ENTRIES[start]).digest()
    k = _k(n)
    return hashlib.sha256(b"\x01" + mth(start, start + k) + mth(start + k, end)).digest()


def path(m: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, start, start + k), mth(start + k, end)]
    return [*path(m - k, start + k, end), mth(start, start + k)]


def proof(m: int, n: int) -> list[bytes]:
    return subproof(m, 0, n, True)


def subproof(m: int, start: int, end: int, b: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if b else [mth(start, end)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, start, start + k, b), mth(start + k, end)]
    return [*subproof(m - k, start + k, end, False), mth(start, start + k)]


def consistency_pairs() -> list[tuple[int, int]]:
    """Every (m, n) with 0 < m < n <= 64, and a deterministic sample for larger n."""
    pairs = [(m, n) for n in range(2, ALL_PAIRS_UP_TO + 1) for m in range(1, n)]
    for n in range(ALL_PAIRS_UP_TO + 1, MAX_SIZE + 1):
        picks = {1, 2, n - 1, n // 2, (n * 7) // 11, (n * 13) // 17}
        picks.update(1 << p for p in range(n.bit_length()) if 1 << p < n)
        pairs.extend((m, n) for m in sorted(picks) if 0 < m < n)
    return pairs


PAIRS = consistency_pairs()


def flipped(hashes: list[bytes], position: int) -> list[bytes]:
    changed = list(hashes)
    changed[position] = bytes([changed[position][0] ^ 0x01]) + changed[position][1:]
    return changed


# --- Known answers: RFC 6962 test vectors used by the certificate-transparency implementations.

CT_LEAVES = [bytes.fromhex(x) for x in ("", "00", "10", "2021", "3031", "40414243")] + [
    bytes.fromhex("5051525354555657"),
    bytes.fromhex("606162636465666768696a6b6c6d6e6f"),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_TREE = MerkleTree(leaf_hash(leaf) for leaf in CT_LEAVES)


@pytest.mark.parametrize("size", range(1, 9))
def test_root_matches_the_rfc_6962_test_vectors(size):
    assert CT_TREE.root(size).hex() == CT_ROOTS[size - 1]


def test_inclusion_proof_matches_the_rfc_6962_test_vector():
    expected = [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [h.hex() for h in CT_TREE.inclusion_proof(5, 8)] == expected


def test_consistency_proof_matches_the_rfc_6962_test_vector():
    expected = [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [h.hex() for h in CT_TREE.consistency_proof(6, 8)] == expected


# --- Hashes and roots.


def test_leaf_and_node_hashes_are_domain_separated():
    data = b"\x01" + b"a" * 64
    assert leaf_hash(data) != node_hash(b"a" * 32, b"a" * 32)


def test_empty_tree_root_is_the_hash_of_nothing():
    assert MerkleTree().root() == EMPTY_ROOT == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_root_matches_reference(sizes):
    assert [TREE.root(size) for size in sizes] == [mth(0, size) for size in sizes]


@pytest.mark.parametrize("size", [1, 2, 3, 64, 255, 256, 257, MAX_SIZE])
def test_root_from_leaf_hashes_matches_reference(size):
    assert root_from_leaf_hashes(LEAF_HASHES[:size]) == mth(0, size)


def test_growing_tree_keeps_answering_for_earlier_sizes():
    tree = MerkleTree()
    for hashed in LEAF_HASHES[:100]:
        tree.append(hashed)
        assert tree.root() == mth(0, tree.size)
    assert [tree.root(size) for size in range(101)] == [mth(0, size) for size in range(101)]


def test_large_tree_answers_quickly():
    tree = MerkleTree(leaf_hash(i.to_bytes(4, "big")) for i in range(1 << 16))
    root = tree.root()
    index = 40_000
    assert verify_inclusion(tree.leaf(index), index, tree.size, tree.inclusion_proof(index), root)
    old = 50_001
    proof_ = tree.consistency_proof(old)
    assert verify_consistency(old, tree.size, tree.root(old), root, proof_)


# --- Inclusion proofs, for every index of every size 1..300.


@cache
def leaves_of(sizes: range) -> list[tuple[int, int, list[bytes], bytes]]:
    """(index, size, reference inclusion proof, root) for every leaf of every size."""
    return [
        (index, size, path(index, 0, size), mth(0, size)) for size in sizes for index in range(size)
    ]


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_inclusion_proof_matches_reference(sizes):
    for index, size, expected, _ in leaves_of(sizes):
        assert TREE.inclusion_proof(index, size) == expected


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_inclusion_proof_verifies(sizes):
    for index, size, genuine, root in leaves_of(sizes):
        assert verify_inclusion(LEAF_HASHES[index], index, size, genuine, root)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_inclusion_proof_with_a_flipped_byte_is_rejected(sizes):
    for index, size, genuine, root in leaves_of(sizes):
        # Every position for small trees; beyond, one position per leaf, cycling through all.
        positions = range(len(genuine)) if size <= 64 else [index % max(len(genuine), 1)]
        for position in positions if genuine else []:
            tampered = flipped(genuine, position)
            assert not verify_inclusion(LEAF_HASHES[index], index, size, tampered, root)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_inclusion_proof_for_another_leaf_is_rejected(sizes):
    other_leaf = leaf_hash(b"not in the log")
    for index, size, genuine, root in leaves_of(sizes):
        assert not verify_inclusion(other_leaf, index, size, genuine, root)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_inclusion_proof_at_a_wrong_index_is_rejected(sizes):
    for index, size, genuine, root in leaves_of(sizes):
        for wrong in {index - 1, index + 1, index ^ 1} - {index}:
            if 0 <= wrong < size:
                assert not verify_inclusion(LEAF_HASHES[index], wrong, size, genuine, root)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_inclusion_proof_against_a_wrong_size_and_its_root_is_rejected(sizes):
    for index, size, genuine, _ in leaves_of(sizes):
        for wrong in (size - 1, size + 1):
            if index < wrong <= MAX_SIZE:
                root = mth(0, wrong)
                assert not verify_inclusion(LEAF_HASHES[index], index, wrong, genuine, root)


def test_inclusion_proof_binds_the_size_only_through_the_root():
    # RFC 9162's verifier reaches the same root for index 0 of sizes 3 and 4 from the same
    # path: the size is trusted only because the signed checkpoint pairs it with the root.
    assert verify_inclusion(LEAF_HASHES[0], 0, 3, path(0, 0, 4), mth(0, 4))


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_inclusion_proof_against_a_wrong_root_is_rejected(sizes):
    for index, size, genuine, _ in leaves_of(sizes):
        wrong_root = mth(0, size - 1) if size > 1 else leaf_hash(b"other")
        assert not verify_inclusion(LEAF_HASHES[index], index, size, genuine, wrong_root)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_truncated_inclusion_proof_is_rejected(sizes):
    for index, size, genuine, root in leaves_of(sizes):
        if genuine:
            assert not verify_inclusion(LEAF_HASHES[index], index, size, genuine[:-1], root)
            assert not verify_inclusion(LEAF_HASHES[index], index, size, genuine[1:], root)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_extended_inclusion_proof_is_rejected(sizes):
    for index, size, genuine, root in leaves_of(sizes):
        assert not verify_inclusion(LEAF_HASHES[index], index, size, [*genuine, root], root)
        assert not verify_inclusion(LEAF_HASHES[index], index, size, [root, *genuine], root)


@pytest.mark.parametrize(
    ("index", "size"), [(-1, 5), (5, 5), (6, 5), (0, 0)], ids=["negative", "at", "past", "empty"]
)
def test_inclusion_with_impossible_index_or_size_is_rejected(index, size):
    assert not verify_inclusion(LEAF_HASHES[0], index, size, [], mth(0, max(size, 1)))


@pytest.mark.parametrize("length", [0, 31, 33])
def test_inclusion_with_malformed_hash_lengths_is_rejected(length):
    short = b"\x00" * length
    assert not verify_inclusion(short, 0, 1, [], short)
    assert not verify_inclusion(LEAF_HASHES[0], 0, 2, [short], mth(0, 2))


# --- Consistency proofs: all pairs for n <= 64, a deterministic sample up to 300.


@cache
def pairs_of(sizes: range) -> list[tuple[int, int, list[bytes], bytes, bytes]]:
    """(m, n, reference proof, old root, new root) for the chosen pairs with n in sizes."""
    return [(m, n, proof(m, n), mth(0, m), mth(0, n)) for m, n in PAIRS if n in sizes]


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_consistency_proof_matches_reference(sizes):
    for m, n, expected, _, _ in pairs_of(sizes):
        assert TREE.consistency_proof(m, n) == expected


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_consistency_proofs_verify(sizes):
    for m, n, genuine, old_root, new_root in pairs_of(sizes):
        assert verify_consistency(m, n, old_root, new_root, genuine)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_consistency_proof_with_a_flipped_byte_is_rejected(sizes):
    for m, n, genuine, old_root, new_root in pairs_of(sizes):
        for position in range(len(genuine)):
            tampered = flipped(genuine, position)
            assert not verify_consistency(m, n, old_root, new_root, tampered)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_consistency_proof_against_a_wrong_root_is_rejected(sizes):
    wrong = leaf_hash(b"a forked log")
    for m, n, genuine, old_root, new_root in pairs_of(sizes):
        assert not verify_consistency(m, n, wrong, new_root, genuine)
        assert not verify_consistency(m, n, old_root, wrong, genuine)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_consistency_proof_for_other_sizes_is_rejected(sizes):
    for m, n, genuine, _, _ in pairs_of(sizes):
        for old, new in ((m - 1, n), (m + 1, n), (m, n - 1), (m, n + 1)):
            if 0 < old < new <= MAX_SIZE:
                assert not verify_consistency(old, new, mth(0, old), mth(0, new), genuine)


@pytest.mark.parametrize("sizes", SIZE_BLOCKS, ids=BLOCK_IDS)
def test_truncated_or_extended_consistency_proof_is_rejected(sizes):
    for m, n, genuine, old_root, new_root in pairs_of(sizes):
        for tampered in (genuine[:-1], genuine[1:], [*genuine, new_root], [old_root, *genuine]):
            assert not verify_consistency(m, n, old_root, new_root, tampered)


@pytest.mark.parametrize("size", [1, 7, 64])
def test_a_tree_is_consistent_with_itself_by_an_empty_proof(size):
    assert TREE.consistency_proof(size, size) == []
    assert verify_consistency(size, size, mth(0, size), mth(0, size), [])


def test_equal_sizes_with_different_roots_are_not_consistent():
    assert not verify_consistency(5, 5, mth(0, 5), mth(0, 6), [])


def test_equal_sizes_with_a_non_empty_proof_are_not_consistent():
    assert not verify_consistency(5, 5, mth(0, 5), mth(0, 5), [mth(0, 1)])


def test_the_empty_tree_is_consistent_with_any_tree():
    assert TREE.consistency_proof(0, 9) == []
    assert verify_consistency(0, 9, EMPTY_ROOT, mth(0, 9), [])


def test_size_zero_must_carry_the_empty_root():
    assert not verify_consistency(0, 9, mth(0, 1), mth(0, 9), [])


def test_shrinking_tree_is_not_consistent():
    assert not verify_consistency(9, 5, mth(0, 9), mth(0, 5), proof(5, 9))


# --- The tree refuses what it cannot answer.


@pytest.mark.parametrize(("index", "size"), [(-1, 5), (5, 5), (0, MAX_SIZE + 1), (0, -1)])
def test_inclusion_proof_outside_the_tree_is_refused(index, size):
    with pytest.raises(MerkleTreeError):
        TREE.inclusion_proof(index, size)


@pytest.mark.parametrize(("old", "new"), [(-1, 5), (6, 5), (1, MAX_SIZE + 1)])
def test_consistency_proof_outside_the_tree_is_refused(old, new):
    with pytest.raises(MerkleTreeError):
        TREE.consistency_proof(old, new)


def test_root_beyond_the_tree_is_refused():
    with pytest.raises(MerkleTreeError):
        TREE.root(MAX_SIZE + 1)


@pytest.mark.parametrize("length", [0, 31, 33])
def test_leaf_hash_of_wrong_length_is_refused(length):
    with pytest.raises(MerkleTreeError):
        MerkleTree().append(b"\x00" * length)
