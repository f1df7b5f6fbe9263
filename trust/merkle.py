"""RFC 9162 Merkle tree hashes, inclusion and consistency proofs, and their verifiers.

The tree keeps the hash of every complete, aligned subtree, level by level, packed in one
bytearray per level (about 64 bytes per leaf, some 64 MB for a million leaves), so the root at
any past size and every proof take O(log² n) hashing.

Verifiers return ``bool`` and never raise: a proof from outside is untrusted input, and a
malformed one (wrong hash length, impossible sizes, too long or too short) is simply not
valid. Asking the tree for a proof it cannot give raises MerkleTreeError.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

from trust.errors import MerkleTreeError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}) = HASH()


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1: the hash of a leaf entry, SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes | bytearray, right: bytes | bytearray) -> bytes:
    """RFC 9162 §2.1.1: the hash of an interior node, SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_leaf_hashes(leaf_hashes: Iterable[bytes]) -> bytes:
    """Return the Merkle tree hash (MTH) of a list of leaf hashes."""
    return MerkleTree(leaf_hashes).root()


Node = tuple[int, int]
"""(level, index): the complete, aligned subtree D[index·2^level : (index+1)·2^level]."""
Range = tuple[int, int]
"""[start, end) of leaf indices whose Merkle tree hash a proof or root needs."""


def range_hash(start: int, end: int, node: Callable[[Node], bytes]) -> bytes:
    """MTH(D[start:end]) from the hashes of the complete subtrees it splits into, as RFC 9162
    splits it; ``node`` gives the hash of one."""
    width = end - start
    level = width.bit_length() - 1
    if width == 1 << level and start % width == 0:
        return node((level, start >> level))
    k = split(width)
    return node_hash(range_hash(start, start + k, node), range_hash(start + k, end, node))


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """RFC 9162 §2.1.3.1: the subtrees whose hashes make PATH(index, D[0:size]), sibling first."""
    if not 0 <= index < size:
        raise MerkleTreeError(f"leaf {index} is not in a tree of size {size}", index=index)
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """RFC 9162 §2.1.4.1: the subtrees whose hashes make PROOF(old_size, D[0:new_size])."""
    if not 0 <= old_size <= new_size:
        raise MerkleTreeError(
            f"no consistency proof from size {old_size} to {new_size}",
            old_size=old_size,
            new_size=new_size,
        )
    if old_size in (0, new_size):
        return []
    ranges: list[Range] = []
    start, end, m, complete = 0, new_size, old_size, True
    while m != end - start:
        k = split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


class MerkleTree:
    """An append-only Merkle tree over leaf hashes that can answer for any size it has had."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        # Level k packs, 32 bytes each, the hash of every complete subtree [i·2^k, (i+1)·2^k).
        self._levels: list[bytearray] = [bytearray()]
        for hashed in leaf_hashes:
            self.append(hashed)

    @property
    def size(self) -> int:
        return len(self._levels[0]) // HASH_SIZE

    def append(self, hashed_leaf: bytes) -> None:
        """Add a leaf by its leaf hash (see ``leaf_hash``)."""
        if len(hashed_leaf) != HASH_SIZE:
            raise MerkleTreeError(f"a leaf hash is {HASH_SIZE} bytes", length=len(hashed_leaf))
        self._levels[0] += hashed_leaf
        level = 0
        while len(self._levels[level]) % (2 * HASH_SIZE) == 0:
            below = self._levels[level]
            if level + 1 == len(self._levels):
                self._levels.append(bytearray())
            self._levels[level + 1] += node_hash(
                below[-2 * HASH_SIZE : -HASH_SIZE], below[-HASH_SIZE:]
            )
            level += 1

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        if not 0 <= index < self.size:
            raise MerkleTreeError(f"leaf {index} is not in a tree of size {self.size}", index=index)
        return self._node((0, index))

    def root(self, size: int | None = None) -> bytes:
        """Return the root hash of the tree when it had ``size`` leaves (default: now)."""
        size = self.size if size is None else size
        self._check_size(size)
        return self._hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.3.1: PATH(index, D[0:size]), leaf's sibling first."""
        size = self.size if size is None else size
        self._check_size(size)
        return [self._hash(start, end) for start, end in inclusion_ranges(index, size)]

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.4.1: PROOF(old_size, D[0:new_size]); empty if there is nothing to prove."""
        new_size = self.size if new_size is None else new_size
        self._check_size(new_size)
        return [self._hash(start, end) for start, end in consistency_ranges(old_size, new_size)]

    def _hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]), looking up complete aligned subtrees instead of rehashing them."""
        return range_hash(start, end, self._node)

    def _node(self, node: Node) -> bytes:
        level, position = node
        offset = position * HASH_SIZE
        return bytes(self._levels[level][offset : offset + HASH_SIZE])

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise MerkleTreeError(
                f"the tree has {self.size} leaves, not {size}", size=size, tree_size=self.size
            )


def verify_inclusion(
    hashed_leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show the leaf at ``index`` in the tree with ``root``?"""
    if not 0 <= index < size or not _well_formed(hashed_leaf, root, *proof):
        return False
    fn, sn, r = index, size - 1, hashed_leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``new_size`` an append-only extension of ``old_size``?

    The RFC's algorithm covers 0 < old_size < new_size. Outside it, nothing needs proving and the
    proof must be empty: equal sizes need equal roots, and size 0 needs the empty tree's root.
    """
    if not 0 <= old_size <= new_size or not _well_formed(old_root, new_root, *proof):
        return False
    if old_size == 0 or old_size == new_size:
        trivial = old_root == EMPTY_ROOT if old_size == 0 else old_root == new_root
        return not proof and trivial
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


def split(n: int) -> int:
    """The largest power of two strictly less than ``n`` (for n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _well_formed(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)
