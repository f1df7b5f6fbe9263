"""Commands for published recognition lists: publish, object, resolve, finalise."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.errors import RecognitionListError
from domain.ledger.base import LedgerBase
from domain.ledger.command import command
from domain.recognition import RecognitionList
from domain.values import Actor

DEFAULT_PUBLICITY = timedelta(days=7)


class RecognitionCommands(LedgerBase):
    @command
    def publish_recognition_list(
        self,
        *,
        organisation_id: UUID,
        period: str,
        category: str | None,
        title: str,
        entries: list[dict[str, Any]],
        actor: Actor,
        publicity: timedelta = DEFAULT_PUBLICITY,
    ) -> UUID:
        """Freeze the given entries (from the leaderboard) as the period's published list."""
        self.organisation(organisation_id).require_open()
        list_id = RecognitionList.id_for(organisation_id, period, category)
        if self._exists(list_id):
            raise RecognitionListError(
                "a list for this organisation, period and category is already published",
                list_id=str(list_id),
            )
        published = RecognitionList.publish(
            organisation_id=organisation_id,
            period=period,
            category=category,
            title=title,
            entries=entries,
            publicity_ends_at=self.now() + publicity,
            actor=actor,
        )
        self._save(published)
        return published.id

    def recognition_list(self, id: UUID) -> RecognitionList:
        return self._load(RecognitionList, "recognition list", id)

    @command
    def file_objection(self, list_id: UUID, volunteer_id: UUID, reason: str, actor: Actor) -> UUID:
        published = self.recognition_list(list_id)
        objection_id = uuid4()
        published.file_objection(objection_id, volunteer_id, reason, now=self.now(), actor=actor)
        self._save(published)
        return objection_id

    @command
    def resolve_objection(
        self, list_id: UUID, objection_id: UUID, *, upheld: bool, resolution: str, actor: Actor
    ) -> None:
        published = self.recognition_list(list_id)
        published.resolve_objection(objection_id, upheld=upheld, resolution=resolution, actor=actor)
        self._save(published)

    @command
    def finalise_recognition_list(self, list_id: UUID, actor: Actor) -> None:
        published = self.recognition_list(list_id)
        published.finalise(now=self.now(), actor=actor)
        self._save(published)
