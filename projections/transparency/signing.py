"""Signing the transparency log's checkpoints: only a tree that provably extends the last
signed one is signed, so a changed leaf or node is found before it could be vouched for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from projections.stores.protocol import Transaction
from projections.transparency.records import LogIntegrityError, SignedCheckpoint, b64
from projections.transparency.storage import (
    latest_checkpoint,
    locked_position,
    size_of,
    tree_of,
)
from trust.checkpoint import open_checkpoint, sign_checkpoint
from trust.errors import MerkleTreeError
from trust.log_store import StoredTree
from trust.merkle import verify_consistency


@dataclass(frozen=True)
class CheckpointSigner:
    """Signs checkpoints of one log: its origin, the name and keys it signs with."""

    origin: str
    key_name: str
    public_key: Ed25519PublicKey
    signing_key: Ed25519PrivateKey

    def sign_if_grown(
        self, tx: Transaction, row_lock: str, clock: Callable[[], datetime]
    ) -> SignedCheckpoint:
        """Within ``tx``: sign the tree if it grew since the last checkpoint, and store that
        checkpoint; return the latest. ``row_lock`` locks the log's tracking row: one signer
        at a time, and no batch half-way."""
        locked_position(tx, row_lock)
        size = size_of(tx)
        latest = latest_checkpoint(tx)
        if latest is not None and latest.size == size:
            return latest
        if latest is not None and latest.size > size:
            raise LogIntegrityError(
                f"the log holds {size} leaves but a checkpoint of size {latest.size} "
                "was signed: leaves were deleted"
            )
        tree = tree_of(tx, size)
        try:
            root = tree.root()
            if latest is not None:
                self._check_extends(latest, tree, root)
        except MerkleTreeError as error:
            raise LogIntegrityError(f"the stored tree is damaged: {error}") from error
        signed = SignedCheckpoint(
            size,
            root,
            sign_checkpoint(self.origin, size, root, self.key_name, self.signing_key),
            clock().astimezone(UTC),
        )
        tx.execute(
            "INSERT INTO tlog_checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)",
            (signed.size, b64(signed.root), signed.note, signed.signed_at.isoformat()),
        )
        return signed

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
