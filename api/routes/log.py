"""The transparency log, public: signed checkpoints, inclusion and consistency proofs, leaves.

Nothing here needs a login: a leaf (format 2) shows no personal data and no identifier, and
nothing that links two leaves of one person (docs/transparency-log.md); proofs are what lets
anyone check a certificate without trusting this server.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Cursor, Limit
from api.pagination import decode_cursor, encode_cursor
from api.problems import NotFound
from api.routing import PrefixedRouter
from domain.errors import InvalidInputError, NotFoundError
from projections.transparency.log import TransparencyLog
from projections.transparency.records import SignedCheckpoint
from trust.tlog_proof import TlogProof, format_tlog_proof

MAX_INDEX = 2**53 - 1
TEXT = {"text/plain": {"schema": {"type": "string"}}}

router = PrefixedRouter(
    prefix="/v1/log",
    tags=["transparency log"],
    responses={404: {"description": "Not there, or this service keeps no log"}},
)


async def get_log(request: Request) -> TransparencyLog:
    log: TransparencyLog | None = getattr(request.app.state, "transparency_log", None)
    if log is None:
        raise NotFound("this service keeps no transparency log")
    return log


LogDep = Annotated[TransparencyLog, Depends(get_log)]
Index = Annotated[int, Query(ge=0, le=MAX_INDEX, description="leaf index, from 0")]
TreeSize = Annotated[int, Query(ge=1, le=MAX_INDEX, description="a tree size")]


class CheckpointPublic(BaseModel):
    size: int
    root: str = Field(description="base64 root hash")
    note: str = Field(description="the C2SP signed note, verbatim")
    signed_at: datetime


class CheckpointPage(BaseModel):
    items: list[CheckpointPublic]
    next_cursor: str | None


class InclusionProofPublic(BaseModel):
    index: int
    size: int
    leaf_hash: str = Field(description="base64 SHA-256(0x00 ‖ leaf data)")
    proof: list[str] = Field(description="base64 hashes, the leaf's sibling first (RFC 9162)")
    checkpoint: str | None = Field(description="the signed checkpoint of this size, if any")


class ConsistencyProofPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: int = Field(alias="from")
    to: int
    proof: list[str] = Field(description="base64 hashes (RFC 9162 §2.1.4)")


class LeafPublic(BaseModel):
    index: int
    position: int = Field(description="the event's global position in the event store")
    data: str = Field(description="the leaf: canonical JSON, hashed as UTF-8 bytes")
    leaf_hash: str = Field(description="base64 SHA-256(0x00 ‖ data)")


def current_checkpoint(log: TransparencyLog) -> SignedCheckpoint:
    """The latest checkpoint; the first request of a new log signs one."""
    return log.latest_checkpoint() or log.refresh()


@router.get("/checkpoint", summary="The latest signed checkpoint", response_class=PlainTextResponse)
def checkpoint(
    log: LogDep,
    fresh: Annotated[
        bool, Query(description="catch up with the store and sign a new checkpoint if it grew")
    ] = False,
) -> PlainTextResponse:
    """The latest signed checkpoint (C2SP tlog-checkpoint), as text."""
    signed = log.refresh() if fresh else current_checkpoint(log)
    return PlainTextResponse(signed.note)


@router.get("/checkpoints", summary="Signed checkpoints in order")
def checkpoints(log: LogDep, limit: Limit = 50, cursor: Cursor = None) -> CheckpointPage:
    """Every checkpoint signed, oldest (smallest) first."""
    after = decode_cursor(cursor)
    try:
        after_size = int(after[0]) if after else -1
    except ValueError:
        raise InvalidInputError("the cursor is not one this service gave out") from None
    found = log.checkpoints(after_size, limit + 1)
    page = found[:limit]
    return CheckpointPage(
        items=[_checkpoint(c) for c in page],
        next_cursor=encode_cursor((str(page[-1].size), "size")) if len(found) > limit else None,
    )


@router.get(
    "/proofs/inclusion",
    response_model=InclusionProofPublic,
    responses={200: {"content": TEXT, "description": "JSON, or C2SP tlog-proof text"}},
)
def inclusion_proof(
    log: LogDep,
    request: Request,
    index: Index,
    size: Annotated[
        int | None,
        Query(ge=1, le=MAX_INDEX, description="tree size (default: the latest checkpoint's)"),
    ] = None,
) -> InclusionProofPublic | PlainTextResponse:
    """That leaf ``index`` is in the tree of ``size``; ``Accept: text/plain`` for a tlog-proof."""
    size = size if size is not None else current_checkpoint(log).size
    _check_size(log, size)
    if index >= size:
        raise InvalidInputError(
            f"leaf {index} is not in a tree of size {size}", index=index, size=size
        )
    proof = log.inclusion_proof(index, size)
    signed = log.checkpoint(size)
    if _wants_text(request):
        if signed is None:
            raise NotFoundError("checkpoint of size", size)
        return PlainTextResponse(format_tlog_proof(TlogProof(index, tuple(proof), signed.note)))
    leaf = log.leaf(index)
    assert leaf is not None  # index < size <= the log's size
    return InclusionProofPublic(
        index=index,
        size=size,
        leaf_hash=_b64(leaf.hash),
        proof=[_b64(node) for node in proof],
        checkpoint=signed.note if signed else None,
    )


@router.get("/proofs/consistency")
def consistency_proof(
    log: LogDep,
    old_size: Annotated[int, Query(alias="from", ge=1, le=MAX_INDEX, description="older size")],
    new_size: Annotated[int, Query(alias="to", ge=1, le=MAX_INDEX, description="newer size")],
) -> ConsistencyProofPublic:
    """That the tree of size ``to`` extends the tree of size ``from``, appending only."""
    if old_size > new_size:
        raise InvalidInputError(
            "a consistency proof goes from a smaller size to a larger one",
            old_size=old_size,
            new_size=new_size,
        )
    _check_size(log, new_size)
    proof = log.consistency_proof(old_size, new_size)
    return ConsistencyProofPublic.model_validate(
        {"from": old_size, "to": new_size, "proof": [_b64(node) for node in proof]}
    )


@router.get("/leaves/{index}", summary="One leaf of the transparency log")
def leaf(log: LogDep, index: Annotated[int, Path(ge=0, le=MAX_INDEX)]) -> LeafPublic:
    """One leaf's data: the event's type, time, a status at most, and salted commitments; no
    personal data and no id of anyone."""
    found = log.leaf(index)
    if found is None:
        raise NotFoundError("leaf", index)
    return LeafPublic(
        index=found.index,
        position=found.position,
        data=found.data.decode(),
        leaf_hash=_b64(found.hash),
    )


@router.get("/vkey", response_class=PlainTextResponse)
def verifier_key(log: LogDep) -> PlainTextResponse:
    """The signed-note verifier key of the log's checkpoints (better obtained out of band)."""
    return PlainTextResponse(log.vkey + "\n")


def _check_size(log: TransparencyLog, size: int) -> None:
    log_size = log.size()
    if size > log_size:
        raise InvalidInputError(
            f"the log has {log_size} leaves, not {size}", size=size, log_size=log_size
        )


def _wants_text(request: Request) -> bool:
    """``text/plain`` preferred (by order or q-value) over JSON in the Accept header."""
    best: dict[str, float] = {}
    for position, item in enumerate(request.headers.get("accept", "").split(",")):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media in ("text/plain", "application/json") and media not in best:
            best[media] = quality - position * 1e-6
    return best.get("text/plain", 0.0) > best.get("application/json", 0.0)


def _checkpoint(signed: SignedCheckpoint) -> CheckpointPublic:
    return CheckpointPublic(
        size=signed.size, root=_b64(signed.root), note=signed.note, signed_at=signed.signed_at
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
