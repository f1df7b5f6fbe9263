"""``report.json`` (every figure) and ``report.md`` (the tables a reader wants) from the
results of one run, with the machine, versions and date it ran on."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("volunteer-ledger", "eventsourcing", "fastapi", "uvicorn", "psycopg", "matplotlib")


def machine() -> dict[str, Any]:
    """What the figures depend on: processor, cores, memory, Python, library versions, wrk."""
    model = platform.processor()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    except OSError:
        pass
    versions: dict[str, str] = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    versions["sqlite"] = sqlite3.sqlite_version
    wrk = shutil.which("wrk")
    if wrk:
        banner = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
        versions["wrk"] = banner.split(" Copyright")[0].strip()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "processor": model,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "versions": versions,
    }


def write_json(out: Path, report: dict[str, Any]) -> Path:
    path = out / "report.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def _range(figure: dict[str, Any], digits: int = 0, suffix: str = "") -> str:
    median, low, high = figure["median"], figure["low"], figure["high"]
    if median is None:
        return "—"
    return f"{median:,.{digits}f}{suffix} ({low:,.{digits}f}–{high:,.{digits}f})"


def _percent(figure: dict[str, Any]) -> str:
    if figure["median"] is None:
        return "—"
    return f"{figure['median']:.0%} ({figure['low']:.0%}–{figure['high']:.0%})"


def http_table(http: dict[str, Any]) -> list[str]:
    lines = [
        "| load | connections | requests/s | p50 ms | p99 ms | beside /healthz | 5xx + no answer "
        "| answers |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for load in http["loads"].values():
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(load["statuses"].items()))
        lines.append(
            f"| {load['title']} | {load.get('connections', '')} | {_range(load['rate'])} | "
            f"{_range(load['p50_ms'], 1)} | "
            f"{_range(load['p99_ms'], 1)} | {_percent(load['ratio_to_healthz'])} | "
            f"{load['failures']} | {statuses} |"
        )
    lines.append("")
    lines.append(
        f"Hot shift beside spread sign-ups: {_percent(http['hot_to_spread'])}. Each load is "
        "set beside /healthz at the same number of connections."
    )
    for load in http["loads"].values():
        if load.get("ran_out"):
            lines.append(
                f"{load['title']}: sent every request it had before its time was up in "
                f"{load['ran_out']} of {len(load['runs'])} rounds, so its rate there is how many "
                "it had, not how fast they were served: build more volunteers for the load."
            )
    return lines


def workers_table(workers: dict[str, Any]) -> list[str]:
    """Each number of workers: medians over the rounds (lowest–highest), and the cores used."""
    lines = [
        "| API workers | sign-ups/s | p50 ms | p99 ms | /healthz/s | 5xx + no answer | "
        "cores: api | projections | postgres | wrk | machine |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for count, runs in workers["rounds"].items():

        def median(values: list[float]) -> str:
            return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"

        def cores(name: str, runs: list[dict[str, Any]] = runs) -> str:
            return f"{statistics.median(r['cores'].get(name, 0.0) for r in runs):.2f}"

        lines.append(
            f"| {count} | {median([r['rate'] for r in runs])} | "
            f"{median([r['p50_ms'] for r in runs])} | {median([r['p99_ms'] for r in runs])} | "
            f"{median([r['healthz_rate'] for r in runs])} | "
            f"{sum(r['failures'] for r in runs)} | {cores('api')} | "
            f"{cores('projections worker')} | {cores('postgres backends')} | "
            f"{cores('load (wrk)')} | {cores('machine')} of {cores('machine_cores')} |"
        )
    ratio = workers["two_to_one"]
    if ratio["median"] is not None:
        lines += [
            "",
            f"Two workers beside one: {ratio['median']:.2f}× "
            f"({ratio['low']:.2f}–{ratio['high']:.2f}), each round's pair measured in turn.",
        ]
    return lines


def memory_table(memory: dict[str, Any]) -> list[str]:
    """Each phase's peak RSS per process, and what each process held after it (threads, open
    SQLite files: each a connection with its own page cache)."""
    names = list(memory["peak_rss_mib"])
    start, held = memory["start_rss_mib"], memory.get("start_holdings", {})
    lifetime = memory.get("lifetime_peak_rss_mib_at_start", {})
    lines = [
        "At start: "
        + "; ".join(f"{n} {start.get(n, 0):.0f} MiB ({_held(held.get(n, {}))})" for n in names),
        "",
        "Highest since each process started (catch-up included), before the soak and after: "
        + "; ".join(
            f"{n} {lifetime.get(n, 0):.0f} → "
            f"{memory.get('lifetime_peak_rss_mib_at_end', {}).get(n, 0):.0f} MiB"
            for n in names
        ),
        "",
        "| cycle | phase | requests so far | answers | "
        + " | ".join(f"{n} peak MiB | {n} holds" for n in names)
        + " |",
        "|---|---|---|---|" + "---|---|" * len(names),
    ]
    for point in memory["points"]:
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(point["statuses"].items()))
        cells = " | ".join(
            f"{point['peak_rss_mib'].get(n, 0):.0f} | {_held(point.get('holdings', {}).get(n, {}))}"
            for n in names
        )
        lines.append(
            f"| {point['cycle'] + 1} | {point['phase']} | {point['requests']:,} | {statuses} | "
            f"{cells} |"
        )
    return lines


def _held(holdings: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in holdings.items())


def _figures(figures: dict[str, Any]) -> list[str]:
    """A section's figures: a table of rows when it has them, else one line per figure."""
    lines = [f"- {key}: {_cell(key, value)}" for key, value in figures.items() if key != "rows"]
    rows = figures.get("rows")
    if isinstance(rows, list) and rows:
        keys = list(rows[0])
        lines += ["", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        lines += ["| " + " | ".join(_cell(k, row.get(k)) for k in keys) + " |" for row in rows]
    return lines


def _cell(key: str, value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.0%}" if "ratio" in key else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_markdown(out: Path, report: dict[str, Any], charts: list[str]) -> Path:
    about = report["machine"]
    build = report["build"]
    lines = [
        f"# Benchmark: scale {report['scale']}, store {report['store']}",
        "",
        f"{about['date']} on {about['processor']}, {about['cores']} cores, {about['memory']}; "
        f"{about['platform']}, Python {about['python']}; "
        + ", ".join(f"{k} {v}" for k, v in about["versions"].items()),
        "",
        "Medians of the rounds, with the lowest and highest in brackets. Ratios are to the "
        "reference measured in the same round on the same server.",
        "",
        "## The ledger",
        "",
        f"{build['events']:,} events stored through the application's commands in "
        f"{build['seconds']:.0f} s ({build['events'] / build['seconds']:,.0f} events/s; "
        f"{build.get('cpu_seconds', 0):.0f} s of processor time, "
        f"load average {build.get('load_average_after', '?')} after), "
        f"seed {build['seed']}, {build['volunteers']:,} volunteers."
        + (
            f" Built on SQLite and moved into PostgreSQL with `volunteer-ledger migrate` in "
            f"{build['migrated_seconds']:.0f} s (read models rebuilt there)."
            if "migrated_seconds" in build
            else ""
        ),
        "",
    ]
    lines += [f"- {name}: {count:,}" for name, count in build["commands"].items()]
    if "http" in report:
        lines += ["", "## HTTP under load (wrk)", "", *http_table(report["http"])]
    if "memory" in report:
        lines += ["", "## Memory over a soak", "", *memory_table(report["memory"])]
    if "workers" in report:
        lines += [
            "",
            "## Spread sign-ups: one API worker against two (PostgreSQL)",
            "",
            *workers_table(report["workers"]),
        ]
    for name, section in report["sections"].items():
        lines += ["", f"## {name.replace('_', ' ').capitalize()}", ""]
        if "error" in section:
            lines.append(f"Failed: {section['error']}")
        else:
            lines += _figures(section)
    if charts:
        lines += ["", "## Charts", ""] + [f"![{chart}]({chart})" for chart in charts]
    elif report.get("charts_note"):
        lines += ["", report["charts_note"]]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
