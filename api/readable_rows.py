"""Stored rows made readable: local times beside UTC ones, hours beside minutes, periods
described (``api/readable.py`` has the conventions and the helpers; this fills them in)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.readable import hours, local, period_public
from domain.periods import Period


def local_of(moment: str | datetime, timezone: str) -> datetime:
    """A stored instant (ISO text, or a datetime as some stores give it) in the local zone."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return local(moment, timezone)


def optional_local(moment: str | datetime | None, timezone: str) -> datetime | None:
    return None if moment is None else local_of(moment, timezone)


def optional_hours(minutes: int | None) -> str | None:
    return None if minutes is None else hours(minutes)


def readable_record(item: dict[str, Any], timezone: str) -> dict[str, Any]:
    """A record with its times in the organisation's zone and its minutes in hours too."""

    def at_local(moment: str | datetime) -> datetime:
        return local_of(moment, timezone)

    requested = item["requested_minutes"]
    return {
        **item,
        "started_at_local": at_local(item["started_at"]),
        "ended_at_local": at_local(item["ended_at"]),
        "hours": hours(item["minutes"]),
        "requested_hours": None if requested is None else hours(requested),
        "history": [
            {
                **entry,
                "at_local": at_local(entry["at"]),
                "hours": None if entry["minutes"] is None else hours(entry["minutes"]),
            }
            for entry in item["history"]
        ],
    }


def readable_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary with hours beside every figure of minutes, and its periods described."""

    def in_period(figure: dict[str, Any]) -> dict[str, Any]:
        return {
            **figure,
            "period_detail": period_public(Period.parse(figure["period"])),
            "approved_hours": hours(figure["approved_minutes"]),
        }

    return {
        **summary,
        "approved_hours": hours(summary["approved_minutes"]),
        "this_year": in_period(summary["this_year"]),
        "this_bimonth": in_period(summary["this_bimonth"]),
        "by_category": [
            {**c, "approved_hours": hours(c["approved_minutes"])} for c in summary["by_category"]
        ],
        "pending_hours": hours(summary["pending_minutes"]),
        "next_star_at_hours": optional_hours(summary["next_star_at_minutes"]),
        "hours_to_next_star": optional_hours(summary["minutes_to_next_star"]),
    }
