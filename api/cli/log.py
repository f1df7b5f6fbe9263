"""``volunteer-ledger verify-log``: replay the event store and check it against the signed log.

Exit status 0 when every event matches the log and every signed checkpoint; 1 when anything
differs (one line per problem, with its position and leaf index); 2 when the check cannot run
(no key files, an unreadable verifier key).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from api.personal_data import ledger_for
from api.settings import Settings
from api.transparency import salt_key_from, signing_key_from
from projections.stores.factory import view_store_for
from projections.transparency.audit import AuditReport, audit_log
from trust.errors import NoteFormatError
from trust.note import parse_vkey

CANNOT_RUN = 2


class ProgressBar:
    """Events done, position against the store's head, rate and time left, on one line."""

    def __init__(
        self,
        stream: TextIO,
        enabled: bool,
        width: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.enabled = enabled
        self.width = width
        self.clock = clock
        self.started = clock()
        self._drawn_at: float | None = None

    def update(self, events: int, position: int, head: int) -> None:
        now = self.clock()
        if not self.enabled or (self._drawn_at is not None and now - self._drawn_at < 0.1):
            return
        self._drawn_at = now
        self.stream.write("\r" + self.line(events, position, head, now - self.started))
        self.stream.flush()

    def line(self, events: int, position: int, head: int, elapsed: float) -> str:
        done = min(position / head, 1.0) if head else 1.0
        filled = int(done * self.width)
        rate = events / elapsed if elapsed > 0 else 0.0
        left = elapsed * (1 - done) / done if done > 0 else 0.0
        bar = "#" * filled + "." * (self.width - filled)
        return (
            f"[{bar}] {done:6.1%}  {events:,} events, position {position:,}/{head:,}  "
            f"{rate:,.0f}/s  {_duration(left)} left "
        )

    def finish(self) -> None:
        if self.enabled and self._drawn_at is not None:
            self.stream.write("\n")
            self.stream.flush()


def add_verify_log_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify-log",
        help="replay the event store and check it against the transparency log's checkpoints",
        description="Recompute every leaf from the stored events, rebuild the tree, and compare "
        "it with the log and every signed checkpoint. Exit 0 only when everything matches.",
    )
    parser.add_argument(
        "--vkey",
        help="the log's verifier key, obtained independently "
        "(default: derived from the signing key in the data folder)",
    )
    parser.add_argument("--batch-size", type=int, default=1000, help="events read at a time")
    parser.add_argument(
        "--max-problems", type=int, default=1000, help="problems printed at most (default 1000)"
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on standard error (auto: when it is a terminal)",
    )


def run_verify_log(
    args: argparse.Namespace,
    settings: Settings,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        salt_path = settings.log_salt_key_path()
        salt_key = salt_key_from(_read_key(salt_path), salt_path)
        if args.vkey:
            key_name, public_key = parse_vkey(args.vkey)
        else:
            signing_path = settings.log_signing_key_path()
            public_key = signing_key_from(_read_key(signing_path), signing_path).public_key()
            key_name = settings.log_key_name or settings.log_origin
    except (OSError, ValueError, NoteFormatError) as error:
        print(f"volunteer-ledger verify-log: {error}", file=err)
        return CANNOT_RUN
    enabled = args.progress == "always" or (args.progress == "auto" and err.isatty())
    bar = ProgressBar(err, enabled)
    store = settings.store_url()
    ledger = ledger_for(settings)
    views = view_store_for(store)
    try:
        report = audit_log(
            ledger.recorder,
            ledger.mapper,
            views,
            salt_key=salt_key,
            public_key=public_key,
            origin=settings.log_origin,
            key_name=key_name,
            batch_size=args.batch_size,
            max_problems=args.max_problems,
            on_progress=bar.update,
        )
    finally:
        bar.finish()
        views.close()
        ledger.close()
    _print_report(report, out, time.monotonic() - bar.started)
    return 0 if report.ok else 1


def _print_report(report: AuditReport, out: TextIO, elapsed: float) -> None:
    for problem in report.problems:
        print(problem, file=out)
    if report.problem_count > len(report.problems):
        print(f"… and {report.problem_count - len(report.problems)} more problems", file=out)
    summary = (
        f"{report.events:,} events, {report.leaves:,} leaves, "
        f"{report.checkpoints:,} checkpoint roots checked in {elapsed:.1f}s"
    )
    if report.unlogged:
        summary += f"; {report.unlogged:,} newer events are not in the log yet"
    verdict = "everything matches" if report.ok else f"{report.problem_count:,} problems"
    print(f"verify-log: {summary}: {verdict}", file=out)


def _read_key(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"no key file at {path}: run verify-log where the log was built") from None


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"
