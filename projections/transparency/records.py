"""The transparency log's stored shapes: its tables, the records read back, and its errors.

    TransparencyLogError
    ├── LogIntegrityError       the stored tree does not extend what was signed: nothing is signed
    └── LogConfigurationError   keys, origin or leaf format differ from the log's, or the log is
                                read-only

Hashes are stored as base64 TEXT and a leaf as its canonical JSON TEXT, so the same SQL runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from projections.stores.protocol import Row
from trust.leaf import LEAF_FORMAT_VERSION

TABLES = (
    """CREATE TABLE IF NOT EXISTS tlog_leaves (
        leaf_index BIGINT PRIMARY KEY, position BIGINT NOT NULL UNIQUE,
        aggregate_id TEXT NOT NULL, version INTEGER NOT NULL,
        leaf TEXT NOT NULL, leaf_hash TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tlog_leaves_event ON tlog_leaves (aggregate_id, version)",
    """CREATE TABLE IF NOT EXISTS tlog_nodes (
        level INTEGER NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL,
        PRIMARY KEY (level, idx))""",
    """CREATE TABLE IF NOT EXISTS tlog_checkpoints (
        size BIGINT PRIMARY KEY, root TEXT NOT NULL, note TEXT NOT NULL,
        signed_at TEXT NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS tlog_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class TransparencyLogError(Exception):
    """Base of the transparency log's errors."""


class LogIntegrityError(TransparencyLogError):
    """The stored tree is not an append-only extension of the last signed checkpoint."""


class LogConfigurationError(TransparencyLogError):
    """The keys, origin or leaf format are not the ones this log was built with, or it cannot
    sign."""


LEAF_FORMAT = "leaf_format"


def check_leaf_format(meta: dict[str, str]) -> None:
    """Refuse a log whose leaves are of another format than this version writes and reads.

    A log made before formats were recorded (format 1) has the other names but not this one.
    """
    found = meta.get(LEAF_FORMAT, "1" if meta else str(LEAF_FORMAT_VERSION))
    if found != str(LEAF_FORMAT_VERSION):
        raise LogConfigurationError(
            f"this store's transparency log holds leaves of format {found}, and this version "
            f"reads and writes only format {LEAF_FORMAT_VERSION} (no upgrade): use a new store"
        )


@dataclass(frozen=True)
class StoredLeaf:
    index: int
    position: int
    aggregate_id: str
    version: int
    data: bytes
    hash: bytes


@dataclass(frozen=True)
class SignedCheckpoint:
    size: int
    root: bytes
    note: str
    signed_at: datetime


def stored_leaf(row: Row) -> StoredLeaf:
    index, position, aggregate_id, version, data, hashed = row
    return StoredLeaf(
        int(index),
        int(position),
        str(aggregate_id),
        int(version),
        str(data).encode(),
        unb64(hashed),
    )


def checkpoint_of(row: Row) -> SignedCheckpoint:
    size, root, note, signed_at = row
    try:
        when = datetime.fromisoformat(str(signed_at))
    except ValueError:  # not part of what is signed; a damaged one must not stop a check
        when = datetime.fromtimestamp(0, UTC)
    return SignedCheckpoint(int(size), unb64(root), str(note), when)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    """Stored base64; damaged text reads as no bytes, which no hash check accepts."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return b""
