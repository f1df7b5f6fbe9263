"""The transparency log: an RFC 9162 Merkle tree over every stored event, with signed checkpoints.

It follows the notification log like a projection (its position is the ``transparency_log``
row of ``projection_tracking``) and makes one leaf per event, in the store's global order, with
a dense leaf index of its own: notification ids may have gaps, leaf indices never do. In the
read-model store it keeps

    tlog_leaves(leaf_index, position, aggregate_id, version, leaf, leaf_hash)
    tlog_nodes(level, idx, hash)          complete subtrees above the leaves (level ≥ 1)
    tlog_checkpoints(size, root, note, signed_at)
    tlog_meta(name, value)                the origin, verifier key and salt-key fingerprint

so a root or proof at any size reads O(log² n) rows. A batch's leaves, nodes and position are
written in one transaction that first locks the tracking row: several processes may follow one
store and none appends twice. Hashes are base64 TEXT and a leaf is its canonical JSON as TEXT,
so the same SQL runs on SQLite and PostgreSQL.

Its tables, records and errors are in ``projections.transparency.records``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder, Mapper

from projections.stores.protocol import Row, Transaction, ViewStore
from projections.transparency.leaves import leaf_for, salt_key_fingerprint
from projections.transparency.records import (
    TABLES,
    LogConfigurationError,
    LogIntegrityError,
    SignedCheckpoint,
    StoredLeaf,
    b64,
    checkpoint_of,
    stored_leaf,
    unb64,
)
from trust.checkpoint import open_checkpoint, sign_checkpoint, vkey
from trust.errors import MerkleTreeError
from trust.log_store import NodeReader, StoredTree
from trust.merkle import Node, leaf_hash, verify_consistency

T = TypeVar("T")

LOG_NAME = "transparency_log"
LOG_VERSION = 1
DEFAULT_ORIGIN = "volunteer-ledger.local/log"

# The same DDL as the projection runner's, so whichever starts first makes the table.
TRACKING_TABLE = """
CREATE TABLE IF NOT EXISTS projection_tracking (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    position BIGINT NOT NULL
)"""
LEAF_COLUMNS = ("leaf_index", "position", "aggregate_id", "version", "leaf", "leaf_hash")
_PARAMS_PER_SELECT = 400


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TransparencyLog:
    """Builds the log from one ledger's store and answers for it; signs if given a key."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        mapper: Mapper[UUID],
        views: ViewStore,
        *,
        salt_key: bytes,
        public_key: Ed25519PublicKey,
        signing_key: Ed25519PrivateKey | None = None,
        origin: str = DEFAULT_ORIGIN,
        key_name: str | None = None,
        batch_size: int = 500,
        clock: Callable[[], datetime] = _utc_now,
        read_only: bool = False,
    ) -> None:
        """``read_only`` opens an existing log to read and check it: no table is created, no
        key recorded, nothing appended or signed."""
        self.recorder = recorder
        self.mapper = mapper
        self.views = views
        self.origin = origin
        self.key_name = key_name or origin
        self.public_key = public_key
        self.batch_size = batch_size
        self._salt_key = salt_key
        self._signing_key = signing_key
        self._clock = clock
        if signing_key is not None and (
            signing_key.public_key().public_bytes_raw() != public_key.public_bytes_raw()
        ):
            raise LogConfigurationError("the signing key does not belong to the public key")
        self.vkey = vkey(self.key_name, public_key)
        self.read_only = read_only
        if read_only:
            if signing_key is not None:
                raise LogConfigurationError("a read-only log takes no signing key")
            return
        with views.transaction() as tx:
            views.serialise_setup(tx)
            tx.execute(TRACKING_TABLE)
            for statement in TABLES:
                tx.execute(statement)
            self._claim(tx)

    def _claim(self, tx: Transaction) -> None:
        """Record which origin and keys the log is built with, or check they are the same."""
        wanted = {
            "origin": self.origin,
            "vkey": self.vkey,
            "salt_key": salt_key_fingerprint(self._salt_key),
        }
        rows = tx.query("SELECT name, value FROM tlog_meta" + self.views.row_lock)
        found: dict[str, str] = {str(name): str(value) for name, value in rows}
        for name, value in wanted.items():
            if name not in found:
                tx.execute("INSERT INTO tlog_meta (name, value) VALUES (?, ?)", (name, value))
            elif found[name] != value:
                raise LogConfigurationError(
                    f"this log was built with another {name.replace('_', ' ')}: use the key "
                    "files (and origin) it was started with"
                )
        if not tx.query("SELECT 1 FROM projection_tracking WHERE name = ?", (LOG_NAME,)):
            tx.execute(
                "INSERT INTO projection_tracking (name, version, position) VALUES (?, ?, 0)",
                (LOG_NAME, LOG_VERSION),
            )

    # Building.

    def catch_up(
        self,
        on_batch: Callable[[int, int], None] | None = None,
        *,
        stop: threading.Event | None = None,
    ) -> int:
        """Append a leaf for every stored event not yet in the log; returns how many.

        ``on_batch(appended, position)`` is called after each committed batch; ``stop`` ends
        the work between batches.
        """
        if self.read_only:
            raise LogConfigurationError("this log was opened read-only")
        done = 0
        while stop is None or not stop.is_set():
            appended = self._append_batch()
            if appended is None:
                break
            done += appended
            if on_batch is not None and appended:
                on_batch(appended, self.position())
        return done

    def _append_batch(self) -> int | None:
        """One batch in one transaction: 0 if another process got there first, None at the end."""
        position = self.position()
        notifications = self.recorder.select_notifications(
            start=position + 1, limit=self.batch_size
        )
        if not notifications:
            return None
        leaves = [
            leaf_for(n, self.mapper.to_domain_event(n), self._salt_key) for n in notifications
        ]
        with self.views.batch() as tx:
            if self._locked_position(tx) != position:
                return 0
            size = self._size(tx)
            frontier = StoredTree(size, self._reader(tx)).frontier()
            leaf_rows: list[Row] = []
            node_rows: list[Row] = []
            for offset, (notification, data) in enumerate(zip(notifications, leaves, strict=True)):
                hashed = leaf_hash(data)
                leaf_rows.append(
                    (
                        size + offset,
                        notification.id,
                        str(notification.originator_id),
                        notification.originator_version,
                        data.decode(),
                        b64(hashed),
                    )
                )
                for (level, idx), node in frontier.append(hashed):
                    if level:
                        node_rows.append((level, idx, b64(node)))
            tx.insert_many("tlog_leaves", LEAF_COLUMNS, leaf_rows)
            tx.insert_many("tlog_nodes", ("level", "idx", "hash"), node_rows)
            tx.execute(
                "UPDATE projection_tracking SET position = ? WHERE name = ?",
                (notifications[-1].id, LOG_NAME),
            )
        return len(notifications)

    # Reading.

    def position(self) -> int:
        """The notification id of the last event in the log (0 for none)."""
        rows = self.views.query(
            "SELECT position FROM projection_tracking WHERE name = ?", (LOG_NAME,)
        )
        return int(rows[0][0]) if rows else 0

    def size(self) -> int:
        with self.views.transaction() as tx:
            return self._size(tx)

    def leaf(self, index: int) -> StoredLeaf | None:
        found = self.leaves(index, 1)
        return found[0] if found and found[0].index == index else None

    def leaves(self, start: int, limit: int) -> list[StoredLeaf]:
        """Leaves from index ``start`` on, in index order."""
        rows = self.views.query(
            "SELECT leaf_index, position, aggregate_id, version, leaf, leaf_hash FROM tlog_leaves "
            "WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?",
            (start, limit),
        )
        return [stored_leaf(row) for row in rows]

    def leaves_of(self, aggregate_id: str) -> list[StoredLeaf]:
        """One aggregate's leaves (its events), oldest first."""
        rows = self.views.query(
            "SELECT leaf_index, position, aggregate_id, version, leaf, leaf_hash FROM tlog_leaves "
            "WHERE aggregate_id = ? ORDER BY leaf_index",
            (aggregate_id,),
        )
        return [stored_leaf(row) for row in rows]

    @contextmanager
    def tree(self) -> Iterator[StoredTree]:
        """The tree as it stands, read in one transaction: for many roots or proofs at once."""
        with self.views.transaction() as tx:
            yield self._tree(tx)

    def root(self, size: int | None = None) -> bytes:
        with self.views.transaction() as tx:
            return self._tree(tx).root(size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        with self.views.transaction() as tx:
            return self._tree(tx).inclusion_proof(index, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        with self.views.transaction() as tx:
            return self._tree(tx).consistency_proof(old_size, new_size)

    def latest_checkpoint(self) -> SignedCheckpoint | None:
        with self.views.transaction() as tx:
            return self._latest(tx)

    def checkpoint(self, size: int) -> SignedCheckpoint | None:
        rows = self.views.query(
            "SELECT size, root, note, signed_at FROM tlog_checkpoints WHERE size = ?", (size,)
        )
        return checkpoint_of(rows[0]) if rows else None

    def checkpoints(self, after_size: int = -1, limit: int = 100) -> list[SignedCheckpoint]:
        """Signed checkpoints in order of size (the order they were signed in)."""
        rows = self.views.query(
            "SELECT size, root, note, signed_at FROM tlog_checkpoints WHERE size > ? "
            "ORDER BY size LIMIT ?",
            (after_size, limit),
        )
        return [checkpoint_of(row) for row in rows]

    # Signing.

    def sign_checkpoint_if_grown(self) -> SignedCheckpoint:
        """Sign the tree as it stands if it grew since the last checkpoint; return the latest.

        Refuses (LogIntegrityError) unless the tree provably extends the last signed one.
        """
        if self._signing_key is None:
            raise LogConfigurationError("this log was opened without its signing key")
        with self.views.transaction() as tx:
            self._locked_position(tx)  # one signer at a time, and no batch half-way
            size = self._size(tx)
            latest = self._latest(tx)
            if latest is not None and latest.size == size:
                return latest
            if latest is not None and latest.size > size:
                raise LogIntegrityError(
                    f"the log holds {size} leaves but a checkpoint of size {latest.size} "
                    "was signed: leaves were deleted"
                )
            tree = self._tree(tx, size)
            try:
                root = tree.root()
                if latest is not None:
                    self._check_extends(latest, tree, root)
            except MerkleTreeError as error:
                raise LogIntegrityError(f"the stored tree is damaged: {error}") from error
            signed = SignedCheckpoint(
                size,
                root,
                sign_checkpoint(self.origin, size, root, self.key_name, self._signing_key),
                self._clock().astimezone(UTC),
            )
            tx.execute(
                "INSERT INTO tlog_checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)",
                (signed.size, b64(signed.root), signed.note, signed.signed_at.isoformat()),
            )
        return signed

    def refresh(self, stop: threading.Event | None = None) -> SignedCheckpoint:
        """Catch up with the store, then sign if the log grew: the freshest checkpoint."""
        self.catch_up(stop=stop)
        return self.sign_checkpoint_if_grown()

    def _check_extends(self, latest: SignedCheckpoint, tree: StoredTree, root: bytes) -> None:
        opened = open_checkpoint(latest.note, self.origin, self.key_name, self.public_key)
        if opened is None or opened.size != latest.size:
            raise LogIntegrityError(
                f"the stored checkpoint of size {latest.size} does not carry this log's signature"
            )
        proof = tree.consistency_proof(opened.size)
        if not verify_consistency(opened.size, tree.size, opened.root, root, proof):
            raise LogIntegrityError(
                f"the tree of size {tree.size} does not extend the signed checkpoint of size "
                f"{opened.size}: stored leaves or nodes were changed; nothing was signed"
            )

    # Storage.

    def _locked_position(self, tx: Transaction) -> int:
        rows = tx.query(
            "SELECT position FROM projection_tracking WHERE name = ?" + self.views.row_lock,
            (LOG_NAME,),
        )
        return int(rows[0][0])

    @staticmethod
    def _size(tx: Transaction) -> int:
        rows = tx.query("SELECT MAX(leaf_index) FROM tlog_leaves")
        return 0 if rows[0][0] is None else int(rows[0][0]) + 1

    def _tree(self, tx: Transaction, size: int | None = None) -> StoredTree:
        return StoredTree(self._size(tx) if size is None else size, self._reader(tx))

    @staticmethod
    def _latest(tx: Transaction) -> SignedCheckpoint | None:
        rows = tx.query(
            "SELECT size, root, note, signed_at FROM tlog_checkpoints ORDER BY size DESC LIMIT 1"
        )
        return checkpoint_of(rows[0]) if rows else None

    @staticmethod
    def _reader(tx: Transaction) -> NodeReader:
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
