"""The methods a path allows, across every route that serves it.

Starlette answers 405 with the methods of the first route whose path matched; when two routers
serve one path (``GET`` and ``POST /v1/activities/{id}/shifts``), that names only one of them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Match

METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    """The ``Allow`` header for this request's path: every method some route takes there."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed)
