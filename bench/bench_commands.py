"""How fast the ledger takes sign-ups in-process, beside a raw one-row commit of the same store.

    .venv/bin/python bench/bench_commands.py [--store sqlite|postgres] [--sign-ups 300]
        [--threads 16]

Measured, each as commands (or commits) per second, in one run on one store:
- ``raw_commit``: one row of ``PAYLOAD_BYTES`` inserted and committed, one after another,
  timed before and after the commands and averaged (a shared disk's speed drifts);
- ``raw_commit_threads`` (PostgreSQL only): the same from ``threads`` threads at once, each on a
  connection of its own (the server then flushes several commits at once), the reference of
  the threaded sign-ups;
- ``spread``: sign-ups spread over ``SHIFTS`` shifts, one after another;
- ``spread_threads``: the same from ``threads`` threads at once; on SQLite, where concurrent
  saves share one commit (``domain.sqlite_store``), ``saves_per_commit`` says how many shared
  one on average in that run;
- ``hot_shift``: sign-ups all for one shift from ``threads`` threads at once (its places fill,
  the rest go on the waitlist);
``spread_cpu_ms``, ``spread_threads_cpu_ms`` and ``raw_commit_cpu_ms``: this process's processor
time (all threads, ``time.process_time``) per sign-up and per raw commit, in milliseconds, which
the machine's other load disturbs less than the rates;
and the ratios of each to the raw commit (the threaded ones also to the threaded raw commit on
PostgreSQL), and of the hot shift to the spread sign-ups (both
threaded). ``hot_shift_gave_up`` counts sign-ups that gave up after retries (wanted: 0).

Prints figures; asserts nothing. ``run(store_url)`` returns them for ``volunteer-ledger bench``.
PostgreSQL needs VOLUNTEER_LEDGER_TEST_POSTGRES_DSN. The ledger has no sealer here (no personal
field is encrypted), so the figures are those of the commands and the store alone.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import psycopg

from domain.errors import ConcurrentUpdateError
from domain.ledger import Ledger
from domain.sqlite_store import GroupCommitDatastore
from domain.storage import store_env
from domain.values import SYSTEM, Actor

SHIFTS = 30
PLACES = 20
PAYLOAD_BYTES = 400  # about a sign-up's two events as the store keeps them
NOW = datetime(2026, 3, 2, tzinfo=UTC)


def run(store_url: str, *, sign_ups: int = 300, threads: int = 16) -> dict[str, float]:
    """The figures of the module docstring, measured on an empty store at ``store_url``."""
    postgres = "SQLITE_DBNAME" not in store_env(store_url)
    raw_cpu: dict[str, float] = {}
    raw_before = raw_commit_rate(store_url, sign_ups, cpu=raw_cpu)
    raw_threads_before = raw_commit_rate(store_url, sign_ups, threads) if postgres else 0.0
    ledger = Ledger(store_url, clock=lambda: NOW)
    try:
        community = ledger.create_organisation(name="和平里社区", kind="community")
        activity = ledger.create_activity(
            title="文明劝导进社区",
            category="文明劝导",
            organisation_id=community,
            location="和平里街道十字路口",
            actor=SYSTEM,
        )
        shifts = [_shift(ledger, activity, day) for day in range(1, SHIFTS + 2)]
        hot = shifts.pop()
        people = [_volunteer(ledger, community, i) for i in range(3 * sign_ups)]
        spread_cpu: dict[str, float] = {}
        spread = _rate(
            sign_ups, lambda: _sign_up_all(ledger, shifts, people[:sign_ups], 1), spread_cpu
        )
        commits_before = _commits(ledger)
        threads_cpu: dict[str, float] = {}
        spread_threads = _rate(
            sign_ups,
            lambda: _sign_up_all(ledger, shifts, people[sign_ups : 2 * sign_ups], threads),
            threads_cpu,
        )
        commits_after = _commits(ledger)
        gave_up: list[int] = []
        hot_shift = _rate(
            sign_ups,
            lambda: gave_up.append(_sign_up_all(ledger, [hot], people[2 * sign_ups :], threads)),
        )
    finally:
        ledger.close()
    raw = (raw_before + raw_commit_rate(store_url, sign_ups)) / 2
    grouped = {}
    if commits_before is not None and commits_after is not None:
        saves = commits_after[0] - commits_before[0]
        commits = commits_after[1] - commits_before[1]
        grouped["saves_per_commit"] = saves / commits if commits else 0.0
    figures = {
        "raw_commit": raw,
        "spread": spread,
        "spread_threads": spread_threads,
        "hot_shift": hot_shift,
        "spread_cpu_ms": spread_cpu["ms"],
        "spread_threads_cpu_ms": threads_cpu["ms"],
        "raw_commit_cpu_ms": raw_cpu["ms"],
        "spread_to_raw": spread / raw,
        "spread_threads_to_raw": spread_threads / raw,
        "hot_shift_to_raw": hot_shift / raw,
        "hot_shift_to_spread_threads": hot_shift / spread_threads,
        "hot_shift_gave_up": float(sum(gave_up)),
        **grouped,
    }
    if postgres:
        raw_threads = (raw_threads_before + raw_commit_rate(store_url, sign_ups, threads)) / 2
        figures["raw_commit_threads"] = raw_threads
        figures["spread_threads_to_raw_threads"] = spread_threads / raw_threads
        figures["hot_shift_to_raw_threads"] = hot_shift / raw_threads
    return figures


def raw_commit_rate(
    store_url: str, commits: int, threads: int = 1, *, cpu: dict[str, float] | None = None
) -> float:
    """Rows committed per second, one row per transaction, in a table of the same store; on
    PostgreSQL from ``threads`` threads at once, each on a connection of its own. With
    ``cpu``, this process's processor time per commit (``_rate``)."""
    payload = b"x" * PAYLOAD_BYTES
    env = store_env(store_url)
    if "SQLITE_DBNAME" in env:
        db = sqlite3.connect(env["SQLITE_DBNAME"], isolation_level=None)
        db.execute("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, payload BLOB)")

        def commit_sqlite() -> None:
            for _ in range(commits):
                db.execute("BEGIN")
                db.execute("INSERT INTO bench_raw (payload) VALUES (?)", (payload,))
                db.execute("COMMIT")

        try:
            return _rate(commits, commit_sqlite, cpu)
        finally:
            db.close()
    schema = env.get("POSTGRES_SCHEMA", "public")
    connections = [
        psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"],
            autocommit=True,
        )
        for _ in range(threads)
    ]
    try:
        connections[0].execute(
            f'CREATE TABLE IF NOT EXISTS "{schema}".bench_raw'
            " (id BIGSERIAL PRIMARY KEY, payload BYTEA)"
        )
        insert = f'INSERT INTO "{schema}".bench_raw (payload) VALUES (%s)'

        def commit_postgres(index: int) -> None:
            conn = connections[index]
            for _ in range(index, commits, threads):
                conn.execute(insert, (payload,))

        def commit_all() -> None:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(commit_postgres, range(threads)))

        return _rate(commits, commit_all, cpu)
    finally:
        for conn in connections:
            conn.close()


