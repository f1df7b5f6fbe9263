"""How long loading one aggregate with thousands of events takes, with and without snapshots.

    .venv/bin/python bench/bench_load.py [--events 2000] [--store sqlite|postgres]

Prints figures; asserts nothing. PostgreSQL needs VOLUNTEER_LEDGER_TEST_POSTGRES_DSN.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from datetime import date
from typing import Any

import psycopg

from domain.ledger import Ledger
from domain.values import SYSTEM


def timed(repeat: int, action: Any) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        dsn = os.environ.get("VOLUNTEER_LEDGER_TEST_POSTGRES_DSN", "")
        if args.store == "sqlite":
            url = f"sqlite:///{folder}/bench.db"
        else:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            url = f"{dsn}?schema={schema}"
        ledger = Ledger(url)
        community = ledger.create_organisation(name="和平里社区", kind="community")
        volunteer = ledger.register_volunteer(
            name="王秀英",
            phone="13900000001",
            birth_date=date(1960, 1, 1),
            home_organisation_id=community,
            privacy_consent=True,
        )
        start = time.perf_counter()
        for i in range(args.events - 1):
            ledger.change_volunteer_profile(volunteer, skills=[f"技能{i}"], actor=SYSTEM)
        written = time.perf_counter() - start
        events = list(ledger.events.get(volunteer))

        def replay_everything() -> None:
            aggregate = None
            for event in ledger.events.get(volunteer):
                aggregate = event.mutate(aggregate)

        with_snapshot = timed(20, lambda: ledger.repository.get(volunteer))
        without = timed(5, replay_everything)
        print(
            f"store: {args.store}; one volunteer with {len(events)} events "
            f"(written at {len(events) / written:.0f} commands/s)"
        )
        print(f"load with snapshots (every 50 events): {with_snapshot:.2f} ms")
        print(f"load by replaying every event:         {without:.2f} ms")
        ledger.close()
        if args.store == "postgres":
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
