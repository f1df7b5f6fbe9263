"""Statistics of an activity and its shifts, for the organisers who run it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from api.deps import MinPosition, ServicesDep, wait_for_position
from api.permissions import ActivityOrganiser
from api.readable import hours
from api.readable_rows import local_of
from api.routing import PrefixedRouter
from domain.shift import ShiftStatus
from projections.activity_stats.queries import activity_statistics

router = PrefixedRouter(prefix="/v1/activities", tags=["statistics"])


class CountsPublic(BaseModel):
    sign_ups: int = Field(description="every sign-up ever made, waitlisted ones included")
    confirmed: int = Field(description="places held now")
    waitlisted: int = Field(description="on the waitlist now")
    attended: int = Field(description="checked out, closed automatically, or from a sheet")
    no_shows: int = Field(description="marked and not undone")
    attendance_rate_percent: int | None = Field(
        description="attended / (attended + no-shows), rounded to a whole percentage; "
        "null while both are 0"
    )
    approved_minutes: int = Field(description="approved records' current minutes")
    approved_hours: str = Field(examples=["4.25"])
    beneficiaries: int = Field(description="distinct beneficiaries named on approved records")


class ShiftStatisticsPublic(CountsPublic):
    shift_id: UUID
    starts_at: AwareDatetime
    starts_at_local: AwareDatetime = Field(description="with the organisation's offset")
    ends_at: AwareDatetime
    ends_at_local: AwareDatetime
    status: ShiftStatus


class ActivityStatisticsPublic(BaseModel):
    activity_id: UUID
    title: str
    totals: CountsPublic = Field(
        description="the shifts' sums; minutes and beneficiaries also count records made "
        "outside shifts"
    )
    shifts: list[ShiftStatisticsPublic]
    position: int = Field(description="the ledger position these read models reflect")


@router.get("/{activity_id}/statistics", responses={403: {}, 404: {}})
def get_activity_statistics(
    activity_id: UUID,
    services: ServicesDep,
    principal: ActivityOrganiser,
    min_position: MinPosition = None,
) -> ActivityStatisticsPublic:
    """Sign-ups, places, attendance, no-shows and approved minutes, in total and per shift.
    Organisers of the activity's organisation (or above it) and admins."""
    activity = services.ledger.activity(activity_id)
    position = wait_for_position(services, min_position)
    statistics = activity_statistics(services.views, str(activity_id))
    timezone = services.ledger.organisation(activity.organisation_id).timezone

    def readable(counts: dict[str, Any]) -> dict[str, Any]:
        return {**counts, "approved_hours": hours(counts["approved_minutes"])}

    shifts = [
        {
            **readable(shift),
            "starts_at_local": local_of(shift["starts_at"], timezone),
            "ends_at_local": local_of(shift["ends_at"], timezone),
        }
        for shift in statistics["shifts"]
    ]
    return ActivityStatisticsPublic.model_validate(
        {
            **statistics,
            "totals": readable(statistics["totals"]),
            "shifts": shifts,
            "title": activity.title,
            "position": position,
        }
    )
