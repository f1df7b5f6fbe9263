"""An activity: a volunteer project run by an organisation, such as 文明劝导 or 义诊."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import ActivityClosedError
from domain.organisation import Organisation
from domain.policy import Policy
from domain.values import Actor, require_reason, require_text


class Activity(Aggregate):
    """A project that an organisation organises, with a category, a place and its shifts.

    A closed activity keeps its history and takes no new shifts; its shifts that have not
    started are cancelled when it closes.
    """

    #: Version 2 knows the activity's contact (who to call); older snapshots had none.
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        state["contact"] = None

    class Created(Aggregate.Created):
        """``contact``: who to call, a name and a phone ("李老师 010-6401 2345");
        version 1 events had none: ``None``."""

        class_version = 2

        title: str
        category: str
        organisation_id: UUID
        location: str
        description: str
        actor: str
        contact: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["contact"] = None

    class ShiftAdded(Aggregate.Event):
        shift_id: UUID
        actor: str

    class Closed(Aggregate.Event):
        reason: str
        actor: str

    @event(Created)
    def __init__(
        self,
        title: str,
        category: str,
        organisation_id: UUID,
        location: str,
        description: str,
        actor: str,
        contact: str | None,
    ) -> None:
        self.title = title
        self.contact = contact
        self.category = category
        self.organisation_id = organisation_id
        self.location = location
        self.description = description
        self.shift_ids: list[UUID] = []
        self.is_closed = False

    @classmethod
    def create(
        cls,
        *,
        id: UUID,
        title: str,
        category: str,
        organisation: Organisation,
        location: str,
        description: str,
        policy: Policy,
        actor: Actor,
        contact: str | None = None,
    ) -> Activity:
        policy.require_category(category)
        organisation.require_open()
        activity: Activity = cls._create(
            cls.Created,
            id=id,
            title=require_text(title, "an activity title", 100),
            category=category,
            organisation_id=organisation.id,
            location=require_text(location, "a location", 200),
            description=description.strip()[:2000],
            actor=str(actor),
            contact=None if contact is None else require_text(contact, "a contact", 100),
        )
        return activity

    def require_open(self) -> None:
        if self.is_closed:
            raise ActivityClosedError(f"activity {self.title} is closed", activity_id=str(self.id))

    def has_shift(self, shift_id: UUID) -> bool:
        return shift_id in self.shift_ids

    def add_shift(self, shift_id: UUID, actor: Actor) -> None:
        self.require_open()
        self._add_shift(shift_id=shift_id, actor=str(actor))

    def close(self, reason: str, actor: Actor) -> None:
        self.require_open()
        self._close(reason=require_reason(reason), actor=str(actor))

    @event(ShiftAdded)
    def _add_shift(self, shift_id: UUID, actor: str) -> None:
        self.shift_ids.append(shift_id)

    @event(Closed)
    def _close(self, reason: str, actor: str) -> None:
        self.is_closed = True
