"""A published recognition list (好人榜): a period's leaderboard, frozen and numbered.

Once published, its entries never change. During the publicity window anyone concerned may
object; organisers resolve each objection (an upheld one withdraws the entry, which stays on the
list marked as withdrawn). After the window, with no objection open, the list is final.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInputError, RecognitionListError
from domain.values import Actor, derived_id, require_reason, require_text


class RecognitionList(Aggregate):
    """One list per organisation, period and category; its id derives from those three."""

    class Published(Aggregate.Created):
        organisation_id: UUID
        period: str
        category: str | None
        title: str
        entries: list[dict[str, Any]]
        publicity_ends_at: datetime
        actor: str

    class ObjectionFiled(Aggregate.Event):
        objection_id: UUID
        volunteer_id: UUID
        reason: str
        actor: str

    class ObjectionResolved(Aggregate.Event):
        objection_id: UUID
        upheld: bool
        resolution: str
        actor: str

    class Finalised(Aggregate.Event):
        actor: str

    @staticmethod
    def id_for(organisation_id: UUID, period: str, category: str | None) -> UUID:
        return derived_id("recognition-list", organisation_id, period, category or "*")

    @classmethod
    def publish(
        cls,
        *,
        organisation_id: UUID,
        period: str,
        category: str | None,
        title: str,
        entries: list[dict[str, Any]],
        publicity_ends_at: datetime,
        actor: Actor,
    ) -> RecognitionList:
        """``entries``: rank, volunteer_id (str), volunteer_number, name, minutes — as shown."""
        if not entries:
            raise InvalidInputError("a recognition list needs at least one entry")
        published: RecognitionList = cls._create(
            cls.Published,
            id=cls.id_for(organisation_id, period, category),
            organisation_id=organisation_id,
            period=period,
            category=category,
            title=require_text(title, "a title", 100),
            entries=entries,
            publicity_ends_at=publicity_ends_at,
            actor=str(actor),
        )
        return published

    @event(Published)
    def __init__(
        self,
        organisation_id: UUID,
        period: str,
        category: str | None,
        title: str,
        entries: list[dict[str, Any]],
        publicity_ends_at: datetime,
        actor: str,
    ) -> None:
        self.organisation_id = organisation_id
        self.period = period
        self.category = category
        self.title = title
        self.entries = entries
        self.publicity_ends_at = publicity_ends_at
        self.open_objections: dict[str, str] = {}
        self.withdrawn: list[str] = []
        self.is_final = False

    def file_objection(
        self, objection_id: UUID, volunteer_id: UUID, reason: str, *, now: datetime, actor: Actor
    ) -> None:
        if self.is_final or now >= self.publicity_ends_at:
            raise RecognitionListError(
                "the publicity window of this list has closed", list_id=str(self.id)
            )
        if str(volunteer_id) not in {e["volunteer_id"] for e in self.entries}:
            raise InvalidInputError("that volunteer is not on this list")
        self._file(
            objection_id=objection_id,
            volunteer_id=volunteer_id,
            reason=require_reason(reason),
            actor=str(actor),
        )

    def resolve_objection(
        self, objection_id: UUID, *, upheld: bool, resolution: str, actor: Actor
    ) -> None:
        if str(objection_id) not in self.open_objections:
            raise RecognitionListError(
                "no open objection with that id", objection_id=str(objection_id)
            )
        self._resolve(
            objection_id=objection_id,
            upheld=upheld,
            resolution=require_reason(resolution),
            actor=str(actor),
        )

    def finalise(self, *, now: datetime, actor: Actor) -> None:
        if self.is_final:
            raise RecognitionListError("the list is already final", list_id=str(self.id))
        if now < self.publicity_ends_at:
            raise RecognitionListError(
                "the publicity window is still open",
                publicity_ends_at=self.publicity_ends_at.isoformat(),
            )
        if self.open_objections:
            raise RecognitionListError(
                "objections are still open", open_objections=sorted(self.open_objections)
            )
        self._finalise(actor=str(actor))

    @event(ObjectionFiled)
    def _file(self, objection_id: UUID, volunteer_id: UUID, reason: str, actor: str) -> None:
        self.open_objections[str(objection_id)] = str(volunteer_id)

    @event(ObjectionResolved)
    def _resolve(self, objection_id: UUID, upheld: bool, resolution: str, actor: str) -> None:
        volunteer_id = self.open_objections.pop(str(objection_id))
        if upheld and volunteer_id not in self.withdrawn:
            self.withdrawn.append(volunteer_id)

    @event(Finalised)
    def _finalise(self, actor: str) -> None:
        self.is_final = True
