"""The sections of the report: each a function of the run's context returning its figures.

A section is registered in ``SECTIONS`` by name; the command runs them in order after the HTTP
load and the memory soak (which need the running service), records what each returns, and
carries on past one that fails (its error goes in the report). The existing bench scripts
each expose a function the sections call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.personal_data import ledger_for
from api.settings import Settings
from bench import bench_certificates, bench_load, bench_projections, bench_transparency
from bench.builder import BuiltLedger
from bench.scratch_store import scratch_store
from bench.synthetic import generate
from domain.ledger import Ledger
from projections import all_projections


@dataclass(frozen=True)
class Scale:
    name: str
    events: int
    rounds: int
    seconds: float
    soak_cycles: int
    soak_seconds: float
    synthetic_events: int
    certificates: int
    load_events: int
    breakdown: bool


SCALES = {
    "small": Scale("small", 10_000, 3, 2, 2, 3, 10_000, 5, 300, False),
    "medium": Scale("medium", 1_000_000, 3, 10, 6, 15, 100_000, 50, 2_000, True),
}


@dataclass(frozen=True)
class Context:
    settings: Settings
    built: BuiltLedger
    scale: Scale
    store_kind: str  # "sqlite" or "postgres"
    out: Path


Section = Callable[[Context], dict[str, Any]]


def projections_section(context: Context) -> dict[str, Any]:
    """Catch-up of every read model over the built ledger beside raw read + decode of it."""
    ledger = ledger_for(context.settings)
    try:
        names = [p.name for p in all_projections()]
        rows = bench_projections.measure(
            ledger, context.built.store, 5000, names, context.scale.breakdown
        )
    finally:
        ledger.close()
    return {"events": context.built.events, "rows": rows}


def transparency_section(context: Context) -> dict[str, Any]:
    """The transparency log over a synthetic stream in a store of its own."""
    with scratch_store(context.store_kind) as url:
        ledger = Ledger(url)
        try:
            stored = generate(ledger, context.scale.synthetic_events, seed=2025, batch=10_000)
            return {"events": stored, **bench_transparency.measure(ledger, url, 1000)}
        finally:
            ledger.close()


def certificates_section(context: Context) -> dict[str, Any]:
    return bench_certificates.run(context.scale.certificates)


def aggregate_loading_section(context: Context) -> dict[str, Any]:
    return bench_load.run(context.scale.load_events, context.store_kind)


def _optional(module: str, call: Callable[[Any, Context], dict[str, Any]]) -> Section:
    """A section from a bench module that may not be on this branch yet: skipped when absent."""

    def section(context: Context) -> dict[str, Any]:
        try:
            found = importlib.import_module(module)
        except ModuleNotFoundError as missing:
            if missing.name != module:
                raise
            return {"skipped": f"{module} is not in this checkout"}
        return call(found, context)

    return section


# --- Sections of other helpers: register them here -------------------------------------------
# bench/bench_commands.py (commands in-process beside a raw one-row commit) and
# bench/bench_reads.py (authenticated reads) are written on other branches. Adjust the calls
# to their final signatures when merging.
commands_section = _optional(
    "bench.bench_commands", lambda module, context: module.run(context.built.store)
)
reads_section = _optional(
    "bench.bench_reads", lambda module, context: module.run(context.built.store)
)

SECTIONS: dict[str, Section] = {
    "projections": projections_section,
    "transparency_log": transparency_section,
    "certificates": certificates_section,
    "aggregate_loading": aggregate_loading_section,
    "commands": commands_section,
    "reads": reads_section,
}
