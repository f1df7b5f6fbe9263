"""The read models' progress: how far each projection has read the ledger, and how far behind."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.deps import PrincipalDep, ServicesDep
from api.routing import PrefixedRouter

router = PrefixedRouter(prefix="/v1/projections", tags=["projections"])


class ProjectionPublic(BaseModel):
    name: str
    position: int = Field(description="the global position of the last event it has processed")
    head: int = Field(description="the global position of the last stored event")
    lag: int = Field(description="head minus position: how many positions it has still to read")
    state: Literal["current", "catching up"]


class ProjectionsPublic(BaseModel):
    items: list[ProjectionPublic]


@router.get("")
def list_projections(services: ServicesDep, principal: PrincipalDep) -> ProjectionsPublic:
    """Each read model's position, the head of the ledger, and the lag between them."""
    return ProjectionsPublic(
        items=[
            ProjectionPublic(
                name=p.name,
                position=p.position,
                head=p.head,
                lag=p.lag,
                state="current" if p.lag == 0 else "catching up",
            )
            for p in services.runner.progress()
        ]
    )
