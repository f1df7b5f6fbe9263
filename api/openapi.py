"""The OpenAPI document tells the truth about errors: every one is application/problem+json."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.problems import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; some problems add members (errors, request_id …)",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status"],
    "additionalProperties": True,
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
EVERY_OPERATION = {
    "500": "Unexpected error; the body carries a request id and nothing internal",
    "405": "Method not allowed",
}
AUTHENTICATED = {"401": "Missing, expired or invalid token", "403": "Not allowed for this role"}
UNREADABLE_BODY = {"400": "The body cannot be read: not UTF-8, or not JSON or the form declared"}
WITH_BODY = {
    "413": "Request body too large",
    "422": "Invalid input",
    "409": "Refused by a rule of the ledger",
}


def install_problem_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                PROBLEM_SCHEMA
            )
            for path in schema["paths"].values():
                for operation in path.values():
                    _document_problems(operation)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document_problems(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    extra = dict(EVERY_OPERATION)
    if operation.get("security"):
        extra |= AUTHENTICATED
    if "requestBody" in operation or operation.get("parameters"):
        extra |= WITH_BODY
    if "requestBody" in operation:
        extra |= UNREADABLE_BODY
    for status, description in extra.items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        if int(status) >= 400 and "text/html" not in response.get("content", {}):
            # (a page for people, such as /V/{number}'s 404, declares its HTML and keeps it)
            response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
            if response.get("description") in (None, "", "Successful Response"):
                response["description"] = "Problem"


#: ``openapi_extra`` of a route anyone may call: a token is optional (with one it may show more).
NO_TOKEN_NEEDED: dict[str, Any] = {"security": [{}]}
#: The key a schema carries (``json_schema_extra``) to take the enum of a deployment's list:
#: ``{"x-policy-enum": "categories"}`` or ``"organisation_kinds"``.
POLICY_ENUM = "x-policy-enum"


def install_policy_enums(app: FastAPI, enums: Mapping[str, Sequence[str]]) -> None:
    """The deployment's lists (``enums``, by name) as the enums of the schemas that ask for
    them (``POLICY_ENUM``), in the document the app's ``openapi()`` builds."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        first = app.openapi_schema is None
        schema = build()
        if first:
            fill_policy_enums(schema, enums)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def fill_policy_enums(node: Any, enums: Mapping[str, Sequence[str]]) -> None:
    """Replace each ``POLICY_ENUM`` marker with the enum of that list (on the string branch of
    an ``anyOf``, so that an optional value stays optional)."""
    if isinstance(node, list):
        for item in node:
            fill_policy_enums(item, enums)
        return
    if not isinstance(node, dict):
        return
    name = node.pop(POLICY_ENUM, None)
    if name is not None and name in enums:
        branches = [b for b in node.get("anyOf", []) if b.get("type") == "string"]
        for target in branches or [node]:
            target["enum"] = list(enums[name])
    for value in node.values():
        fill_policy_enums(value, enums)
