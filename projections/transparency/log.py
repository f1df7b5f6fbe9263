"""The transparency log: an RFC 9162 Merkle tree over every stored event, with signed checkpoints.

It follows the notification log like a projection (its position is the ``transparency_log``
row of ``projection_tracking``) and makes one leaf per event, in the store's global order, with
a dense leaf index of its own: notification ids may have gaps, leaf indices never do. In the
read-model store it keeps

    tlog_leaves(leaf_index, position, aggregate_id, version, leaf, leaf_hash)
    tlog_nodes(level, idx, hash)          complete subtrees above the leaves (level ≥ 1)
    tlog_checkpoints(size, root, note, signed_at)
    tlog_meta(name, value)                the origin, verifier key, salt-key fingerprint and
                                          leaf format

``aggregate_id`` and ``version`` are this table's own, to find an aggregate's leaves: no public
leaf shows them (``trust.leaf``). A log built with another leaf format is refused, never read.

so a root or proof at any size reads O(log² n) rows. A batch's leaves, nodes and position are
written in one transaction that first locks the tracking row: several processes may follow one
store and none appends twice. Hashes are base64 TEXT and a leaf is its canonical JSON as TEXT,
so the same SQL runs on SQLite and PostgreSQL.

Its tables, records and errors are in ``projections.transparency.records``; the queries it
reads its own rows with in ``projections.transparency.storage``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder, Mapper

from projections.stores.protocol import Row, Transaction, ViewStore
from projections.transparency.leaves import leaf_for, openings_for, salt_key_fingerprint
from projections.transparency.records import (
    LEAF_FORMAT,
    TABLES,
    LogConfigurationError,
    SignedCheckpoint,
    StoredLeaf,
    b64,
    check_leaf_format,
    checkpoint_of,
    stored_leaf,
)
from projections.transparency.signing import CheckpointSigner
from projections.transparency.storage import (
    LEAF_COLUMNS,
    LOG_NAME,
    LOG_VERSION,
    TRACKING_TABLE,
    latest_checkpoint,
    locked_position,
    node_reader,
    size_of,
    tree_of,
)
from trust.checkpoint import vkey
from trust.leaf import LEAF_FORMAT_VERSION, holder_tag
from trust.log_store import StoredTree
from trust.merkle import leaf_hash

DEFAULT_ORIGIN = "volunteer-ledger.local/log"


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
            LEAF_FORMAT: str(LEAF_FORMAT_VERSION),
        }
        rows = tx.query("SELECT name, value FROM tlog_meta" + self.views.row_lock)
        found: dict[str, str] = {str(name): str(value) for name, value in rows}
        check_leaf_format(found)
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
            if locked_position(tx, self.views.row_lock) != position:
                return 0
            size = size_of(tx)
            frontier = StoredTree(size, node_reader(tx)).frontier()
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
            return size_of(tx)

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

    def openings(self, leaf: StoredLeaf) -> dict[str, Any]:
        """The salts and values that open one leaf's commitments: for a certificate's evidence."""
        (notification,) = self.recorder.select_notifications(
            start=leaf.position, limit=1, stop=leaf.position
        )
        event = self.mapper.to_domain_event(notification)
        return openings_for(notification, event, self._salt_key)

    def holder(self, volunteer_id: str) -> str:
        """The holder tag a volunteer's leaves commit to (shown in their certificates only)."""
        return holder_tag(self._salt_key, volunteer_id)

    @contextmanager
    def tree(self) -> Iterator[StoredTree]:
        """The tree as it stands, read in one transaction: for many roots or proofs at once."""
        with self.views.transaction() as tx:
            yield tree_of(tx)

    def root(self, size: int | None = None) -> bytes:
        with self.views.transaction() as tx:
            return tree_of(tx).root(size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        with self.views.transaction() as tx:
            return tree_of(tx).inclusion_proof(index, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        with self.views.transaction() as tx:
            return tree_of(tx).consistency_proof(old_size, new_size)

    def latest_checkpoint(self) -> SignedCheckpoint | None:
        with self.views.transaction() as tx:
            return latest_checkpoint(tx)

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
        signer = CheckpointSigner(self.origin, self.key_name, self.public_key, self._signing_key)
        with self.views.transaction() as tx:
            return signer.sign_if_grown(tx, self.views.row_lock, self._clock)

    def refresh(self, stop: threading.Event | None = None) -> SignedCheckpoint:
        """Catch up with the store, then sign if the log grew: the freshest checkpoint."""
        self.catch_up(stop=stop)
        return self.sign_checkpoint_if_grown()
