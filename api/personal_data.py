"""The keys of personal data: the master key, the id secret, and the ledger opened with them.

Every process that opens a store builds its ledger here (``ledger_for``), so that it seals
personal fields (``domain.personal``) under the store's data keys (``vault``) and derives the
ids of unique values with the store's id secret. Both secrets are 32 bytes, read from a
setting (base64) or a file, made on first use in the data folder with mode 0600:

- ``master.key`` (VOLUNTEER_LEDGER_MASTER_KEY / _MASTER_KEY_FILE) wraps every data key;
- ``id-secret.key`` (VOLUNTEER_LEDGER_ID_SECRET / _ID_SECRET_FILE) keys the HMAC of the ids
  of phone numbers, volunteer numbers, usernames and organisation names.

The store records a fingerprint of each, and refuses a process that brings other ones.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.utils import Environment

from api.security import load_or_create_secret
from api.settings import Settings
from domain.ledger import Ledger
from domain.policy import Policy
from domain.postgres_store import PostgresFactory
from domain.storage import MEMORY, store_env
from vault import KeyStore, MemoryKeyStore, SQLiteKeyStore, Vault
from vault.crypto import KEY_BYTES
from vault.postgres import PostgresKeyStore

MASTER_KEY_FILE = "master.key"
ID_SECRET_FILE = "id-secret.key"


def decode_secret(text: str, name: str) -> bytes:
    """A 32-byte secret given in base64; ``ValueError`` naming the setting otherwise."""
    try:
        secret = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} is not base64") from None
    if len(secret) != KEY_BYTES:
        raise ValueError(f"{name} is {len(secret)} bytes, not {KEY_BYTES}")
    return secret


def master_key(settings: Settings) -> bytes:
    if settings.master_key is not None:
        return decode_secret(settings.master_key.get_secret_value(), "the master key")
    return _file_secret(settings.master_key_file or settings.data_dir / MASTER_KEY_FILE)


def id_secret(settings: Settings) -> bytes:
    if settings.id_secret is not None:
        return decode_secret(settings.id_secret.get_secret_value(), "the id secret")
    return _file_secret(settings.id_secret_file or settings.data_dir / ID_SECRET_FILE)


def _file_secret(path: Path) -> bytes:
    secret = load_or_create_secret(path)
    if len(secret) != KEY_BYTES:
        raise ValueError(f"the key file {path} is not {KEY_BYTES} bytes")
    return secret


def key_store_for(store: str) -> KeyStore:
    """The key tables beside the events: in the SQLite file, or the PostgreSQL schema."""
    if store == MEMORY:
        return MemoryKeyStore()
    env = store_env(store)
    if "SQLITE_DBNAME" in env:
        return SQLiteKeyStore(env["SQLITE_DBNAME"])
    # The keys go through a pool like the ledger's own: it fails fast (503) while the database
    # is away and serves again when it is back, as the events do.
    small = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "3"}  # keys are cached
    datastore = PostgresFactory(Environment("Ledger", {**env, **small})).datastore
    return PostgresKeyStore(
        datastore.get_connection, env.get("POSTGRES_SCHEMA"), on_close=datastore.close
    )


def open_vault(settings: Settings, store: str | None = None) -> Vault:
    """The vault of the store, with the master key checked against it."""
    keys = key_store_for(store or settings.store_url())  # first: a store out of reach makes no key
    try:
        vault = Vault(master_key(settings), keys)
        vault.check_id_secret(id_secret(settings))
    except Exception:
        keys.close()
        raise
    return vault


def ledger_for(
    settings: Settings,
    *,
    store: str | None = None,
    policy: Policy | None = None,
    clock: Callable[[], datetime] | None = None,
    env: dict[str, str] | None = None,
) -> Ledger:
    """The ledger of the settings' store (or ``store``), sealing personal data."""
    store = store or settings.store_url()
    vault = open_vault(settings, store)
    extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
    try:
        return Ledger(
            store,
            policy=policy or settings.policy(),
            env=env,
            sealer=vault,
            id_secret=id_secret(settings),
            **extra,
        )
    except Exception:
        vault.close()
        raise
