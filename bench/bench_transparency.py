"""How fast the transparency log is built, proved from and verified, and what memory it takes.

    .venv/bin/python bench/bench_transparency.py [--events 100000] [--store sqlite|postgres|both]
        [--batch-size 1000]

For each store: fill a fresh ledger with a synthetic stream (bench/synthetic.py), build the
log from zero (its time, and the process's peak memory before and after), sign a checkpoint,
time 1,000 random inclusion and 1,000 consistency proofs, then replay the whole store against
the log as ``verify-log`` does. Prints figures; asserts nothing. PostgreSQL needs
VOLUNTEER_LEDGER_TEST_POSTGRES_DSN and works in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from scratch_store import scratch_store
from synthetic import generate

from domain.ledger import Ledger
from projections.stores.factory import view_store_for
from projections.transparency.audit import audit_log
from projections.transparency.log import TransparencyLog


def run(kind: str, events: int, batch_size: int) -> None:
    key, salt = Ed25519PrivateKey.generate(), os.urandom(32)
    with scratch_store(kind) as url:
        ledger = Ledger(url)
        views = view_store_for(url)
        print(f"\n== {kind}: generating {events:,} events …", flush=True)
        stored = generate(ledger, events, batch=10_000)
        log = TransparencyLog(
            ledger.recorder,
            ledger.mapper,
            views,
            salt_key=salt,
            public_key=key.public_key(),
            signing_key=key,
            batch_size=batch_size,
        )
        rss_before = _max_rss_mib()
        started = time.perf_counter()
        built = log.catch_up()
        seconds = time.perf_counter() - started
        print(
            f"built {built:,} leaves of {stored:,} events in {seconds:.1f} s "
            f"= {built / seconds:,.0f} events/s; max RSS {rss_before:.0f} → "
            f"{_max_rss_mib():.0f} MiB"
        )
        started = time.perf_counter()
        signed = log.sign_checkpoint_if_grown()
        print(f"signed checkpoint of size {signed.size:,} in {time.perf_counter() - started:.3f} s")
        rng = random.Random(7)
        size = log.size()
        started = time.perf_counter()
        for _ in range(1000):
            index = rng.randrange(size)
            log.inclusion_proof(index, rng.randrange(index + 1, size + 1))
        inclusion = (time.perf_counter() - started) / 1000
        started = time.perf_counter()
        for _ in range(1000):
            old = rng.randrange(1, size + 1)
            log.consistency_proof(old, rng.randrange(old, size + 1))
        consistency = (time.perf_counter() - started) / 1000
        print(
            f"one inclusion proof {inclusion * 1000:.2f} ms, "
            f"one consistency proof {consistency * 1000:.2f} ms (own transaction each)"
        )
        started = time.perf_counter()
        report = audit_log(
            ledger.recorder,
            ledger.mapper,
            views,
            salt_key=salt,
            public_key=key.public_key(),
            origin=log.origin,
            batch_size=batch_size,
        )
        seconds = time.perf_counter() - started
        print(
            f"verify: {report.events:,} events in {seconds:.1f} s = {report.events / seconds:,.0f}"
            f" events/s, ok={report.ok}"
        )
        print(
            f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        views.close()
        ledger.close()


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    for kind in ("sqlite", "postgres") if args.store == "both" else (args.store,):
        run(kind, args.events, args.batch_size)


if __name__ == "__main__":
    main()
