"""The transparency log's wiring: its keys, and the timer that signs checkpoints.

Two keys live in the data folder, readable by their owner only, made on first use:
``log-salt.key`` (32 bytes for the HMAC that salts each leaf's commitments and makes the
holder tags, so it is as secret as the personal data) and
``log-signing.key`` (the 32-byte Ed25519 seed that signs checkpoints). Every process that
writes to one store must use the same two files: the log records their fingerprints and
refuses any other key.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.security import load_or_create_secret
from api.settings import Settings
from domain.ledger import Ledger
from projections.stores.protocol import ViewStore
from projections.transparency.log import TransparencyLog
from trust.leaf import LOG_KEY_SIZE

logger = logging.getLogger(__name__)


def salt_key_from(secret: bytes, path: Path) -> bytes:
    if len(secret) != LOG_KEY_SIZE:
        raise ValueError(f"the log salt key {path} is not {LOG_KEY_SIZE} bytes")
    return secret


def signing_key_from(seed: bytes, path: Path) -> Ed25519PrivateKey:
    if len(seed) != LOG_KEY_SIZE:
        raise ValueError(f"the log signing key {path} is not a {LOG_KEY_SIZE}-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def open_transparency_log(settings: Settings, ledger: Ledger, views: ViewStore) -> TransparencyLog:
    """The log of this ledger's store, with its keys loaded (or made, the first time)."""
    salt_path = settings.log_salt_key_path()
    signing_path = settings.log_signing_key_path()
    signing_key = signing_key_from(load_or_create_secret(signing_path), signing_path)
    return TransparencyLog(
        ledger.recorder,
        ledger.mapper,
        views,
        salt_key=salt_key_from(load_or_create_secret(salt_path), salt_path),
        public_key=signing_key.public_key(),
        signing_key=signing_key,
        origin=settings.log_origin,
        key_name=settings.log_key_name,
    )


class CheckpointTimer:
    """Catches the log up and signs a checkpoint if it grew: now, then every ``interval``."""

    def __init__(self, log: TransparencyLog, interval: float) -> None:
        self.log = log
        self.interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def tick(self) -> None:
        try:
            self.log.refresh(stop=self._stopping)
        except Exception:  # a damaged log is logged loudly, and nothing is signed
            logger.exception("the transparency log could not sign a checkpoint")

    def _run(self) -> None:
        self.tick()
        while not self._stopping.wait(self.interval):
            self.tick()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)


def start_checkpoint_timer(log: TransparencyLog, interval: float = 300.0) -> CheckpointTimer:
    """Start signing checkpoints in a background thread; call ``stop()`` on shutdown."""
    timer = CheckpointTimer(log, interval)
    timer.start()
    return timer
