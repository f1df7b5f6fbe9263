"""Shapes shared by every router: strict request bodies and command responses."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Secret = Annotated[str, StringConstraints(strip_whitespace=False)]
"""A password, code or other secret: taken exactly as sent, where other text is stripped."""

Password = Annotated[Secret, Field(min_length=8, max_length=128)]
"""A new password: 8 to 128 characters, spaces at either end included."""


class Command(BaseModel):
    """A request body: unknown fields are refused, not ignored; text is stripped, secrets not."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Done(BaseModel):
    """A command's response: the global position of the last event it stored."""

    position: int | None = Field(description="pass as ?min_position= to a query to read this write")


class Created(Done):
    id: UUID


class Reason(Command):
    reason: str = Field(min_length=1, max_length=500)
