"""``GET /metrics``: the Prometheus text format, for the scraper holding the metrics token.

Not in the OpenAPI document: it answers text, not JSON, and is not for API clients.
"""

from __future__ import annotations

import os
import secrets
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from api.deps import ServicesDep
from api.metrics.instruments import REGISTRY
from api.metrics.live import StoreCollector
from api.problems import Unauthenticated
from api.routing import PrefixedRouter

router = PrefixedRouter(include_in_schema=False)
#: The text format every Prometheus version reads.
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/metrics")
def metrics(
    request: Request,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    token = services.settings.metrics_token
    scheme, _, given = (authorization or "").partition(" ")
    if (
        token is None
        or scheme.lower() != "bearer"
        or not secrets.compare_digest(given.encode(), token.get_secret_value().encode())
    ):
        raise Unauthenticated("The metrics token is required.")
    store = CollectorRegistry(auto_describe=False)
    store.register(StoreCollector(services.runner, request.app.state.transparency_log))
    return Response(_counted() + generate_latest(store), media_type=TEXT_FORMAT)


def _counted() -> bytes:
    """This process's instruments, or every worker's added up (multiprocess mode)."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return generate_latest(REGISTRY)
    workers = CollectorRegistry(auto_describe=False)
    MultiProcessCollector(workers)  # type: ignore[no-untyped-call]
    return generate_latest(workers)
