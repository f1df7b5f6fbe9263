"""The sections of the report: each a function of the run's context returning its figures.

A section is registered in ``SECTIONS`` by name; the command runs them in order after the HTTP
load and the memory soak (which need the running service), records what each returns, and
carries on past one that fails (its error goes in the report). The existing bench scripts
each expose a function the sections call.
"""

from __future__ import annotations

from typing import Any

from api.personal_data import ledger_for
from bench import (
    bench_certificates,
    bench_commands,
    bench_load,
    bench_projections,
    bench_reads,
    bench_transparency,
)
from bench.context import Context, Section
from bench.memory_trace import memory_growth_section
from bench.scratch_store import scratch_store
from bench.synthetic import generate
from domain.ledger import Ledger
from projections import all_projections


def projections_section(context: Context) -> dict[str, Any]:
    """Catch-up of every read model over the built ledger beside raw read + decode of it."""
    ledger = ledger_for(context.settings)
    try:
        names = [p.name for p in all_projections()]
        alone = context.breakdown if context.breakdown is not None else context.scale.breakdown
        rows = bench_projections.measure(
            ledger, context.built.store, 5000, names, names if alone is True else list(alone or [])
        )
        # One process per group on the machine's cores: the audit trail, and the rest.
        groups = [{"audit"}, set(names) - {"audit"}]
        split_rows, together = bench_projections.measure_split(
            ledger, context.built.store, 5000, groups, context.settings, compare_one_file=True
        )
    finally:
        ledger.close()
    figures: dict[str, Any] = {
        "events": context.built.events,
        "rows": rows + [row for row in split_rows if not str(row["label"]).startswith("raw")],
        "groups_at_once_to_slowest_group_alone": together,
    }
    slowest = max(float(str(r["seconds"])) for r in split_rows if "alone" in str(r["label"]))
    for row in split_rows:  # SQLite: the same as before, every read model in one file
        if str(row["label"]).endswith("one file"):
            one_file = float(str(row["seconds"])) / slowest
            figures["groups_at_once_in_one_file_to_slowest_group_alone"] = one_file
    return figures


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


def commands_section(context: Context) -> dict[str, Any]:
    """Commands in-process beside a raw one-row commit, on an empty store of the same kind."""
    with scratch_store(context.store_kind) as url:
        return bench_commands.run(url)


def reads_section(context: Context) -> dict[str, Any]:
    """Summary and leaderboard in-process beside /healthz, by processor time (it holds on a
    loaded machine, where the wall clock does not), over a synthetic ledger of the scale."""
    return bench_reads.run(context.scale.synthetic_events)


SECTIONS: dict[str, Section] = {
    "projections": projections_section,
    "transparency_log": transparency_section,
    "certificates": certificates_section,
    "aggregate_loading": aggregate_loading_section,
    "memory_growth": memory_growth_section,
    "commands": commands_section,
    "reads": reads_section,
}
