"""How long loading one aggregate with thousands of events takes, with and without snapshots.

    .venv/bin/python -m bench.bench_load [--events 2000] [--store sqlite|postgres]

Prints figures; asserts nothing. PostgreSQL needs VOLUNTEER_LEDGER_TEST_POSTGRES_DSN.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from typing import Any, cast

from bench.scratch_store import scratch_store
from domain.ledger import Ledger
from domain.values import SYSTEM


def timed(repeat: int, action: Any) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def run(events: int, store: str) -> dict[str, float]:
    """One volunteer changed ``events - 1`` times in a fresh store, then loaded both ways."""
    with scratch_store(store) as url:
        ledger = Ledger(url)
        try:
            community = ledger.create_organisation(name="和平里社区", kind="community")
            volunteer = ledger.register_volunteer(
                name="王秀英",
                phone="13900000001",
                birth_date=date(1960, 1, 1),
                home_organisation_id=community,
                privacy_consent=True,
            )
            start = time.perf_counter()
            for i in range(events - 1):
                ledger.change_volunteer_profile(volunteer, skills=[f"技能{i}"], actor=SYSTEM)
            written = time.perf_counter() - start
            stored = len(list(ledger.events.get(volunteer)))

            def replay_everything() -> None:
                aggregate = None
                for event in ledger.events.get(volunteer):
                    aggregate = cast(Any, event).mutate(aggregate)

            return {
                "events": stored,
                "commands_per_second": stored / written,
                "load_with_snapshots_ms": timed(20, lambda: ledger.repository.get(volunteer)),
                "load_by_replay_ms": timed(5, replay_everything),
            }
        finally:
            ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    figures = run(args.events, args.store)
    print(
        f"store: {args.store}; one volunteer with {figures['events']:.0f} events "
        f"(written at {figures['commands_per_second']:.0f} commands/s)"
    )
    print(f"load with snapshots (every 50 events): {figures['load_with_snapshots_ms']:.2f} ms")
    print(f"load by replaying every event:         {figures['load_by_replay_ms']:.2f} ms")


if __name__ == "__main__":
    main()
