"""The audit trail's rows made readable: each summary rendered from the row's facts, people,
organisations and activities named from the directory as it stands when read (through a
lookup the caller gives: the api wires the two read models together).

So an erased volunteer reads under their pseudonym in every row, and no name is kept in the
trail itself. Other aggregates (a shift, a service record, a staff account) are named by the
label the trail keeps for them (``audit_subjects``), which holds no person's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import Any

from domain.organisation import DEFAULT_TIMEZONE
from projections.audit.subjects import FACTS
from projections.audit.text import AS_WAS, facts_from, render
from projections.stores.lookups import select_in
from projections.stores.protocol import ViewStore

#: The directory's rows for ids of a kind (``volunteer``, ``organisation``, ``activity``), as
#: ``{id: {column: value}}``: ``projections.directory.names.names_of`` over the read models,
#: given by the caller (one read-model family does not import another).
DirectoryLookup = Callable[[str, Collection[str]], dict[str, dict[str, Any]]]

#: Roles the directory names, with the kind of id it names them as.
DIRECTORY_ROLES = {
    "volunteer": "volunteer",
    "organisation": "organisation",
    "child": "organisation",
    "activity": "activity",
}
#: The directory's column that names each kind.
DIRECTORY_LABEL = {"volunteer": "name", "organisation": "name", "activity": "title"}


def with_summaries(
    views: ViewStore, names: DirectoryLookup, rows: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows (as stored, with ``facts``), each with its ``summary`` in place of its facts."""
    values = [facts_from(row["event_type"], row["facts"]) for row in rows]
    named = {id for v in values for role, id in v.items() if id and _kept_by_trail(role)}
    subjects = _subjects(views, named)
    wanted: dict[str, set[str]] = {"volunteer": set(), "organisation": set(), "activity": set()}
    for row, v in zip(rows, values, strict=True):
        if row["organisation_id"] is not None:
            wanted["organisation"].add(row["organisation_id"])
        for role, id in v.items():
            if id is not None and role in DIRECTORY_ROLES:
                wanted[DIRECTORY_ROLES[role]].add(id)
    for kind, _, refs in subjects.values():
        person = _person_of(kind, refs)
        if person is not None:
            wanted["volunteer"].add(person)
    directory = {kind: names(kind, ids) for kind, ids in wanted.items()}
    readable = []
    for row, v in zip(rows, values, strict=True):
        organisation = directory["organisation"].get(row["organisation_id"] or "")
        timezone = organisation["timezone"] if organisation else DEFAULT_TIMEZONE

        def label(
            role: str, id: str | None, row: dict[str, Any] = row, v: dict[str, Any] = v
        ) -> str:
            if role == row["aggregate_kind"] and AS_WAS in v:
                return str(v[AS_WAS])
            return _label(role, id, subjects, directory)

        summary = render(row["event_type"], v, label, timezone)
        readable.append({**{k: x for k, x in row.items() if k != "facts"}, "summary": summary})
    return readable


def _kept_by_trail(role: str) -> bool:
    """Whether the trail's own subjects name the aggregate in this role (not the directory)."""
    return role not in DIRECTORY_ROLES and role not in FACTS and role != AS_WAS


def _subjects(views: ViewStore, ids: set[str]) -> dict[str, tuple[str, str, dict[str, str]]]:
    """What the trail keeps of each of these aggregates: its kind, label and refs."""
    if not ids:
        return {}
    with views.read() as tx:
        sql = "SELECT id, kind, label, refs FROM audit_subjects WHERE id"
        rows = select_in(tx, sql, sorted(ids))
    return {row[0]: (row[1], row[2], json.loads(row[3])) for row in rows}


def _person_of(kind: str, refs: dict[str, str]) -> str | None:
    """The volunteer a subject is (a volunteer, or a volunteer's account), if any."""
    return refs.get("volunteer") if kind in ("volunteer", "account") else None


def _label(
    role: str,
    id: str | None,
    subjects: dict[str, tuple[str, str, dict[str, str]]],
    directory: dict[str, dict[str, dict[str, Any]]],
) -> str:
    if role in FACTS:
        return id or "?"
    if id is None:
        return f"an unknown {role}"
    if role in DIRECTORY_ROLES:
        kind = DIRECTORY_ROLES[role]
        found = directory[kind].get(id)
        if found is not None:
            return str(found[DIRECTORY_LABEL[kind]])
    elif id in subjects:
        kind, label, refs = subjects[id]
        person = _person_of(kind, refs)
        if person is None:
            return label
        found = directory["volunteer"].get(person)
        if found is not None:
            return str(found["name"])
    return f"{role.replace('_', ' ')} {id[:8]}"
