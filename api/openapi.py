"""The OpenAPI document tells the truth about errors: every one is application/problem+json."""

from __future__ import annotations

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
                    _document_unknown_ids(operation, schema)
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


def _document_unknown_ids(operation: dict[str, Any], schema: dict[str, Any]) -> None:
    """A body that names something by id (``…_id``) is a 404 when nothing has that id."""
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        body = media.get("schema", {})
        ref = body.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[1], {})
        if any(name.endswith("_id") for name in body.get("properties", {})):
            operation["responses"].setdefault(
                "404",
                {
                    "description": "Something the body names by id does not exist",
                    "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
                },
            )


#: ``openapi_extra`` of a route anyone may call: a token is optional (with one it may show more).
NO_TOKEN_NEEDED: dict[str, Any] = {"security": [{}]}
