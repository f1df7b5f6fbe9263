"""Liveness and readiness, for deployments."""

from __future__ import annotations

import logging

from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from api.problems import STORE_RETRY_AFTER_SECONDS
from api.routing import PrefixedRouter
from vault import Vault

router = PrefixedRouter(tags=["health"])
logger = logging.getLogger(__name__)


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    """The process is up: it answers even while the database is away (restarting won't help)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The store and read models answer",
    responses={
        503: {"description": "the event store, its keys or the read models cannot be reached"}
    },
)
def readyz(services: ServicesDep) -> JSONResponse:
    """The event store, its keys and the read models answer; if not, which does not.

    Each is given as long as a request would wait for it, so this answers within seconds.
    """
    try:
        position = services.ledger.recorder.max_notification_id() or 0
    except Exception as error:
        return _unready("event-store", "the event store's database cannot be reached", error)
    if isinstance(services.ledger.sealer, Vault):
        try:
            services.ledger.sealer.ping()
        except Exception as error:
            return _unready("keys", "the personal data keys' database cannot be reached", error)
    try:
        services.views.query("SELECT 1")
    except Exception as error:
        return _unready("read-models", "the read models' database cannot be reached", error)
    return JSONResponse({"status": "ready", "position": position})


def _unready(component: str, reason: str, error: Exception) -> JSONResponse:
    lines = str(error).strip().splitlines()
    logger.warning("not ready: %s: %s", reason, lines[0] if lines else type(error).__name__)
    body = {"status": "unavailable", "component": component, "reason": reason}
    headers = {"Retry-After": str(STORE_RETRY_AFTER_SECONDS)}
    return JSONResponse(body, status_code=503, headers=headers)
