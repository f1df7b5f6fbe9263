"""A tree read node by node from storage answers exactly as the in-memory tree does."""

from __future__ import annotations

import pytest

from trust.errors import MerkleTreeError
from trust.log_store import Frontier, StoredTree, nodes_for, range_nodes
from trust.merkle import EMPTY_ROOT, MerkleTree, leaf_hash

LEAVES = [leaf_hash(f"服务记录 {i}".encode()) for i in range(70)]


def stored_nodes(leaves):
    frontier, nodes = Frontier(), {}
    for hashed in leaves:
        nodes.update(frontier.append(hashed))
    return frontier, nodes


def reader(nodes, reads=None):
    def read(wanted):
        if reads is not None:
            reads.append(len(wanted))
        return {node: nodes[node] for node in wanted if node in nodes}

    return read


def test_the_frontier_root_is_the_merkle_root_at_every_size():
    frontier = Frontier()
    assert frontier.root() == EMPTY_ROOT
    for size, hashed in enumerate(LEAVES, start=1):
        frontier.append(hashed)
        assert frontier.root() == MerkleTree(LEAVES[:size]).root()


def test_n_leaves_make_fewer_than_2n_nodes():
    _, nodes = stored_nodes(LEAVES)
    assert len(nodes) < 2 * len(LEAVES)


def test_stored_roots_and_proofs_equal_the_in_memory_trees():
    _, nodes = stored_nodes(LEAVES)
    memory = MerkleTree(LEAVES)
    stored = StoredTree(len(LEAVES), reader(nodes))
    for size in range(1, len(LEAVES) + 1):
        assert stored.root(size) == memory.root(size)
        for index in range(size):
            assert stored.inclusion_proof(index, size) == memory.inclusion_proof(index, size)
        for old in range(size + 1):
            assert stored.consistency_proof(old, size) == memory.consistency_proof(old, size)


def test_a_proof_reads_few_nodes_in_one_go():
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(5000)]
    _, nodes = stored_nodes(leaves)
    reads = []
    StoredTree(len(leaves), reader(nodes, reads)).inclusion_proof(1234, 4999)
    assert len(reads) == 1
    assert reads[0] < 13**2


def test_a_frontier_restarts_from_its_stored_nodes():
    _, nodes = stored_nodes(LEAVES[:45])
    resumed = StoredTree(45, reader(nodes)).frontier()
    for hashed in LEAVES[45:]:
        nodes.update(resumed.append(hashed))
    assert resumed.root() == MerkleTree(LEAVES).root()
    assert StoredTree(70, reader(nodes)).root() == MerkleTree(LEAVES).root()


def test_missing_nodes_are_an_error_not_a_wrong_answer():
    _, nodes = stored_nodes(LEAVES)
    del nodes[(6, 0)]
    with pytest.raises(MerkleTreeError):
        StoredTree(len(LEAVES), reader(nodes)).root()


def test_sizes_beyond_the_tree_are_refused():
    _, nodes = stored_nodes(LEAVES)
    with pytest.raises(MerkleTreeError):
        StoredTree(len(LEAVES), reader(nodes)).root(len(LEAVES) + 1)


def test_range_nodes_of_the_whole_tree_are_the_binary_digits_of_its_size():
    assert range_nodes(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert nodes_for([(0, 13), (8, 12)]) == {(3, 0), (2, 2), (0, 12)}
