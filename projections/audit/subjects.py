"""What the audit trail remembers of each aggregate to describe later events: its subjects."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from domain.organisation import DEFAULT_TIMEZONE
from projections.stores.protocol import Transaction

#: What ``refs`` holds beside ids: an organisation's time zone, a unique key's namespace.
FACTS = frozenset({"timezone", "namespace"})


@dataclass
class Subject:
    """What the trail remembers of an aggregate to describe later events: a label (a name,
    a title, a shift's activity and local start) and the ids of the aggregates it belongs to."""

    kind: str
    label: str
    refs: dict[str, str]


class Subjects:
    """The ``audit_subjects`` helper table, remembered between batches.

    Subjects saved during a batch are written at its end (``write``). Those remembered are
    bounded: past ``limit`` the older half is let go, to be read again if an event needs it.
    """

    #: 20,000: most events concern a recent shift, record or volunteer. With this and the
    #: runner's smaller page cache (``RUNNER_CACHE_KIB``) a catch-up of a million events was
    #: no slower and held a third of the memory (``projections/stores/sqlite.py``).
    limit = 20_000

    def __init__(self) -> None:
        self.tx: Transaction | None = None
        self._known: dict[str, Subject | None] = {}
        self._unsaved: dict[str, Subject] = {}

    def get(self, id: str | None) -> Subject | None:
        if id is None:
            return None
        try:
            return self._known[id]
        except KeyError:
            pass
        subject = self._unsaved.get(id)
        if subject is None:
            assert self.tx is not None
            rows = self.tx.query("SELECT kind, label, refs FROM audit_subjects WHERE id = ?", (id,))
            subject = Subject(rows[0][0], rows[0][1], json.loads(rows[0][2])) if rows else None
        self._remember(id, subject)
        return subject

    def save(self, id: str, subject: Subject) -> None:
        self._unsaved[id] = subject
        self._remember(id, subject)

    def _remember(self, id: str, subject: Subject | None) -> None:
        known = self._known
        if len(known) >= self.limit:
            for old in list(itertools.islice(known, self.limit // 2)):
                del known[old]
        known[id] = subject

    def write(self, tx: Transaction) -> None:
        """Write the subjects saved since the last write."""
        tx.execute_many(
            "INSERT INTO audit_subjects (id, kind, label, refs) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET label = excluded.label, refs = excluded.refs",
            [
                (id, subject.kind, subject.label, json.dumps(subject.refs, sort_keys=True))
                for id, subject in self._unsaved.items()
            ],
        )
        self._unsaved.clear()

    def forget(self) -> None:
        self._known.clear()
        self._unsaved.clear()

    def label(self, refs: dict[str, str], role: str) -> str:
        id = refs.get(role)
        if role in FACTS:
            return id or "?"
        subject = self.get(id)
        if subject is not None:
            return subject.label
        return f"{role.replace('_', ' ')} {id[:8]}" if id else f"an unknown {role}"

    def timezone(self, organisation_id: str | None) -> str:
        organisation = self.get(organisation_id)
        return organisation.refs["timezone"] if organisation else DEFAULT_TIMEZONE
