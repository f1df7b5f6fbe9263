"""The vault: seals values under a subject's data key, opens them, destroys a subject's keys.

Unwrapped keys are kept in memory for ``KEY_CACHE_SECONDS`` (at most ``KEY_CACHE_SIZE``
of them), so reading a stream does not unwrap a key per event. Destroying a subject's keys
clears them from this process's cache at once; another process that read a key before may
go on using its copy for at most that long.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar
from uuid import UUID

from vault.crypto import (
    KEY_BYTES,
    b64,
    decrypt,
    encrypt,
    fingerprint,
    new_key,
    unb64,
    unwrap_key,
    wrap_key,
)
from vault.errors import SealBrokenError, VaultError
from vault.stores import KeyStore

KEY_CACHE_SECONDS = 60.0
KEY_CACHE_SIZE = 4096
MASTER_KEY = "master key"
ID_SECRET = "id secret"

V = TypeVar("V")
_DESTROYED = object()


class _Cache(Generic[V]):
    """At most ``size`` entries, each for ``seconds``; the least recently used goes first."""

    def __init__(self, size: int, seconds: float, clock: Callable[[], float]) -> None:
        self.size, self.seconds, self.clock = size, seconds, clock
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str) -> V | None:
        with self._lock:
            entry = self._entries.get(name)
            if entry is None:
                return None
            if entry[0] <= self.clock():
                del self._entries[name]
                return None
            self._entries.move_to_end(name)
            return entry[1]

    def put(self, name: str, value: V) -> None:
        with self._lock:
            self._entries[name] = (self.clock() + self.seconds, value)
            self._entries.move_to_end(name)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def drop(self, name: str) -> None:
        with self._lock:
            self._entries.pop(name, None)

    def drop_where(self, doomed: Callable[[V], bool]) -> None:
        with self._lock:
            for name in [name for name, (_, value) in self._entries.items() if doomed(value)]:
                del self._entries[name]


class Vault:
    """Implements ``domain.personal.Sealer`` over a key store and a master key.

    An envelope is ``{"subject": "<uuid>", "key": "<key id>", "nonce": b64, "data": b64}``:
    AES-256-GCM under the subject's data key, with the caller's associated data (which binds
    it to its event and field) and the subject and key id as associated data too.
    """

    def __init__(
        self,
        master_key: bytes,
        store: KeyStore,
        *,
        cache_seconds: float = KEY_CACHE_SECONDS,
        cache_size: int = KEY_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if len(master_key) != KEY_BYTES:
            raise VaultError(f"a master key is {KEY_BYTES} bytes, not {len(master_key)}")
        self._master = master_key
        self.store = store
        store.check_fingerprint(MASTER_KEY, fingerprint(master_key, MASTER_KEY))
        self._sealing: _Cache[tuple[str, bytes]] = _Cache(cache_size, cache_seconds, clock)
        self._opening: _Cache[tuple[str, bytes] | object] = _Cache(cache_size, cache_seconds, clock)
        self._links: _Cache[str] = _Cache(cache_size, cache_seconds, clock)

    def check_id_secret(self, secret: bytes) -> None:
        """Refuse an id secret other than the one this store's ids were derived with."""
        self.store.check_fingerprint(ID_SECRET, fingerprint(secret, ID_SECRET))

    def seal(self, subject: UUID, plaintext: bytes, associated: bytes) -> dict[str, str]:
        key_id, key = self._key_to_seal(str(subject))
        nonce, data = encrypt(key, plaintext, _bound(associated, str(subject), key_id))
        return {"subject": str(subject), "key": key_id, "nonce": b64(nonce), "data": b64(data)}

    def open(self, envelope: Mapping[str, Any], associated: bytes) -> bytes | None:
        """The sealed bytes; None if the subject's key was destroyed; ``SealBrokenError`` if
        the envelope was altered or moved, or the key was wrapped by another master key."""
        try:
            subject, key_id = str(envelope["subject"]), str(envelope["key"])
            nonce, data = unb64(envelope["nonce"]), unb64(envelope["data"])
        except (KeyError, TypeError):
            raise SealBrokenError("a sealed value lacks its subject, key, nonce or data") from None
        key = self._key_to_open(key_id, subject)
        if key is None:
            return None
        return decrypt(key, nonce, data, _bound(associated, subject, key_id))

    def link(self, id: UUID, subject: UUID) -> None:
        if self._links.get(str(id)) == str(subject):
            return
        self.store.link(str(id), str(subject))
        linked = self.store.linked(str(id))
        if linked is not None:
            self._links.put(str(id), linked)

    def link_all(self, links: Iterable[tuple[UUID, UUID]]) -> None:
        """``link`` many at once, in one transaction of the key store (for a writer that
        stores many events in one go; one by one, each link is a commit of its own)."""
        self.store.link_all((str(id), str(subject)) for id, subject in links)

    def subject_linked_to(self, id: UUID) -> UUID | None:
        linked = self._links.get(str(id))
        if linked is None:
            linked = self.store.linked(str(id))
            if linked is None:
                return None
            self._links.put(str(id), linked)
        return UUID(linked)

    def forget(self, subject: UUID) -> int:
        """Destroy every data key of the subject: what was sealed under them is unreadable."""
        name = str(subject)
        destroyed = self.store.destroy(name)
        self._sealing.drop(name)
        self._opening.drop_where(lambda held: isinstance(held, tuple) and held[0] == name)
        return destroyed

    def ping(self) -> None:
        """Raise if the key store cannot be reached (a readiness check)."""
        self.store.ping()

    def close(self) -> None:
        self.store.close()

    def _key_to_seal(self, subject: str) -> tuple[str, bytes]:
        cached = self._sealing.get(subject)
        if cached is not None:
            return cached
        found = self.store.key_of(subject)
        if found is None:
            key_id, key = str(uuid.uuid4()), new_key()
            self.store.add(key_id, subject, wrap_key(self._master, key_id, subject, key))
        else:
            key_id, key = found[0], unwrap_key(self._master, found[0], subject, found[1])
        self._sealing.put(subject, (key_id, key))
        self._opening.put(key_id, (subject, key))
        return key_id, key

    def _key_to_open(self, key_id: str, subject: str) -> bytes | None:
        cached = self._opening.get(key_id)
        if cached is None:
            row = self.store.get(key_id)
            if row is None:
                self._opening.put(key_id, _DESTROYED)
                return None
            owner, wrapped = row
            cached = (owner, unwrap_key(self._master, key_id, owner, wrapped))
            self._opening.put(key_id, cached)
        if cached is _DESTROYED:
            return None
        assert isinstance(cached, tuple)
        owner, key = cached
        if owner != subject:
            raise SealBrokenError("a sealed value names another subject than its key's")
        return bytes(key)


def _bound(associated: bytes, subject: str, key_id: str) -> bytes:
    return b"%s|%s|%s" % (associated, subject.encode(), key_id.encode())
