"""Whom a volunteer's or an organiser's command acts for, when the body may leave it out."""

from __future__ import annotations

from uuid import UUID

from api.access import Principal
from domain.errors import InvalidInputError

#: The description of an optional ``volunteer_id`` in a body (sign-up, check-in, check-out).
ACTING_FOR = (
    "whom the command is for. A volunteer leaves it out (their token says who they are), or "
    "names themselves; naming someone else is a 403. An organiser names the volunteer they act "
    "for: without it, a 422."
)


def acting_for(principal: Principal, volunteer_id: UUID | None) -> UUID:
    """The volunteer named, or the caller's own volunteer when none is named.

    Whether the caller may act for the volunteer named is checked by the route, as before.
    """
    if volunteer_id is not None:
        return volunteer_id
    if principal.volunteer_id is None:
        raise InvalidInputError(
            "an organiser names the volunteer they act for: give volunteer_id",
            field="volunteer_id",
        )
    return principal.volunteer_id
