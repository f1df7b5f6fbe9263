"""What each process counts as it serves: requests by route template, and command collisions.

The instruments live in their own registry, made once per process. Under several workers
(``PROMETHEUS_MULTIPROC_DIR`` set before the process starts, as ``serve --workers`` does) the
library writes every value to a file of that folder, and a scrape of any worker adds them up.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REGISTRY = CollectorRegistry(auto_describe=True)

#: From a millisecond (a read from a warm read model) to ten seconds (a request gave up).
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "volunteer_ledger_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ("method", "route"),
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
REQUESTS = Counter(
    "volunteer_ledger_http_requests",
    "Requests answered, by method, route template and status code.",
    ("method", "route", "status"),
    registry=REGISTRY,
)
COMMAND_CONFLICTS = Counter(
    "volunteer_ledger_command_conflicts",
    "Saves of a command that collided with a concurrent change to the same aggregate.",
    ("command",),
    registry=REGISTRY,
)
COMMAND_RETRIES = Counter(
    "volunteer_ledger_command_retries",
    "Commands run again after a collision (a collision on the last attempt is a 409 instead).",
    ("command",),
    registry=REGISTRY,
)
#: The label of requests that matched no route: raw paths would make one series per URL.
UNMATCHED = "unmatched"


def count_collision(command: str, retried: bool) -> None:
    """The observer ``domain.ledger.command`` calls on each collision."""
    COMMAND_CONFLICTS.labels(command).inc()
    if retried:
        COMMAND_RETRIES.labels(command).inc()


class RequestMetrics:
    """Times every HTTP request and labels it with its route's template (``/v1/shifts/{id}``),
    never the path asked for, so the number of series stays that of the routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless an answer starts: an error escaped and the server answers 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            method = scope["method"]
            REQUEST_SECONDS.labels(method, route).observe(time.perf_counter() - started)
            REQUESTS.labels(method, route, str(status)).inc()
