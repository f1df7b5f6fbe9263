"""How fast the projection runner catches up, beside the raw speed of reading the same log.

    .venv/bin/python bench/bench_projections.py [--events 1000000] [--store sqlite|postgres|both]
        [--batch-size 5000] [--only NAME[,NAME…]] [--without NAME[,NAME…]] [--breakdown]

For each store: fill a fresh ledger with a realistic synthetic stream (projections.synthetic),
time reading and decoding the whole notification log in batches (select_notifications and
mapper.to_domain_event, no projection work), then time a catch-up of every projection from zero
into a fresh read-model store, and print both and their ratio. ``--without`` adds a second
catch-up that leaves those projections out, ``--only`` limits every catch-up to those named;
``--breakdown`` times each projection alone over the same log, to show which read model costs
what (use fewer events for that); ``--split audit`` adds a catch-up by two processes at once,
one for the audit trail and one for the rest, as two ``projections run`` workers would share
them.

Prints figures; asserts nothing. PostgreSQL needs VOLUNTEER_LEDGER_TEST_POSTGRES_DSN; it works
in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path

from scratch_store import scratch_store

from domain.ledger import Ledger
from projections import all_projections
from projections.runner import ProjectionRunner
from projections.store import view_store_for
from projections.synthetic import generate


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


def _catch_up_part(store_url: str, views_url: str, batch_size: int, names: set[str]) -> None:
    ledger = Ledger(store_url)
    views = view_store_for(views_url)
    ProjectionRunner(
        ledger, views, [p for p in all_projections() if p.name in names], batch_size=batch_size
    ).catch_up()
    views.close()
    ledger.close()


def catch_up_in_processes(
    store_url: str, views_url: str, batch_size: int, parts: list[set[str]]
) -> int:
    """Every projection caught up by several processes at once, each with its own share (as
    several ``projections run`` workers would share them); returns the events in the log."""
    drop_views(views_url)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_catch_up_part, args=(store_url, views_url, batch_size, part))
        for part in parts
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise SystemExit(f"a catch-up process failed ({worker.exitcode})")
    ledger = Ledger(store_url)
    try:
        return len(ledger.recorder.select_notifications(start=1, limit=10**9))
    finally:
        ledger.close()


def timed(action: object) -> tuple[float, int]:
    start = time.perf_counter()
    result = action()  # type: ignore[operator]
    return time.perf_counter() - start, int(result)


def report(label: str, events: int, seconds: float, raw_rate: float) -> None:
    rate = events / seconds
    print(
        f"{label:<34} {events:>10,} events {seconds:>8.1f} s {rate:>9,.0f} events/s"
        f"  ratio {rate / raw_rate:>4.0%}"
    )


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
        seconds, stored = timed(lambda: generate(ledger, events, seed=2025, batch=10_000))
        print(f"stored {stored:,} events in {seconds:.1f} s ({stored / seconds:,.0f} events/s)")
        names = [p.name for p in all_projections() if not only or p.name in only]
        print(f"projections ({len(names)}): {', '.join(names)}; batch size {batch_size}")
        raw_s, raw_n = timed(lambda: read_raw(ledger, batch_size))
        raw_rate = raw_n / raw_s
        report("raw read + decode", raw_n, raw_s, raw_rate)
        views_url = fresh_views(url, "views-all")
        up_s, up_n = timed(lambda: catch_up(ledger, views_url, batch_size, set(names)))
        report(f"catch-up, {len(names)} projections", up_n, up_s, raw_rate)
        if split:
            parts = [set(part.split(",")) for part in split.split("/")]
            parts.append(set(names) - set().union(*parts))
            views_url = fresh_views(url, "views-split")
            up_s, up_n = timed(lambda: catch_up_in_processes(url, views_url, batch_size, parts))
            shares = " | ".join(",".join(sorted(part)) for part in parts)
            report(f"catch-up in {len(parts)} processes", up_n, up_s, raw_rate)
            print(f"  (shares: {shares})")
        if without:
            kept = set(names) - without
            views_url = fresh_views(url, "views-without")
            up_s, up_n = timed(lambda: catch_up(ledger, views_url, batch_size, kept))
            report(f"catch-up without {', '.join(sorted(without))}", up_n, up_s, raw_rate)
        if breakdown:
            for name in names:
                alone_url = fresh_views(url, f"views-{name}")
                alone_s, alone_n = timed(
                    lambda u=alone_url, n=name: catch_up(ledger, u, batch_size, {n})
                )
                report(f"  {name} alone", alone_n, alone_s, raw_rate)
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
