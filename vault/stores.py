"""Where the wrapped data keys live: a table apart from the events (memory, SQLite).

Three tables: ``vault_keys`` (key id, subject, the data key wrapped by the master key),
``vault_links`` (an id, such as a service record's, and the subject whose data its events
hold) and ``vault_meta`` (fingerprints of the master key and of the id secret, so a process
holding other ones is refused instead of misreading). Destroying a subject deletes its rows
in ``vault_keys``; on SQLite with ``secure_delete`` on, so the freed pages are zeroed, and the
write-ahead log is checkpointed and truncated so no copy of the row stays in it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from vault.errors import MasterKeyMismatchError


class KeyStore(Protocol):
    """Rows of wrapped keys; the vault does the cryptography."""

    def key_of(self, subject: str) -> tuple[str, bytes] | None:
        """A key of the subject to seal with: (key id, wrapped key), or None."""

    def add(self, key_id: str, subject: str, wrapped: bytes) -> None: ...

    def get(self, key_id: str) -> tuple[str, bytes] | None:
        """(subject, wrapped key) of a key, None once destroyed (or never made)."""

    def destroy(self, subject: str) -> int:
        """Delete every key of the subject; how many were deleted."""

    def link(self, id: str, subject: str) -> None:
        """Remember that the events of ``id`` hold the subject's data (first link wins)."""

    def linked(self, id: str) -> str | None: ...

    def link_all(self, links: Iterable[tuple[str, str]]) -> None:
        """``link`` each (id, subject) pair, all in one transaction: one commit for many."""

    def check_fingerprint(self, name: str, value: str) -> None:
        """Record the fingerprint the first time; later, refuse any other."""

    def ping(self) -> None:
        """Raise if the key tables' database cannot be reached."""

    def close(self) -> None: ...


def refuse_mismatch(name: str) -> MasterKeyMismatchError:
    return MasterKeyMismatchError(
        f"the {name} given is not the one this store's personal data was sealed with: "
        "use the same key file (or setting) as every other process of this store"
    )


class MemoryKeyStore:
    """Keys in a dict, for the memory store (one process, gone when it ends)."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, bytes]] = {}
        self.links: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self._lock = threading.Lock()

    def key_of(self, subject: str) -> tuple[str, bytes] | None:
        with self._lock:
            for key_id, (owner, wrapped) in self.keys.items():
                if owner == subject:
                    return key_id, wrapped
        return None

    def add(self, key_id: str, subject: str, wrapped: bytes) -> None:
        with self._lock:
            self.keys[key_id] = (subject, wrapped)

    def get(self, key_id: str) -> tuple[str, bytes] | None:
        return self.keys.get(key_id)

    def destroy(self, subject: str) -> int:
        with self._lock:
            doomed = [key_id for key_id, (owner, _) in self.keys.items() if owner == subject]
            for key_id in doomed:
                del self.keys[key_id]
        return len(doomed)

    def link(self, id: str, subject: str) -> None:
        with self._lock:
            self.links.setdefault(id, subject)

    def linked(self, id: str) -> str | None:
        return self.links.get(id)

    def link_all(self, links: Iterable[tuple[str, str]]) -> None:
        for id, subject in links:
            self.link(id, subject)

    def check_fingerprint(self, name: str, value: str) -> None:
        with self._lock:
            if self.meta.setdefault(name, value) != value:
                raise refuse_mismatch(name)

    def ping(self) -> None:
        pass

    def close(self) -> None:
        pass


_SQLITE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vault_keys (key_id TEXT PRIMARY KEY, subject TEXT NOT NULL,"
    " wrapped BLOB NOT NULL, created_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS vault_keys_subject ON vault_keys (subject)",
    "CREATE TABLE IF NOT EXISTS vault_links (id TEXT PRIMARY KEY, subject TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS vault_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class SQLiteKeyStore:
    """The key tables in the ledger's SQLite file, on a connection of their own."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
        self._db.isolation_level = None  # autocommit: each statement is its own transaction
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        with self._lock:
            for statement in _SQLITE_SCHEMA:
                self._db.execute(statement)

    def key_of(self, subject: str) -> tuple[str, bytes] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key_id, wrapped FROM vault_keys WHERE subject = ?"
                " ORDER BY created_at, key_id LIMIT 1",
                (subject,),
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def add(self, key_id: str, subject: str, wrapped: bytes) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO vault_keys (key_id, subject, wrapped, created_at) VALUES (?, ?, ?, ?)",
                (key_id, subject, wrapped, datetime.now(UTC).isoformat()),
            )

    def get(self, key_id: str) -> tuple[str, bytes] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT subject, wrapped FROM vault_keys WHERE key_id = ?", (key_id,)
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def destroy(self, subject: str) -> int:
        with self._lock:
            deleted = self._db.execute("DELETE FROM vault_keys WHERE subject = ?", (subject,))
            # The WAL still holds the pages written when the key was added: copy the log into
            # the database (where secure_delete zeroed the row) and truncate it. Readers of
            # other connections can hold it back; it is then truncated at a later checkpoint.
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            return deleted.rowcount

    def link(self, id: str, subject: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO vault_links (id, subject) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (id, subject),
            )

    def linked(self, id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT subject FROM vault_links WHERE id = ?", (id,)).fetchone()
        return str(row[0]) if row else None

    def link_all(self, links: Iterable[tuple[str, str]]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO vault_links (id, subject) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    list(links),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def check_fingerprint(self, name: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO vault_meta (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (name, value),
            )
            row = self._db.execute(
                "SELECT value FROM vault_meta WHERE name = ?", (name,)
            ).fetchone()
        if row[0] != value:
            raise refuse_mismatch(name)

    def ping(self) -> None:
        with self._lock:
            self._db.execute("SELECT 1").fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()
