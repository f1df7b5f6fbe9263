"""Per-person data keys: AES-GCM sealing of personal fields, and keys that can be destroyed.

``Vault`` seals and opens small values under a data key of one subject (a volunteer, an
activity, a certificate …). The data keys live in a key table apart from the events
(``vault_keys`` in the ledger's SQLite file or PostgreSQL schema), each wrapped by the master
key. Destroying a subject's keys (``Vault.forget``) deletes their rows: whatever was sealed
under them can no longer be read, anywhere (crypto-shredding).

This package knows nothing of the domain: which fields are personal, and whose, is declared
in ``domain.personal``; the ledger's mapper calls a vault through ``domain.personal.Sealer``.
"""

from vault.errors import MasterKeyMismatchError, SealBrokenError, VaultError
from vault.stores import KeyStore, MemoryKeyStore, SQLiteKeyStore
from vault.vault import KEY_CACHE_SECONDS, Vault

__all__ = [
    "KEY_CACHE_SECONDS",
    "KeyStore",
    "MasterKeyMismatchError",
    "MemoryKeyStore",
    "SQLiteKeyStore",
    "SealBrokenError",
    "Vault",
    "VaultError",
]
