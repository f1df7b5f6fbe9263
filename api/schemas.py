"""Shapes shared by every router: strict request bodies and command responses.

Request bodies are strict: a number, a boolean or a list is accepted only as that JSON type
(``"5"`` and ``true`` are not capacities). A whole number may be written ``5`` or ``5.0``: JSON
has one number type, and JSON Schema's ``integer`` is any number with no fraction, so ``5.5`` is
refused and ``5.0`` is five. FastAPI hands a body to pydantic as Python objects
parsed from JSON, where strict mode would also refuse the strings JSON carries ids, dates and
times in; so those fields use the types below, which take exactly that text: a UUID, an ISO 8601
date, a time, or a date and time with an offset (never a number of seconds).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    model_validator,
)

_OFFSET = r"([Zz]|[+-]\d{2}(:?\d{2})?)"
_TIME = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
_DATE = r"\d{4}-\d{2}-\d{2}"


def _text_as(pattern: str, native: type, shape: str) -> BeforeValidator:
    """Accept the native value (from Python callers) or text of the pattern, nothing else."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and compiled.fullmatch(value):
            return value
        if isinstance(value, native) and not isinstance(value, str):
            return value
        raise ValueError(f"expected {shape}")

    return BeforeValidator(check)


Uuid = Annotated[UUID, Strict(False)]
"""An id: a UUID as JSON text."""

Day = Annotated[date, Strict(False), _text_as(_DATE, date, "an ISO 8601 date, e.g. 2026-03-02")]
"""A calendar date as JSON text: YYYY-MM-DD."""

LocalTime = Annotated[
    time, Strict(False), _text_as(_TIME + _OFFSET + "?", time, "a time of day, e.g. 08:30")
]
"""A time of day as JSON text: HH:MM or HH:MM:SS."""

Instant = Annotated[
    AwareDatetime,
    Strict(False),
    _text_as(
        _DATE + r"[Tt ]" + _TIME + _OFFSET,
        datetime,
        "an ISO 8601 date and time with an offset, e.g. 2026-03-02T08:00:00+08:00",
    ),
]
"""An instant as JSON text, or as a query parameter: ISO 8601 with an offset, never seconds."""

Secret = Annotated[str, StringConstraints(strip_whitespace=False)]
"""A password, code or other secret: taken exactly as sent, where other text is stripped."""

Password = Annotated[Secret, Field(min_length=8, max_length=128)]
"""A new password: 8 to 128 characters, spaces at either end included."""


VISIBLE = r"[^\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
"""A pattern that text matches when it holds a character other than white space (exactly the
characters ``str.strip`` removes), so the schema says what stripping then needing one
character means."""

Text = Annotated[str, StringConstraints(min_length=1, pattern=VISIBLE)]
"""Text that must say something: white space alone is refused."""


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


class Command(BaseModel):
    """A request body: unknown fields are refused, not ignored; values are taken only in their
    own JSON types (a whole number also as ``5.0``); text is stripped, secrets not."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _numbers_as_json_means_them(cls, data: Any) -> Any:
        return _whole_numbers(data)


class Done(BaseModel):
    """A command's response: the global position of the last event it stored."""

    position: int | None = Field(description="pass as ?min_position= to a query to read this write")


class Created(Done):
    id: UUID


class Reason(Command):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "活动场地临时封闭"}]})

    reason: Text = Field(max_length=500)