def _commits(ledger: Ledger) -> tuple[int, int] | None:
    """Saves and commits so far, where saves share commits (SQLite); None elsewhere."""
    datastore = getattr(ledger.factory, "datastore", None)
    if not isinstance(datastore, GroupCommitDatastore) or datastore.committer is None:
        return None
    return datastore.committer.batches, datastore.committer.groups


def _rate(count: int, action: Callable[[], object], cpu: dict[str, float] | None = None) -> float:
    """``count`` over the seconds ``action`` took; with ``cpu``, also the process's processor
    time per unit (all threads, in milliseconds) under ``cpu["ms"]``."""
    start, started_cpu = time.perf_counter(), time.process_time()
    action()
    if cpu is not None:
        cpu["ms"] = (time.process_time() - started_cpu) * 1000 / count
    return count / (time.perf_counter() - start)


def _sign_up_all(ledger: Ledger, shifts: list[UUID], people: list[UUID], threads: int) -> int:
    """Sign each person up for the shifts in turn; how many gave up after retries."""

    def press(index: int) -> int:
        person = people[index]
        try:
            ledger.sign_up(shifts[index % len(shifts)], person, Actor.volunteer(person))
        except ConcurrentUpdateError:
            return 1
        return 0

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(press, range(len(people))))


def _shift(ledger: Ledger, activity: UUID, day: int) -> UUID:
    starts_at = NOW + timedelta(days=day)
    return ledger.add_shift(
        activity,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=PLACES,
        actor=SYSTEM,
    )


def _volunteer(ledger: Ledger, community: UUID, index: int) -> UUID:
    return ledger.register_volunteer(
        name=f"志愿者{index}",
        phone=f"139{index:08d}",
        birth_date=date(1980, 1, 1),
        home_organisation_id=community,
        privacy_consent=True,
    )


def main() -> None:
    from bench.scratch_store import scratch_store

    parser = argparse.ArgumentParser()
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sign-ups", type=int, default=300)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    with scratch_store(args.store) as url:
        figures = run(url, sign_ups=args.sign_ups, threads=args.threads)
    print(f"store: {args.store}; {args.sign_ups} sign-ups per figure, {args.threads} threads")
    for name, value in figures.items():
        print(f"{name:<28} {value:10.2f}")


if __name__ == "__main__":
    main()
