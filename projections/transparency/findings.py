"""What a check of the transparency log finds: each problem, the report that sums them up, and
how a problem names an event and says which fields of its leaf differ."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from eventsourcing.persistence import Notification

from projections.transparency.records import StoredLeaf
from projections.transparency.rows import UnreadableRow
from trust.merkle import leaf_hash


@dataclass(frozen=True)
class Problem:
    """One way the store or the log differs from what was signed."""

    message: str
    position: int | None = None
    leaf_index: int | None = None

    def __str__(self) -> str:
        where = []
        if self.position is not None:
            where.append(f"position {self.position}")
        if self.leaf_index is not None:
            where.append(f"leaf {self.leaf_index}")
        if not where:
            return self.message
        head = where[0] + (f" ({where[1]})" if len(where) > 1 else "")
        return f"{head}: {self.message}"


@dataclass
class AuditReport:
    events: int = 0
    """Stored events read."""
    leaves: int = 0
    """Leaves in the log's table."""
    checkpoints: int = 0
    """Signed checkpoints whose root was compared."""
    unlogged: int = 0
    """Events after the log's last leaf: not yet in the log, so not yet protected by it."""
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    """All problems found; ``problems`` keeps only the first ``max_problems``."""

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


def describe(event: Notification | UnreadableRow | StoredLeaf) -> str:
    """An event as a problem names it: its aggregate and version."""
    if isinstance(event, UnreadableRow):
        return "(unreadable)"
    if isinstance(event, StoredLeaf):
        return f"{event.aggregate_id} v{event.version}"
    return f"{event.originator_id} v{event.originator_version}"


def unreadable_hash(notification: Notification | UnreadableRow) -> bytes:
    """A stand-in leaf hash for an event that cannot be read: it matches no signed root."""
    state = getattr(notification, "state", None)
    found = state if isinstance(state, bytes) else repr((notification.id, state)).encode()
    return leaf_hash(b"unreadable\x00" + found)


def differences(recomputed: bytes, logged: bytes) -> list[str]:
    """Which leaf fields differ: ``state`` alone means bytes no public value or commitment
    shows; ``commitments.minutes`` that the committed minutes differ (not what they are)."""
    try:
        new, old = json.loads(recomputed), json.loads(logged)
    except ValueError:
        return []
    if not isinstance(new, dict) or not isinstance(old, dict):
        return []
    found = []
    for name in sorted(set(new) | set(old)):
        inner_new, inner_old = new.get(name), old.get(name)
        if isinstance(inner_new, dict) and isinstance(inner_old, dict):
            found += [
                f"{name}.{key}"
                for key in sorted(set(inner_new) | set(inner_old))
                if inner_new.get(key) != inner_old.get(key)
            ]
        elif new.get(name) != old.get(name):
            found.append(name)
    return found
