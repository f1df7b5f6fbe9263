"""The transparency log's rows as the log reads them: its position (locked for a writer), its
size, its latest checkpoint, and the stored tree's node hashes, many in one query.

``TransparencyLog`` (``log.py``) builds, answers and signs with these; they take an open
``Transaction`` and hold no state.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import TypeVar

from projections.stores.protocol import Transaction
from projections.transparency.records import SignedCheckpoint, checkpoint_of, unb64
from trust.log_store import NodeReader, StoredTree
from trust.merkle import Node

T = TypeVar("T")

LOG_NAME = "transparency_log"
LOG_VERSION = 1
# The same DDL as the projection runner's, so whichever starts first makes the table.
TRACKING_TABLE = """
CREATE TABLE IF NOT EXISTS projection_tracking (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    position BIGINT NOT NULL
)"""
LEAF_COLUMNS = ("leaf_index", "position", "aggregate_id", "version", "leaf", "leaf_hash")
_PARAMS_PER_SELECT = 400


def locked_position(tx: Transaction, row_lock: str) -> int:
    """The log's position, its tracking row locked (``row_lock``: the store's ``FOR UPDATE``)."""
    rows = tx.query(
        "SELECT position FROM projection_tracking WHERE name = ?" + row_lock, (LOG_NAME,)
    )
    return int(rows[0][0])


def size_of(tx: Transaction) -> int:
    """How many leaves the log holds."""
    rows = tx.query("SELECT MAX(leaf_index) FROM tlog_leaves")
    return 0 if rows[0][0] is None else int(rows[0][0]) + 1


def tree_of(tx: Transaction, size: int | None = None) -> StoredTree:
    """The stored tree (at ``size``, or as it stands), read through ``tx``."""
    return StoredTree(size_of(tx) if size is None else size, node_reader(tx))


def latest_checkpoint(tx: Transaction) -> SignedCheckpoint | None:
    rows = tx.query(
        "SELECT size, root, note, signed_at FROM tlog_checkpoints ORDER BY size DESC LIMIT 1"
    )
    return checkpoint_of(rows[0]) if rows else None


def node_reader(tx: Transaction) -> NodeReader:
    """Reads the hashes of many nodes at once: leaves from ``tlog_leaves``, the complete
    subtrees above them from ``tlog_nodes``."""

    def read(wanted: Collection[Node]) -> dict[Node, bytes]:
        found: dict[Node, bytes] = {}
        leaves = sorted(idx for level, idx in wanted if level == 0)
        for part in _chunks(leaves, _PARAMS_PER_SELECT):
            marks = ", ".join("?" * len(part))
            for idx, hashed in tx.query(
                f"SELECT leaf_index, leaf_hash FROM tlog_leaves WHERE leaf_index IN ({marks})",
                part,
            ):
                found[(0, int(idx))] = unb64(hashed)
        inner = sorted(node for node in wanted if node[0] > 0)
        for nodes in _chunks(inner, _PARAMS_PER_SELECT // 2):
            where = " OR ".join(["(level = ? AND idx = ?)"] * len(nodes))
            params = [value for node in nodes for value in node]
            for level, idx, hashed in tx.query(
                f"SELECT level, idx, hash FROM tlog_nodes WHERE {where}", params
            ):
                found[(int(level), int(idx))] = unb64(hashed)
        return found

    return read


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
