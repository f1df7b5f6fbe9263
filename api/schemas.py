"""Shapes shared by every router: strict request bodies and command responses."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Command(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Done(BaseModel):
    """A command's response: the global position of the last event it stored."""

    position: int | None = Field(description="pass as ?min_position= to a query to read this write")


class Created(Done):
    id: UUID


class Reason(Command):
    reason: str = Field(min_length=1, max_length=500)
