"""``volunteer-ledger projections run | rebuild [NAME] | status``: the read models' commands."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from api.cli.errors import CliError
from api.personal_data import ledger_for
from api.settings import Settings
from domain.errors import LedgerError
from domain.ledger import Ledger
from projections import all_projections
from projections.base import Projection
from projections.running.runner import ProjectionRunner
from projections.running.worker import RETRY_SECONDS, Worker, leases_for
from projections.stores.factory import view_store_for
from projections.stores.protocol import ViewStore


def _positive(kind: type[int] | type[float]) -> argparse._ActionType:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
        return value

    return parse


def add_projections_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    projections = commands.add_parser(
        "projections", help="run, rebuild and inspect the read models"
    )
    actions = projections.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "run", help="keep the read models current: a worker process, until SIGTERM or Ctrl-C"
    )
    run.add_argument(
        "--interval",
        type=_positive(float),
        default=0.1,
        help="seconds between looks at the store when idle (default 0.1)",
    )
    run.add_argument(
        "--retry",
        type=_positive(float),
        default=RETRY_SECONDS,
        help="seconds between a standby's tries to take over a projection "
        f"(default {RETRY_SECONDS:g})",
    )
    rebuild = actions.add_parser("rebuild", help="drop and replay one read model, or all")
    rebuild.add_argument("name", nargs="?", help="the read model (default: all)")
    for action in (run, rebuild):
        action.add_argument(
            "--batch-size",
            type=_positive(int),
            default=5000,
            help="events per transaction (default 5000)",
        )
    actions.add_parser("status", help="each read model's position and lag")


def run_projections(settings: Settings, args: argparse.Namespace) -> int:
    """The projections commands; any failure (a store out of reach …) is one line, not a trace."""
    store = settings.store_url()
    if store == "memory:":
        raise CliError("the memory store lives inside one process: there is nothing to run")
    try:
        ledger = ledger_for(settings)
        try:
            views = view_store_for(store)
            try:
                if args.action == "status":
                    _status(ledger, views)
                    return 0
                runner = ProjectionRunner(
                    ledger, views, all_projections(), batch_size=args.batch_size
                )
                if args.action == "run":
                    return _run(runner, args.interval, args.retry)
                return _rebuild(runner, args.name)
            finally:
                views.close()
        finally:
            ledger.close()
    except (LedgerError, CliError):
        raise
    except Exception as error:
        message = str(error).strip().splitlines()
        raise CliError(
            f"projections {args.action} failed: {message[0] if message else type(error).__name__}"
        ) from error


def _status(ledger: Ledger, views: ViewStore) -> None:
    runner = ProjectionRunner(ledger, views, all_projections(), prepare=False)
    progress = runner.progress()
    width = max((len(p.name) for p in progress), default=0)
    for p in progress:
        print(f"{p.name:<{width}}  position {p.position}  lag {p.lag}")


def _run(runner: ProjectionRunner, interval: float, retry: float) -> int:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s volunteer-ledger projections: %(message)s",
        stream=sys.stderr,
    )
    worker = Worker(runner, leases_for(runner.views), interval=interval, retry=retry)
    logging.getLogger(__name__).info(
        "worker %d started for %d projections", os.getpid(), len(runner.projections)
    )
    with _on_signals(worker.stop):
        worker.run()
    logging.getLogger(__name__).info("worker %d stopped", os.getpid())
    return 0


def _rebuild(runner: ProjectionRunner, name: str | None) -> int:
    chosen = _chosen(runner.projections, name)
    names = [p.name for p in chosen]
    leases = leases_for(runner.views)
    held = leases.claim(names)
    try:
        busy = [n for n in names if n not in held]
        if busy:
            raise CliError(
                f"{', '.join(busy)} {'is' if len(busy) == 1 else 'are'} running in a projection "
                "worker; stop the workers before a rebuild"
            )
        for projection in chosen:
            runner.rebuild(projection)
        display = RebuildProgress(names, runner.head(), sys.stderr)
        stop = threading.Event()
        with _on_signals(stop.set) as received:
            runner.catch_up(on_batch=display.batch, projections=chosen, stop=stop)
        display.finish(complete=not received[0])
    finally:
        leases.release()
    if received[0]:
        print(
            "volunteer-ledger: interrupted; the read models resume from here when the "
            "projections next run",
            file=sys.stderr,
        )
        return 128 + received[0]
    print(f"rebuilt {', '.join(names)}: {display.done:,} events")
    return 0


def _chosen(projections: list[Projection], name: str | None) -> list[Projection]:
    if name is None:
        return projections
    for projection in projections:
        if projection.name == name:
            return [projection]
    known = ", ".join(p.name for p in projections)
    raise CliError(f"there is no read model named {name!r}; there are: {known}")


@contextmanager
def _on_signals(stop: Callable[[], None]) -> Iterator[list[int]]:
    """SIGTERM and SIGINT call ``stop`` instead of killing the process mid-batch.

    Yields a one-item list holding the signal received (0 for none).
    """
    received = [0]

    def handle(signum: int, frame: FrameType | None) -> None:
        received[0] = signum
        stop()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class RebuildProgress:
    """Events done of the total, the rate and the time left, on one line of stderr.

    On a terminal the line is redrawn in place (``\\r``) a few times a second; otherwise (a log,
    a pipe) a plain line is written every ``log_every`` seconds.
    """

    def __init__(
        self, names: list[str], total: int, stream: TextIO, *, log_every: float = 5.0
    ) -> None:
        self.names = names
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.log_every = log_every
        self.started = time.monotonic()
        self.shown = self.started
        self.counts = dict.fromkeys(names, 0)
        self.width = 0

    @property
    def done(self) -> int:
        return min(self.counts.values(), default=0)

    def batch(self, name: str, events: int) -> None:
        self.counts[name] += events
        now = time.monotonic()
        if now - self.shown >= (0.2 if self.tty else self.log_every):
            self.shown = now
            self._show(self.line(now))

    def finish(self, *, complete: bool = True) -> None:
        """The last line; when complete, the total is what was done (the head counts gaps)."""
        if complete:
            self.total = self.done
        self._show(self.line(time.monotonic()))
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        done, total = self.done, max(self.total, self.done)
        rate = done / elapsed
        left = 0.0 if done >= total else (total - done) / rate if rate > 0 else None
        percent = 100 * done // total if total else 100
        return (
            f"rebuilding {', '.join(self.names) if len(self.names) == 1 else 'all read models'}: "
            f"{done:,} / {total:,} events ({percent}%), {rate:,.0f} events/s, "
            f"{_duration(left)} left"
        )

    def _show(self, line: str) -> None:
        if self.tty:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown time"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
