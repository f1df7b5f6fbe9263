"""How fast the transparency log is built, proved from and verified, and what memory it takes.

    .venv/bin/python -m bench.bench_transparency [--events 100000] [--store sqlite|postgres|both]
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

from bench.scratch_store import scratch_store
from bench.synthetic import generate
from domain.ledger import Ledger
from projections.stores.factory import view_store_for
from projections.transparency.audit import audit_log
from projections.transparency.log import TransparencyLog


def measure(
    ledger: Ledger, url: str, batch_size: int, proofs: int = 1000
) -> dict[str, float | bool]:
    """Build the log over the ledger's events from zero, sign a checkpoint, time ``proofs``
    random inclusion and consistency proofs, and replay the store against the log."""
    key, salt = Ed25519PrivateKey.generate(), os.urandom(32)
    views = view_store_for(url)
    try:
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
        build_seconds = time.perf_counter() - started
        rss_after = _max_rss_mib()
        started = time.perf_counter()
        signed = log.sign_checkpoint_if_grown()
        sign_seconds = time.perf_counter() - started
        rng = random.Random(7)
        size = log.size()
        started = time.perf_counter()
        for _ in range(proofs):
            index = rng.randrange(size)
            log.inclusion_proof(index, rng.randrange(index + 1, size + 1))
        inclusion = (time.perf_counter() - started) / proofs
        started = time.perf_counter()
        for _ in range(proofs):
            old = rng.randrange(1, size + 1)
            log.consistency_proof(old, rng.randrange(old, size + 1))
        consistency = (time.perf_counter() - started) / proofs
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
        verify_seconds = time.perf_counter() - started
    finally:
        views.close()
    return {
        "leaves": built,
        "build_seconds": build_seconds,
        "build_events_per_second": built / build_seconds,
        "max_rss_before_mib": rss_before,
        "max_rss_after_mib": rss_after,
        "checkpoint_size": signed.size if signed else size,
        "sign_seconds": sign_seconds,
        "inclusion_proof_ms": inclusion * 1000,
        "consistency_proof_ms": consistency * 1000,
        "verified_events": report.events,
        "verify_events_per_second": report.events / verify_seconds,
        "verified_ok": report.ok,
    }


def run(kind: str, events: int, batch_size: int) -> dict[str, float | bool]:
    """A fresh store of ``kind`` filled with ``events`` synthetic events, measured; printed."""
    with scratch_store(kind) as url:
        ledger = Ledger(url)
        try:
            print(f"\n== {kind}: generating {events:,} events …", flush=True)
            stored = generate(ledger, events, batch=10_000)
            figures: dict[str, float | bool] = {
                "events": stored,
                **measure(ledger, url, batch_size),
            }
        finally:
            ledger.close()
    f = figures
    print(
        f"built {f['leaves']:,.0f} leaves of {stored:,} events in {f['build_seconds']:.1f} s "
        f"= {f['build_events_per_second']:,.0f} events/s; max RSS "
        f"{f['max_rss_before_mib']:.0f} → {f['max_rss_after_mib']:.0f} MiB\n"
        f"signed checkpoint of size {f['checkpoint_size']:,.0f} in {f['sign_seconds']:.3f} s\n"
        f"one inclusion proof {f['inclusion_proof_ms']:.2f} ms, one consistency proof "
        f"{f['consistency_proof_ms']:.2f} ms (own transaction each)\n"
        f"verify: {f['verified_events']:,.0f} events = {f['verify_events_per_second']:,.0f} "
        f"events/s, ok={bool(f['verified_ok'])}\nprocess max RSS {_max_rss_mib():.0f} MiB"
    )
    return figures


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
