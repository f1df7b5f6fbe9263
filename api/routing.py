"""Less work between a request and its route: routers that turn a path away at once, and
routes that hand FastAPI their answer already made.

``PrefixedRouter``: FastAPI keeps each included router whole and, for every request, asks
each in turn to try each of its routes' patterns: with some fifty routers and a hundred and
fifty routes, that search took a fifth of a summary's CPU in the process and more than half
of a 404's. A ``PrefixedRouter`` first compares the request's path with the literal text
that every one of its routes' paths begins with (``/v1/volunteers/``, ``/desk``) and, when
the path does not begin with it, answers "no match" without trying a pattern. A pattern
never matches a path that lacks its literal beginning, so the answer is the same one: the
same route is chosen, and a 404, a 405 with its ``Allow`` and a redirect to the slashed path
are as before.

``AnsweringRoute``: FastAPI runs a plain ``def`` endpoint in a worker thread and then, in a
second trip to a thread, validates what it returned against the response model before
serialising it. Each trip costs about 80 µs of CPU on this machine, more than two of an
authenticated read's queries, and more in waiting when the machine is busy. This route's
endpoint validates and serialises its answer in its own thread, exactly as FastAPI would
(the route's response model, with its include, exclude and alias settings), and hands back
the finished JSON response, which FastAPI sends as it is. A route whose answer FastAPI would
shape further (a ``Response`` or ``BackgroundTasks`` parameter, a response class of its own,
a status without a body) is left to FastAPI.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from fastapi.utils import is_body_allowed_for_status_code
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


class PrefixedRouter(APIRouter):
    """An ``APIRouter`` that says "no match" to a path outside its routes' common beginning;
    its routes are ``AnsweringRoute`` unless it is given another ``route_class``."""

    def __init__(
        self, *args: Any, route_class: type[APIRoute] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, route_class=route_class or AnsweringRoute, **kwargs)
        self._prefix_of: tuple[int, str] = (-1, "")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not get_route_path(scope).startswith(self.common_prefix()):
            return Match.NONE, {}
        return super().matches(scope)

    def common_prefix(self) -> str:
        """The literal text every route's path begins with ('' when it is not known)."""
        count, prefix = self._prefix_of
        if count != len(self.routes):  # routes are only ever added
            prefix = _common_start([_literal_start(route) for route in self.routes])
            self._prefix_of = (len(self.routes), prefix)
        return prefix


def _common_start(texts: list[str]) -> str:
    """The longest text every one of ``texts`` begins with, character by character."""
    if not texts:
        return ""
    first, last = min(texts), max(texts)
    length = 0
    while length < len(first) and first[length] == last[length]:
        length += 1
    return first[:length]


def _literal_start(route: object) -> str:
    """The text before a route's first parameter; '' for a route that is not one path (an
    included router, a host), which a path need not begin with anything to reach."""
    path = getattr(route, "path", None)
    if not isinstance(path, str) or hasattr(route, "original_router"):
        return ""
    return path.split("{", 1)[0]


class AnsweringRoute(APIRoute):
    """A route whose plain ``def`` endpoint returns its JSON answer made, in its own thread."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not _plain_function(endpoint):
            super().__init__(path, endpoint, **kwargs)
            return
        finishing: list[Callable[[Any], Any]] = []  # filled once FastAPI has built the route

        @functools.wraps(endpoint)
        def answering(*args: Any, **values: Any) -> Any:
            answer = endpoint(*args, **values)
            return finishing[0](answer) if finishing else answer

        super().__init__(path, answering, **kwargs)
        if self._answer_is_plain_json():
            finishing.append(self._json_response)

    def _answer_is_plain_json(self) -> bool:
        """Whether FastAPI would send the answer as the response model's JSON and nothing else."""
        return (
            self.response_field is not None
            and isinstance(self.response_class, DefaultPlaceholder)
            and is_body_allowed_for_status_code(self.status_code or 200)
            and not _shapes_its_response(self.dependant)
        )

    def _json_response(self, answer: Any) -> Any:
        """What FastAPI's ``serialize_response`` makes of ``answer``, as a response."""
        if isinstance(answer, Response):
            return answer
        field = self.response_field
        assert field is not None  # checked before this is used
        value, errors = field.validate(answer, {}, loc=("response",))
        if errors:
            raise ResponseValidationError(errors=errors, body=answer)
        content = field.serialize_json(
            value,
            include=self.response_model_include,
            exclude=self.response_model_exclude,
            by_alias=self.response_model_by_alias,
            exclude_unset=self.response_model_exclude_unset,
            exclude_defaults=self.response_model_exclude_defaults,
            exclude_none=self.response_model_exclude_none,
        )
        return Response(content, self.status_code or 200, media_type="application/json")


def _plain_function(endpoint: Callable[..., Any]) -> bool:
    """A ``def`` endpoint that returns its answer (not a coroutine, not a generator)."""
    unwrapped = inspect.unwrap(endpoint)
    return inspect.isfunction(unwrapped) and not (
        inspect.iscoroutinefunction(unwrapped)
        or inspect.isgeneratorfunction(unwrapped)
        or inspect.isasyncgenfunction(unwrapped)
    )


def _shapes_its_response(dependant: Dependant) -> bool:
    """Whether the endpoint or a dependency takes the ``Response`` or ``BackgroundTasks``."""
    return (
        dependant.response_param_name is not None
        or dependant.background_tasks_param_name is not None
        or any(_shapes_its_response(sub) for sub in dependant.dependencies)
    )
