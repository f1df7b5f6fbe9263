"""Enumerations a deployment configures (organisation kinds, activity categories) shown as
``enum`` in the OpenAPI document, not only listed in a 422's detail.

A field or parameter says which list it takes with ``json_schema_extra=ENUM_FROM[...]``;
``install_enumerations`` puts the deployment's values in its place when the document is made.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from domain.policy import Policy

_MARK = "x-enum-from"
ORGANISATION_KINDS: dict[str, Any] = {_MARK: "organisation_kinds"}
CATEGORIES: dict[str, Any] = {_MARK: "categories"}


def install_enumerations(app: FastAPI, policy: Policy) -> None:
    """Wrap the app's OpenAPI builder so marked schemas carry the policy's values."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        _fill(schema, policy)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _fill(node: Any, policy: Policy) -> None:
    if isinstance(node, dict):
        name = node.pop(_MARK, None)
        if name is not None:
            values = list(getattr(policy, name))
            if "anyOf" in node:  # optional: the enum goes on the text branch
                for branch in node["anyOf"]:
                    if branch.get("type") == "string":
                        branch["enum"] = values
            else:
                node["enum"] = values
        for value in node.values():
            _fill(value, policy)
    elif isinstance(node, list):
        for value in node:
            _fill(value, policy)
