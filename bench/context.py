"""What every section is given: the scale of the run, the settings and the built ledger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.settings import Settings
from bench.builder import BuiltLedger


@dataclass(frozen=True)
class Scale:
    """How big a run is: ``small`` for CI's smoke test, ``medium`` for the figures of record."""

    name: str
    #: Events the builder stores through the commands.
    events: int
    #: Rounds of the HTTP loads (medians over them), and seconds of each wrk run.
    rounds: int
    seconds: float
    #: Cycles of the soak's four phases, and seconds of each phase.
    soak_cycles: int
    soak_seconds: float
    #: Events of the transparency log's own synthetic store.
    synthetic_events: int
    #: Certificates issued and verified; events of the one aggregate loaded.
    certificates: int
    load_events: int
    #: Each projection's catch-up timed alone too.
    breakdown: bool
    #: Sign-ups and summaries sent in-process under tracemalloc.
    trace_requests: int


SCALES = {
    "small": Scale("small", 10_000, 3, 3, 2, 3, 10_000, 5, 300, False, 60),
    "medium": Scale("medium", 1_000_000, 3, 10, 6, 15, 100_000, 50, 2_000, True, 1_000),
}


@dataclass(frozen=True)
class Context:
    settings: Settings
    built: BuiltLedger
    scale: Scale
    store_kind: str  # "sqlite" or "postgres"
    out: Path
    #: The projections timed alone too, when given (``--breakdown``); else as the scale says.
    breakdown: tuple[str, ...] | None = None


Section = Callable[[Context], dict[str, Any]]
