"""An RFC 9162 tree kept as its complete subtrees, so a stored log answers without loading it.

Node ``(level, index)`` is the hash of the complete, aligned subtree
D[index·2^level : (index+1)·2^level]; level 0 holds the leaf hashes. Appending leaf n creates
its node and one more for each level at which it completes a subtree, so n leaves make fewer
than 2n nodes, and a node never changes once made. Every root and every inclusion or
consistency proof, at any size the tree has had, is a function of O(log² n) of these nodes:
this module says which (``nodes_for``), a store reads them in one go, and the same functions
compute the answer from them. Nothing here touches storage.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from trust.errors import MerkleTreeError
from trust.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Node,
    Range,
    consistency_ranges,
    inclusion_ranges,
    node_hash,
    range_hash,
    split,
)

NodeReader = Callable[[Collection[Node]], Mapping[Node, bytes]]
"""Reads the hashes of the nodes asked for (all of them, or the tree is corrupt)."""


def range_nodes(start: int, end: int) -> list[Node]:
    """The complete subtrees MTH(D[start:end]) is made of, left to right, as RFC 9162 splits it."""
    width = end - start
    level = width.bit_length() - 1
    if width == 1 << level and start % width == 0:
        return [(level, start >> level)]
    k = split(width)
    return range_nodes(start, start + k) + range_nodes(start + k, end)


def nodes_for(ranges: Iterable[Range]) -> set[Node]:
    """Every node the hashes of these ranges need."""
    return {node for start, end in ranges for node in range_nodes(start, end)}


class Frontier:
    """The right edge of a tree: enough to append leaves and to know the root, in O(log n).

    ``append`` returns the nodes it made (the leaf's own, and each subtree it completed), which
    a store writes beside the leaf.
    """

    def __init__(self, size: int = 0, nodes: Mapping[Node, bytes] | None = None) -> None:
        if size < 0:
            raise MerkleTreeError("a tree size is not negative", size=size)
        wanted = range_nodes(0, size) if size else []
        known = nodes or {}
        missing = [node for node in wanted if node not in known]
        if missing:
            raise MerkleTreeError("the frontier lacks some of its nodes", missing=missing)
        self._size = size
        # Levels strictly decrease from left to right: the binary digits of the size.
        self._edge: list[tuple[int, int, bytes]] = [(lvl, i, known[(lvl, i)]) for lvl, i in wanted]

    @property
    def size(self) -> int:
        return self._size

    def append(self, hashed_leaf: bytes) -> list[tuple[Node, bytes]]:
        if len(hashed_leaf) != HASH_SIZE:
            raise MerkleTreeError(f"a leaf hash is {HASH_SIZE} bytes", length=len(hashed_leaf))
        made: list[tuple[Node, bytes]] = [((0, self._size), hashed_leaf)]
        self._edge.append((0, self._size, hashed_leaf))
        while len(self._edge) > 1 and self._edge[-1][0] == self._edge[-2][0]:
            level, _, right = self._edge.pop()
            _, left_index, left = self._edge.pop()
            parent = (level + 1, left_index >> 1, node_hash(left, right))
            self._edge.append(parent)
            made.append(((parent[0], parent[1]), parent[2]))
        self._size += 1
        return made

    def root(self) -> bytes:
        if not self._edge:
            return EMPTY_ROOT
        root = self._edge[-1][2]
        for _, _, hashed in reversed(self._edge[:-1]):
            root = node_hash(hashed, root)
        return root


class StoredTree:
    """Roots and proofs of a tree of ``size`` leaves whose nodes a store reads on demand."""

    def __init__(self, size: int, read: NodeReader) -> None:
        self.size = size
        self._read = read

    def root(self, size: int | None = None) -> bytes:
        size = self._checked(size)
        return self._hashes([(0, size)])[0] if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return self._hashes(inclusion_ranges(index, self._checked(size)))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return self._hashes(consistency_ranges(old_size, self._checked(new_size)))

    def frontier(self) -> Frontier:
        wanted = range_nodes(0, self.size) if self.size else []
        return Frontier(self.size, self._read(wanted) if wanted else {})

    def _hashes(self, ranges: list[Range]) -> list[bytes]:
        wanted = nodes_for(ranges)
        found = self._read(wanted) if wanted else {}
        missing = wanted - set(found)
        if missing:
            raise MerkleTreeError("the store lacks nodes of its tree", missing=sorted(missing))
        if any(len(found[node]) != HASH_SIZE for node in wanted):
            raise MerkleTreeError(f"a stored node hash is not {HASH_SIZE} bytes")
        return [range_hash(start, end, found.__getitem__) for start, end in ranges]

    def _checked(self, size: int | None) -> int:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise MerkleTreeError(
                f"the tree has {self.size} leaves, not {size}", size=size, tree_size=self.size
            )
        return size
