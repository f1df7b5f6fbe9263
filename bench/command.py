"""Build a ledger, load the real service with wrk, soak it, and write a report.

``volunteer-ledger bench`` and ``python -m bench`` run ``main``: a ledger built through the
application's commands, the service started on it and loaded with wrk, a memory soak, every
registered section (``bench.sections``), then report.md, report.json and charts.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
import traceback
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from api.cli.errors import CliError
from api.cli.migrate import run_migrate
from api.settings import Settings
from bench.builder import BuiltLedger, LoadPlan, build_ledger
from bench.charts import write_charts
from bench.context import SCALES, Context
from bench.http_load import SCENARIOS, log_in, run_rounds, summarise
from bench.memory import soak
from bench.progress import ProgressBar
from bench.report import machine, write_json, write_markdown
from bench.scratch_store import scratch_store
from bench.sections import SECTIONS
from bench.server import running_service
from bench.workers import compare_workers
from bench.wrk import WrkMissingError, ensure_wrk


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="small",
        help="small: about 10,000 events, a few minutes; medium: about 1,000,000 events",
    )
    parser.add_argument(
        "--store",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="postgres: a schema of its own in $VOLUNTEER_LEDGER_TEST_POSTGRES_DSN, dropped after",
    )
    parser.add_argument("--out", type=Path, default=Path("bench-report"), help="report folder")
    parser.add_argument("--seed", type=int, default=2025, help="the same seed, the same ledger")
    parser.add_argument("--events", type=int, help="events to build (default: the scale's)")
    parser.add_argument("--port", type=int, help="the service's port (default: a free one)")
    parser.add_argument(
        "--only", default="", help="comma-separated sections to run (default: every one)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API workers of the service the HTTP loads and the soak meet (above 1: postgres)",
    )
    parser.add_argument(
        "--breakdown",
        help="projections whose catch-up is timed alone too: comma-separated names, or none "
        "(default: every one at medium scale, none at small)",
    )


def run(args: argparse.Namespace) -> int:
    """The whole benchmark; 0 when every section ran, 1 when one failed (the report says)."""
    scale = SCALES[args.scale]
    if args.events:
        scale = dataclasses.replace(scale, events=args.events)
    only = {name for name in args.only.split(",") if name}
    unknown = only - set(SECTIONS) - {"http", "memory", "workers"}
    if unknown:
        known = ", ".join(["http", "memory", "workers", *SECTIONS])
        print(
            f"volunteer-ledger bench: unknown sections: {', '.join(sorted(unknown))} "
            f"(known: {known})",
            file=sys.stderr,
        )
        return 2
    if args.workers > 1 and args.store != "postgres":
        print("volunteer-ledger bench: --workers above 1 needs --store postgres", file=sys.stderr)
        return 2
    # One worker against two: on PostgreSQL (the only store several workers share).
    workers = args.store == "postgres" and (not only or "workers" in only)
    try:
        ensure_wrk()
    except WrkMissingError as missing:
        print(f"volunteer-ledger bench: {missing}", file=sys.stderr)
        return 1
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"scale": scale.name, "store": args.store, "machine": machine()}
    with ExitStack() as stack:
        store = stack.enter_context(scratch_store(args.store))
        plan = LoadPlan(runs=scale.rounds * (3 if workers else 1))
        try:
            settings, built, report["build"] = build_in(stack, store, scale.events, args.seed, plan)
        except CliError as error:  # the move into PostgreSQL failed: one line, as migrate says
            print(f"volunteer-ledger bench: {error}", file=sys.stderr)
            return 1
        _say(f"built {built.events:,} events; starting the service")
        with running_service(settings, out / "logs", args.port, args.workers) as service:
            token = log_in(service.url, built.organiser_login, built.organiser_password)
            if not only or "http" in only:
                _say(
                    f"HTTP: {scale.rounds} rounds of {len(SCENARIOS)} loads, "
                    f"{scale.seconds:g} s each"
                )
                results = run_rounds(
                    service.url, built, token=token, rounds=scale.rounds, seconds=scale.seconds
                )
                report["http"] = summarise(results)
            if not only or "memory" in only:
                _say(f"memory soak: {scale.soak_cycles} cycles of 4 phases")
                load = _load_average()
                report["memory"] = soak(
                    service.url,
                    built,
                    {"api worker": service.api_pid, "projections worker": service.projections_pid},
                    token=token,
                    cycles=scale.soak_cycles,
                    seconds=scale.soak_seconds,
                )
                report["memory"]["load_average_before_and_after"] = f"{load} → {_load_average()}"
        if workers:
            _say(f"API workers: 1 against 2, {scale.rounds} rounds")
            report["workers"] = compare_workers(
                settings,
                built,
                out / "logs",
                rounds=scale.rounds,
                seconds=scale.seconds,
                first_shifts=scale.rounds,
                port=args.port,
            )
        breakdown = None
        if args.breakdown is not None:
            breakdown = tuple(n for n in args.breakdown.split(",") if n and n != "none")
        context = Context(settings, built, scale, args.store, out, breakdown)
        report["sections"] = {}
        for name, section in SECTIONS.items():
            if only and name not in only:
                continue
            _say(f"section {name}")
            report["sections"][name] = _run_section(section, context)
    return _write(out, report)


def build_in(
    stack: ExitStack, store: str, events: int, seed: int, plan: LoadPlan
) -> tuple[Settings, BuiltLedger, dict[str, Any]]:
    """The settings of the service on ``store``, the ledger built there, and the build's
    figures. A PostgreSQL store is loaded as a ledger that outgrew the embedded default would
    be: built on SQLite in a folder of its own (which keeps its key files, the ledger's from then
    on), then moved with ``volunteer-ledger migrate`` (read models rebuilt on the target)."""
    postgres = not store.startswith("sqlite:")
    built_on = stack.enter_context(scratch_store("sqlite")) if postgres else store
    data = Path(built_on.removeprefix("sqlite:///")).parent
    settings = Settings(data_dir=data, store=built_on)
    bar = ProgressBar(f"building {events:,} events")
    started, cpu = time.perf_counter(), time.process_time()
    built = build_ledger(settings, events, seed=seed, plan=plan, progress=bar)
    bar.close()
    figures: dict[str, Any] = {
        "load_average_after": _load_average(),
        "events": built.events,
        "seconds": time.perf_counter() - started,
        # Of this process: on a shared machine it varies far less than the wall time.
        "cpu_seconds": time.process_time() - cpu,
        "seed": seed,
        "volunteers": len(built.volunteers),
        "commands": dict(built.commands),
    }
    if postgres:
        _say("moving the ledger into PostgreSQL with volunteer-ledger migrate")
        started = time.perf_counter()
        run_migrate(settings, argparse.Namespace(to=store, progress="auto"))
        figures["migrated_seconds"] = time.perf_counter() - started
        settings = Settings(data_dir=data, store=store)
        built.store = store
    return settings, built, figures


def _run_section(section: Any, context: Context) -> dict[str, Any]:
    started, load = time.perf_counter(), _load_average()
    try:
        figures = dict(section(context))
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        return {"error": f"{type(error).__name__}: {error}"}
    figures["section_seconds"] = time.perf_counter() - started
    figures["load_average_before_and_after"] = f"{load} → {_load_average()}"
    return figures


def _load_average() -> str:
    """The machine's load average over the last minute (others' work too, on a shared one)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def _write(out: Path, report: dict[str, Any]) -> int:
    try:
        charts = write_charts(out, report)
    except ImportError:
        charts = []
        report["charts_note"] = (
            "No charts: matplotlib is not installed (pip install 'volunteer-ledger[bench]')."
        )
    write_json(out, report)
    markdown = write_markdown(out, report, charts)
    print(markdown.read_text())
    _say(f"report written to {out}/report.md and report.json")
    failed = [name for name, section in report["sections"].items() if "error" in section]
    return 1 if failed else 0


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None, prog: str = "python -m bench") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    add_arguments(parser)
    try:
        return run(parser.parse_args(argv))
    except KeyboardInterrupt:
        return 130
