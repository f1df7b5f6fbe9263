"""A volunteer's own rows of the personal read models as answers: their shifts, certificate
requests, certificates and correction requests, each instant in UTC and local time. Shared by
the routes of ``/v1/me`` and the export of everything held about the volunteer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from api.me_schemas import MyCertificate, MyCertificateRequest, MyCorrectionRequest, MyShift
from api.readable import hours, local, utc
from domain.organisation import DEFAULT_TIMEZONE


def _at(text: str | None, timezone: str | None) -> tuple[datetime | None, datetime | None]:
    """An instant stored as text, in UTC and in the organisation's time zone."""
    if text is None:
        return None, None
    moment = datetime.fromisoformat(text)
    return utc(moment), local(moment, timezone or DEFAULT_TIMEZONE)


def with_times(row: dict[str, Any], *fields: str) -> dict[str, Any]:
    """The row with each stored instant in UTC, and beside it ``…_local``."""
    shaped = dict(row)
    for field in fields:
        shaped[field], shaped[f"{field}_local"] = _at(row[field], row["timezone"])
    return shaped


def _issuer(row: dict[str, Any]) -> dict[str, Any]:
    return {"issuer": {"id": row["issuer_id"], "name": row["issuer_name"]}}


def my_shift(row: dict[str, Any]) -> MyShift:
    shaped = {
        **row,
        "organization_id": row["organisation_id"],
        "organization_name": row["organisation_name"],
    }
    return MyShift.model_validate(with_times(shaped, "starts_at", "ends_at"))


def my_certificate_request(row: dict[str, Any]) -> MyCertificateRequest:
    return MyCertificateRequest.model_validate(
        with_times({**row, **_issuer(row)}, "requested_at", "decided_at")
    )


def my_certificate(row: dict[str, Any], verification_url: Callable[[str], str]) -> MyCertificate:
    shaped = {
        **row,
        **_issuer(row),
        "verification_url": verification_url(row["number"]),
        "hours": hours(row["total_minutes"]),
        "total_hours": hours(row["total_minutes"]),
    }
    return MyCertificate.model_validate(with_times(shaped, "issued_at", "revoked_at"))


def my_correction_request(row: dict[str, Any]) -> MyCorrectionRequest:
    accepted = row["accepted_minutes"]
    shaped = {
        **row,
        "service_record_id": row["record_id"],
        "record_hours": hours(row["record_minutes"]),
        "hours": hours(row["minutes"]),
        "accepted_hours": None if accepted is None else hours(accepted),
    }
    return MyCorrectionRequest.model_validate(with_times(shaped, "requested_at", "resolved_at"))
