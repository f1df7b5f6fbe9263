"""How fast the projection runner catches up, beside the raw speed of reading the same log.

    .venv/bin/python -m bench.bench_projections [--events 1000000] [--store sqlite|postgres|both]
        [--batch-size 5000] [--only NAME[,NAME…]] [--without NAME[,NAME…]] [--breakdown]

For each store: fill a fresh ledger with a realistic synthetic stream (bench/synthetic.py),
time reading and decoding the whole notification log in batches (select_notifications and
mapper.to_domain_event, no projection work), then time a catch-up of every projection from zero
into a fresh read-model store, and print both and their ratio. ``--without`` adds a second
catch-up that leaves those projections out, ``--only`` limits every catch-up to those named;
``--breakdown`` times each projection alone over the same log, to show which read model costs
what (use fewer events for that); ``--split audit`` adds a catch-up by two processes at once,
one for the audit trail and one for the rest, as two ``projections run`` workers would share
them.

The machine's speed drifts over a long run, so raw reading is timed again after every
catch-up, and each catch-up's ratio is to the mean of the raw speeds just before and after it.
Each line also shows how many cores the step kept busy on average: "ours" counts this process
and its child processes (every thread), "machine" every process (PostgreSQL's server too; on
Linux). A catch-up that keeps one core busy is bound by its Python work. The processor
seconds of this process (and its children) close each line: on a machine shared with other
work they vary far less than the wall time.

Prints figures; asserts nothing. PostgreSQL needs VOLUNTEER_LEDGER_TEST_POSTGRES_DSN; it works
in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.personal_data import ledger_for
from api.settings import Settings
from bench.scratch_store import scratch_store
from bench.synthetic import generate
from domain.ledger import Ledger
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for


def fresh_views(url: str, name: str) -> str:
    """A store URL whose read models start empty: another SQLite file, or the same schema
    after dropping the previous run's tables."""
    if url.startswith("sqlite:"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        return f"sqlite:///{folder}/{name}.db"
    return url


def drop_views(url: str) -> None:
    if url.startswith("sqlite:"):
        return
    views = view_store_for(url)
    with views.transaction() as tx:
        for projection in all_projections():
            projection.drop(tx)
        tx.execute("DROP TABLE IF EXISTS projection_tracking")
    views.close()


def read_raw(ledger: Ledger, batch_size: int) -> int:
    """Read and decode the whole log in batches, as the runner does, and nothing more."""
    recorder, to_domain_event = ledger.recorder, ledger.mapper.to_domain_event
    position, count = 0, 0
    while True:
        notifications = recorder.select_notifications(start=position + 1, limit=batch_size)
        if not notifications:
            return count
        for notification in notifications:
            to_domain_event(notification)
        count += len(notifications)
        position = notifications[-1].id


def catch_up(ledger: Ledger, url: str, batch_size: int, names: set[str] | None = None) -> int:
    drop_views(url)
    views = view_store_for(url)
    projections = [p for p in all_projections() if names is None or p.name in names]
    runner = ProjectionRunner(ledger, views, projections, batch_size=batch_size)
    done = runner.catch_up()
    views.close()
    return done


def _catch_up_part(
    store_url: str,
    views_url: str,
    batch_size: int,
    names: set[str],
    settings: Settings | None = None,
    ready: Any = None,
    go: Any = None,
    one_file: bool = False,
) -> None:
    ledger = Ledger(store_url) if settings is None else ledger_for(settings)
    views = view_store_for(views_url, apart=()) if one_file else view_store_for(views_url)
    runner = ProjectionRunner(
        ledger, views, [p for p in all_projections() if p.name in names], batch_size=batch_size
    )
    if ready is not None:  # opened, as a running worker is: wait for the others
        ready.release()
        go.wait()
    runner.catch_up()
    views.close()
    ledger.close()


def catch_up_in_processes(
    store_url: str,
    views_url: str,
    batch_size: int,
    parts: list[set[str]],
    settings: Settings | None = None,
    took: list[float] | None = None,
    one_file: bool = False,
) -> int:
    """Every projection caught up by several processes at once, each with its own share (as
    several ``projections run`` workers would share them); returns the events in the log.
    ``settings``: open the ledger as the service does (with its keys), not bare. Each process
    starts, opens its stores and waits for the others, then they go together: ``took`` gets
    the seconds from then to the last one's end (a worker's start-up left out, as a running
    worker has it behind it). ``one_file``: on SQLite, every read model in one file, as before
    the audit trail had one of its own (for comparison)."""
    drop_views(views_url)
    context = multiprocessing.get_context("spawn")
    ready, go = context.Semaphore(0), context.Event()
    workers = [
        context.Process(
            target=_catch_up_part,
            args=(store_url, views_url, batch_size, part, settings, ready, go, one_file),
        )
        for part in parts
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.acquire()
    started = time.perf_counter()
    go.set()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise SystemExit(f"a catch-up process failed ({worker.exitcode})")
    if took is not None:
        took.append(time.perf_counter() - started)
    ledger = Ledger(store_url)
    try:
        return ledger.recorder.max_notification_id() or 0  # not every row: a million is a GiB
    finally:
        ledger.close()


def cpu_seconds() -> float:
    """Processor time used so far by this process and the child processes it has waited for
    (all their threads)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def machine_busy_seconds() -> float | None:
    """Processor time every process on the machine has used (PostgreSQL's server processes
    too), from Linux's /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Timing:
    seconds: float
    count: int
    #: Processor seconds of this process and its waited-for children, and of the whole machine.
    cpu: float
    machine: float | None

    def cores(self) -> str:
        machine = f", machine {self.machine / self.seconds:.1f}" if self.machine else ""
        return f"cores busy: ours {self.cpu / self.seconds:.1f}{machine}; ours {self.cpu:.2f} cpu s"


def timed(action: object) -> Timing:
    """How long ``action`` took, what it returned (a count), and the processor time spent."""
    start, cpu, machine = time.perf_counter(), cpu_seconds(), machine_busy_seconds()
    result = action()  # type: ignore[operator]
    seconds, after = time.perf_counter() - start, machine_busy_seconds()
    busy = None if machine is None or after is None else after - machine
    return Timing(seconds, int(result), cpu_seconds() - cpu, busy)


def report(label: str, timing: Timing, raw_rate: float, quiet: bool = False) -> dict[str, object]:
    """Print one line (unless ``quiet``) and return its figures."""
    rate = timing.count / timing.seconds
    if not quiet:
        print(
            f"{label:<34} {timing.count:>10,} events {timing.seconds:>8.1f} s {rate:>9,.0f} "
            f"events/s  ratio {rate / raw_rate:>4.0%}  {timing.cores()}",
            flush=True,
        )
    return {
        "label": label.strip(),
        "events": timing.count,
        "seconds": timing.seconds,
        "events_per_second": rate,
        "ratio_to_raw": rate / raw_rate,
        "cpu_seconds": timing.cpu,
    }


class Raw:
    """Raw reading and decoding, timed again after each catch-up: the machine's speed drifts
    over a long run (a quarter and more, on a shared one), so each catch-up is compared with
    the mean raw speed of the reads just before and just after it."""

    def __init__(self, ledger: Ledger, batch_size: int, quiet: bool = False) -> None:
        self.read = lambda: read_raw(ledger, batch_size)
        self.quiet = quiet
        self.rows: list[dict[str, object]] = []
        self.before = self._timed()

    def _timed(self) -> Timing:
        raw = timed(self.read)
        label = "raw read + decode, again" if self.rows else "raw read + decode"
        self.rows.append(report(label, raw, raw.count / raw.seconds, self.quiet))
        return raw

    def compare(self, label: str, action: object) -> None:
        """Time ``action`` (a catch-up), read raw again, and report the catch-up."""
        self.record(label, timed(action))

    def record(self, label: str, timing: Timing) -> None:
        """Read raw again, and report ``timing`` (of a catch-up timed by its caller)."""
        after = self._timed()
        rates = [raw.count / raw.seconds for raw in (self.before, after)]
        self.rows.insert(-1, report(label, timing, sum(rates) / len(rates), self.quiet))
        self.before = after


def measure(
    ledger: Ledger, url: str, batch_size: int, names: list[str], alone: list[str]
) -> list[dict[str, object]]:
    """Raw reading beside a catch-up of ``names`` together (and of each of ``alone`` alone)
    over the ledger's whole log, into fresh read models: the figures, quietly."""
    raw = Raw(ledger, batch_size, quiet=True)
    views_url = fresh_views(url, "views-measured")
    raw.compare(
        f"catch-up, {len(names)} projections",
        lambda: catch_up(ledger, views_url, batch_size, set(names)),
    )
    for name in alone:
        alone_url = fresh_views(url, f"views-{name}")
        raw.compare(
            f"{name} alone", lambda u=alone_url, n=name: catch_up(ledger, u, batch_size, {n})
        )
    return raw.rows


def measure_split(
    ledger: Ledger,
    url: str,
    batch_size: int,
    parts: list[set[str]],
    settings: Settings | None = None,
    compare_one_file: bool = False,
) -> tuple[list[dict[str, object]], float]:
    """Each group's catch-up alone, then every group at once, a process each (as one
    ``projections run`` worker per group shares the cores), over the ledger's whole log: the
    figures, and the time of all at once over that of the slowest group alone (issue 19's
    target: 1.3 at most). ``compare_one_file``: on SQLite, also at once with every read model
    in one file, as before the audit trail had its own."""
    raw = Raw(ledger, batch_size, quiet=True)
    for index, part in enumerate(parts):
        alone_url = fresh_views(url, f"views-group-{index}")
        raw.compare(
            f"group alone: {', '.join(sorted(part))}",
            lambda u=alone_url, p=part: catch_up(ledger, u, batch_size, p),
        )
    # On SQLite, first as before (every read model in one file, where the groups' writers
    # take turns), then as now (the audit trail in a file of its own).
    for one_file in (True, False) if url.startswith("sqlite:") and compare_one_file else (False,):
        split_url = fresh_views(url, "views-groups-one-file" if one_file else "views-groups")
        took: list[float] = []
        cpu = cpu_seconds()
        count = catch_up_in_processes(url, split_url, batch_size, parts, settings, took, one_file)
        # The processes' processor time includes their start (imports): their wall time does
        # not.
        raw.record(
            f"{len(parts)} groups at once, a process each" + (", one file" if one_file else ""),
            Timing(took[0], count, cpu_seconds() - cpu, None),
        )
    alone = [float(str(r["seconds"])) for r in raw.rows if str(r["label"]).startswith("group")]
    together = next(
        float(str(r["seconds"]))
        for r in raw.rows
        if str(r["label"]).endswith("at once, a process each")
    )
    return raw.rows, together / max(alone)


def run(
    kind: str,
    events: int,
    batch_size: int,
    only: set[str],
    without: set[str],
    breakdown: bool,
    split: str,
) -> None:
    with scratch_store(kind) as url:
        ledger = Ledger(url)
        print(f"\n== {kind}: generating {events:,} events …", flush=True)
        made = timed(lambda: generate(ledger, events, seed=2025, batch=10_000))
        print(
            f"stored {made.count:,} events in {made.seconds:.1f} s "
            f"({made.count / made.seconds:,.0f} events/s)"
        )
        names = [p.name for p in all_projections() if not only or p.name in only]
        print(f"projections ({len(names)}): {', '.join(names)}; batch size {batch_size}")
        raw = Raw(ledger, batch_size)
        views_url = fresh_views(url, "views-all")
        raw.compare(
            f"catch-up, {len(names)} projections",
            lambda: catch_up(ledger, views_url, batch_size, set(names)),
        )
        if split:
            parts = [set(part.split(",")) for part in split.split("/")]
            parts.append(set(names) - set().union(*parts))
            split_url = fresh_views(url, "views-split")
            raw.compare(
                f"catch-up in {len(parts)} processes",
                lambda: catch_up_in_processes(url, split_url, batch_size, parts),
            )
            print(f"  (shares: {' | '.join(','.join(sorted(part)) for part in parts)})")
        if without:
            kept = set(names) - without
            without_url = fresh_views(url, "views-without")
            raw.compare(
                f"catch-up without {', '.join(sorted(without))}",
                lambda: catch_up(ledger, without_url, batch_size, kept),
            )
        if breakdown:
            for name in names:
                alone_url = fresh_views(url, f"views-{name}")
                raw.compare(
                    f"  {name} alone",
                    lambda u=alone_url, n=name: catch_up(ledger, u, batch_size, {n}),
                )
        ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--only", default="", help="comma-separated projection names")
    parser.add_argument("--without", default="", help="comma-separated projection names")
    parser.add_argument("--breakdown", action="store_true")
    parser.add_argument(
        "--split",
        default="",
        help="also catch up in processes: NAME[,NAME…][/…], the rest in one more process",
    )
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    without = {name for name in args.without.split(",") if name}
    for kind in ("sqlite", "postgres") if args.store == "both" else (args.store,):
        run(kind, args.events, args.batch_size, only, without, args.breakdown, args.split)


if __name__ == "__main__":
    main()
