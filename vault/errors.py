"""What can go wrong with sealed data: a broken seal, or a master key that is not this store's.

VaultError
├── SealBrokenError          an envelope that does not open: altered, moved, or a wrong key
└── MasterKeyMismatchError   the master key (or id secret) is not the one the store knows
"""

from __future__ import annotations


class VaultError(Exception):
    """Base of the vault's errors."""


class SealBrokenError(VaultError, ValueError):
    """A sealed value that does not open under its key: altered, moved to another event or
    field, or wrapped by another master key. Never a destroyed key: that opens as None.
    A ``ValueError``, as bad data is: the ledger's mapper reports it as an unreadable event."""


class MasterKeyMismatchError(VaultError):
    """The store's keys were wrapped by another master key (or its ids keyed by another id
    secret): reading on would misread everything, so the vault refuses to start."""
