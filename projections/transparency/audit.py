"""Checks the transparency log against the event store: replay every event, recompute, compare.

Each stored event's leaf is recomputed from its stored bytes and the tree rebuilt from them in
the store's order. The leaves are compared with the log's own table, which says where the store
differs (a changed, deleted, inserted or moved event, by position), and the rebuilt roots with
every signed checkpoint, which someone with write access to the database cannot forge. A row
the store can no longer read (its state's type changed by hand) is reported at its position like
any other edit, never raised. Memory stays O(log n): the rebuilt tree is only its right edge.

What it finds, and how a finding reads, is in ``projections.transparency.findings``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from projections.stores.protocol import ViewStore
from projections.transparency.findings import (
    AuditReport,
    Problem,
    describe,
    differences,
    unreadable_hash,
)
from projections.transparency.leaves import leaf_for, salt_key_fingerprint
from projections.transparency.log import TransparencyLog
from projections.transparency.records import (
    LogConfigurationError,
    SignedCheckpoint,
    StoredLeaf,
    check_leaf_format,
)
from projections.transparency.rows import UnreadableRow, read_rows
from trust.checkpoint import open_checkpoint
from trust.log_store import Frontier
from trust.merkle import leaf_hash

__all__ = ["AuditReport", "Problem", "ProgressCallback", "audit_log"]

ProgressCallback = Callable[[int, int, int], None]
"""Called after each batch with (events read, position reached, head position)."""


class _Audit:
    def __init__(
        self,
        log: TransparencyLog,
        salt_key: bytes,
        max_problems: int,
        batch_size: int,
        on_progress: ProgressCallback | None,
    ) -> None:
        self.log = log
        self.salt_key = salt_key
        self.max_problems = max_problems
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.report = AuditReport()
        self.frontier = Frontier()

    def problem(self, message: str, position: int | None = None, index: int | None = None) -> None:
        self.report.problem_count += 1
        if len(self.report.problems) < self.max_problems:
            self.report.problems.append(Problem(message, position, index))

    def run(self, public_key: Ed25519PublicKey) -> AuditReport:
        signed = self.checkpoints(public_key)
        if not self.same_salt_key():
            return self.report
        head = self.log.recorder.max_notification_id() or 0
        pending = iter(signed)
        next_checkpoint = self.check_roots(next(pending, None), pending)
        stored = self.stored_leaves()
        logged = next(stored, None)
        expected_index = 0
        for notification in self.notifications(head):
            while logged is not None and logged.position < notification.id:
                self.problem(
                    f"event {describe(logged)} is in the log but no longer in the store: deleted",
                    logged.position,
                    logged.index,
                )
                expected_index = logged.index + 1
                logged = next(stored, None)
            data = self.recompute(notification)
            if logged is not None and logged.position == notification.id:
                if logged.index != expected_index:
                    self.problem("the log's leaf indices skip", logged.position, logged.index)
                self.compare(notification, data, logged)
                expected_index = logged.index + 1
                logged = next(stored, None)
            elif logged is not None:
                self.problem(
                    f"event {describe(notification)} is in the store but not in the log: inserted",
                    notification.id,
                )
            else:
                self.report.unlogged += 1
            self.frontier.append(
                leaf_hash(data) if data is not None else unreadable_hash(notification)
            )
            next_checkpoint = self.check_roots(next_checkpoint, pending)
        while logged is not None:
            self.problem(
                f"event {describe(logged)} is in the log but no longer in the store: deleted",
                logged.position,
                logged.index,
            )
            logged = next(stored, None)
        while next_checkpoint is not None:
            self.problem(
                f"the checkpoint of size {next_checkpoint.size} covers more events than the "
                f"store holds ({self.frontier.size})"
            )
            next_checkpoint = next(pending, None)
        return self.report

    def checkpoints(self, public_key: Ed25519PublicKey) -> list[SignedCheckpoint]:
        """The checkpoints whose signature verifies; a problem for each that does not."""
        good = []
        after = -1
        while batch := self.log.checkpoints(after, 1000):
            for checkpoint in batch:
                opened = open_checkpoint(
                    checkpoint.note, self.log.origin, self.log.key_name, public_key
                )
                if opened is None:
                    self.problem(
                        f"the checkpoint of size {checkpoint.size} is not signed by the log key "
                        f"for {self.log.origin}"
                    )
                elif (opened.size, opened.root) != (checkpoint.size, checkpoint.root):
                    self.problem(
                        f"the checkpoint of size {checkpoint.size} was altered: its row differs "
                        "from its signed note"
                    )
                else:
                    good.append(checkpoint)
            after = batch[-1].size
        if not good and self.log.recorder.max_notification_id():
            self.problem("the log has no signed checkpoint to check the store against")
        return good

    def same_salt_key(self) -> bool:
        """The log's leaves are of this format and salted with this key, or nothing compares."""
        rows = self.log.views.query("SELECT name, value FROM tlog_meta")
        meta = {str(name): str(value) for name, value in rows}
        try:
            check_leaf_format(meta)
        except LogConfigurationError as error:
            self.problem(f"{error}: nothing compared")
            return False
        if "salt_key" in meta and meta["salt_key"] != salt_key_fingerprint(self.salt_key):
            self.problem("the salt key is not the one the log was built with: nothing compared")
            return False
        return True

    def check_roots(
        self, checkpoint: SignedCheckpoint | None, pending: Iterator[SignedCheckpoint]
    ) -> SignedCheckpoint | None:
        """Compare every checkpoint of the rebuilt tree's size; return the next one ahead."""
        while checkpoint is not None and checkpoint.size == self.frontier.size:
            self.report.checkpoints += 1
            if self.frontier.root() != checkpoint.root:
                self.problem(
                    f"the checkpoint of size {checkpoint.size} signed at "
                    f"{checkpoint.signed_at.isoformat()} does not match the events now stored: "
                    "an event before it was changed, deleted, inserted or moved"
                )
            checkpoint = next(pending, None)
        return checkpoint

    def compare(
        self, notification: Notification | UnreadableRow, data: bytes | None, logged: StoredLeaf
    ) -> None:
        if leaf_hash(logged.data) != logged.hash:
            self.problem(
                "the log's stored leaf hash is not its data's", logged.position, logged.index
            )
        if data is None or data == logged.data or isinstance(notification, UnreadableRow):
            return
        position, index = notification.id, logged.index
        if (str(notification.originator_id), notification.originator_version) != (
            logged.aggregate_id,
            logged.version,
        ):
            moved_from = self.logged_position(notification)
            if moved_from is not None:
                self.problem(
                    f"holds event {describe(notification)}, which the log has at position "
                    f"{moved_from}; the log has {describe(logged)} here: events were moved",
                    position,
                    index,
                )
            else:
                self.problem(
                    f"holds event {describe(notification)}, which the log never had; the log has "
                    f"{describe(logged)} here: replaced",
                    position,
                    index,
                )
            return
        fields = ", ".join(differences(data, logged.data)) or "its bytes"
        self.problem(f"event {describe(logged)} was changed ({fields} differ)", position, index)

    def recompute(self, notification: Notification | UnreadableRow) -> bytes | None:
        if isinstance(notification, UnreadableRow):
            self.problem(
                f"the event stored here cannot be read ({type(notification.error).__name__}): "
                "its type was changed or it is not an event's row",
                notification.id,
            )
            return None
        if not isinstance(notification.state, bytes):
            self.problem(
                f"event {describe(notification)} is stored as "
                f"{type(notification.state).__name__}, not bytes: its type was changed",
                notification.id,
            )
            return None
        try:
            event = self.log.mapper.to_domain_event(notification)
            return leaf_for(notification, event, self.salt_key)
        except Exception as error:  # whatever was written there, it is not an event we stored
            self.problem(
                f"event {describe(notification)} cannot be read: {type(error).__name__}",
                notification.id,
            )
            return None

    def logged_position(self, notification: Notification) -> int | None:
        rows = self.log.views.query(
            "SELECT position FROM tlog_leaves WHERE aggregate_id = ? AND version = ?",
            (str(notification.originator_id), notification.originator_version),
        )
        return int(rows[0][0]) if rows else None

    def notifications(self, head: int) -> Iterator[Notification | UnreadableRow]:
        start = 1
        while True:
            batch = read_rows(self.log.recorder, start, self.batch_size)
            if not batch:
                return
            yield from batch
            self.report.events += len(batch)
            start = batch[-1].id + 1
            if self.on_progress is not None:
                self.on_progress(self.report.events, batch[-1].id, max(head, batch[-1].id))

    def stored_leaves(self) -> Iterator[StoredLeaf]:
        start = 0
        while batch := self.log.leaves(start, self.batch_size):
            self.report.leaves += len(batch)
            yield from batch
            start = batch[-1].index + 1


def audit_log(
    recorder: ApplicationRecorder,
    mapper: Mapper[UUID],
    views: ViewStore,
    *,
    salt_key: bytes,
    public_key: Ed25519PublicKey,
    origin: str,
    key_name: str | None = None,
    batch_size: int = 1000,
    max_problems: int = 1000,
    on_progress: ProgressCallback | None = None,
) -> AuditReport:
    """Replay the whole store against the log and its checkpoints; report every difference."""
    try:
        views.query("SELECT COUNT(*) FROM tlog_meta")
    except Exception:  # the driver's "no such table", whichever driver it is
        report = AuditReport(problem_count=1)
        report.problems.append(Problem("this store has no transparency log (no tlog_* tables)"))
        return report
    log = TransparencyLog(
        recorder,
        mapper,
        views,
        salt_key=salt_key,
        public_key=public_key,
        origin=origin,
        key_name=key_name,
        read_only=True,
    )
    return _Audit(log, salt_key, max_problems, batch_size, on_progress).run(public_key)
