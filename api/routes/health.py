"""Liveness and readiness, for deployments."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the store cannot be reached"}})
def readyz(services: ServicesDep) -> JSONResponse:
    """The event store and the read models answer."""
    try:
        position = services.ledger.recorder.max_notification_id() or 0
        services.views.query("SELECT 1")
    except Exception:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ready", "position": position})
