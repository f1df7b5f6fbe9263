"""What the server's logs may not hold: names, phones, birth dates, secrets.

The service logs no request bodies, and its messages name ids, never people. What remains is
uvicorn's access log, which writes each request's path with its query string: a search for a
volunteer by phone or name (``?q=13910007919``) or a calendar feed's secret (``?token=``)
would land in it. ``hide_query_values`` keeps the names of the query parameters and drops
their values, so the access log still tells which route was asked how.
"""

from __future__ import annotations

import logging

#: uvicorn's access logger, and where its message puts the path with the query string:
#: ``'%s - "%s %s HTTP/%s" %d'`` (client, method, path, HTTP version, status).
ACCESS_LOGGER = "uvicorn.access"
_PATH_ARGUMENT = 2
HIDDEN = "…"


def without_query_values(path: str) -> str:
    """``/v1/x?q=139&limit=5`` as ``/v1/x?q=…&limit=…``."""
    path, question_mark, query = path.partition("?")
    if not question_mark:
        return path
    names = [part.partition("=")[0] for part in query.split("&") if part]
    return f"{path}?" + "&".join(f"{name}={HIDDEN}" for name in names)


class QueryValuesHidden(logging.Filter):
    """Rewrites an access log record's path before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _PATH_ARGUMENT:
            path = args[_PATH_ARGUMENT]
            if isinstance(path, str) and "?" in path:
                shown = list(args)
                shown[_PATH_ARGUMENT] = without_query_values(path)
                record.args = tuple(shown)
        return True


def hide_query_values() -> None:
    """Install the filter on uvicorn's access logger (once, however many apps are made)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(known, QueryValuesHidden) for known in logger.filters):
        logger.addFilter(QueryValuesHidden())
