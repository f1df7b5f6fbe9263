"""An organisation in the volunteer-service tree: district, street, community, school, NGO …"""

from __future__ import annotations

import unicodedata
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInputError, OrganisationClosedError
from domain.values import Actor, require_reason, require_text, zone

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _clean_name(name: str) -> str:
    return require_text(name, "an organisation name", 100)


def name_key(parent_id: UUID | None, name: str) -> str:
    """What makes a name unique among one organisation's children (``UniqueKey`` value):
    the parent, and the name NFKC-normalised, case-folded, its spaces collapsed, so that
    "和平里 社区" and "和平里社区 " are one name."""
    spelling = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return f"{parent_id or 'root'}/{spelling}"


class Organisation(Aggregate):
    """A node of the tree that organises volunteer service; the kinds are data, not code.

    A closed organisation keeps its history but takes no new activities or children.
    """

    class Created(Aggregate.Created):
        name: str
        kind: str
        parent_id: UUID | None
        timezone: str
        actor: str

    class ChildAttached(Aggregate.Event):
        child_id: UUID
        actor: str

    class Renamed(Aggregate.Event):
        """``reason``: why (version 1 events had none: empty)."""

        class_version = 2

        name: str
        reason: str
        actor: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["reason"] = ""

    class Closed(Aggregate.Event):
        reason: str
        actor: str

    @event(Created)
    def __init__(
        self, name: str, kind: str, parent_id: UUID | None, timezone: str, actor: str
    ) -> None:
        self.name = name
        self.kind = kind
        self.parent_id = parent_id
        self.timezone = timezone
        self.children: list[UUID] = []
        self.is_closed = False

    @classmethod
    def create(
        cls,
        *,
        id: UUID,
        name: str,
        kind: str,
        parent: Organisation | None,
        timezone: str = DEFAULT_TIMEZONE,
        actor: Actor,
    ) -> Organisation:
        zone(timezone)
        if parent is not None:
            parent.require_open()
        organisation: Organisation = cls._create(
            cls.Created,
            id=id,
            name=_clean_name(name),
            kind=kind,
            parent_id=parent.id if parent else None,
            timezone=timezone,
            actor=str(actor),
        )
        if parent is not None:
            parent._attach_child(child_id=organisation.id, actor=str(actor))
        return organisation

    def require_open(self) -> None:
        if self.is_closed:
            raise OrganisationClosedError(
                f"organisation {self.name} is closed", organisation_id=str(self.id)
            )

    def rename(self, name: str, reason: str, actor: Actor) -> None:
        name = _clean_name(name)
        self.require_open()
        if name == self.name:
            raise InvalidInputError("the new name is the current name", name=name)
        self._rename(name=name, reason=require_reason(reason), actor=str(actor))

    def close(self, reason: str, actor: Actor) -> None:
        self.require_open()
        self._close(reason=require_reason(reason), actor=str(actor))

    @event(ChildAttached)
    def _attach_child(self, child_id: UUID, actor: str) -> None:
        self.children.append(child_id)

    @event(Renamed)
    def _rename(self, name: str, reason: str, actor: str) -> None:
        self.name = name

    @event(Closed)
    def _close(self, reason: str, actor: str) -> None:
        self.is_closed = True
