"""The memory soak: the API worker's and the projections worker's resident memory (RSS, from
Linux's /proc) sampled through alternating write and read phases, as a curve over requests."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.builder import BuiltLedger
from bench.http_load import sign_ups
from bench.wrk import Request, WrkResult, run_wrk


def rss_mib(pid: int, field: str = "VmRSS") -> float | None:
    """The resident set size of a process, in MiB; None when it is gone or not on Linux.
    ``field="VmHWM"``: the highest it has been since the process started."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def lifetime_peaks(pids: dict[str, int]) -> dict[str, float]:
    """Each process's highest RSS since it started (the kernel's high-water mark): for the
    projections worker, its catch-up over the whole store too."""
    peaks = {name: rss_mib(pid, "VmHWM") for name, pid in pids.items()}
    return {name: peak for name, peak in peaks.items() if peak is not None}


def holdings(pid: int) -> dict[str, int]:
    """What a process holds that memory goes with: its threads, and its open SQLite files
    (each an open connection, with a page cache of its own), by file name."""
    held: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                held["threads"] = int(line.split()[1])
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.endswith(".db"):
                name = f"open {Path(target).name}"
                held[name] = held.get(name, 0) + 1
    except OSError:
        pass
    return held


class Sampler:
    """Samples the RSS of some processes on a thread, every ``interval`` seconds, keeping the
    peak of each since the last ``take()``."""

    def __init__(self, pids: dict[str, int], interval: float = 0.2) -> None:
        self.pids, self.interval = pids, interval
        self.peaks: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        for name, pid in self.pids.items():
            rss = rss_mib(pid)
            if rss is not None:
                with self.lock:
                    self.peaks[name] = max(self.peaks.get(name, 0.0), rss)

    def take(self) -> dict[str, float]:
        self.sample()
        with self.lock:
            peaks, self.peaks = self.peaks, {}
        return peaks

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()


@dataclass(frozen=True)
class Phase:
    kind: str  # "write" or "read"
    title: str
    requests: list[Request]
    once: bool


def phases(built: BuiltLedger) -> list[Phase]:
    """Sign-ups on the soak's shifts (accepted the first time, refused as repeats after), then
    reads of summaries and of the leaderboard."""
    writes = sign_ups(built.volunteers, built.soak_shifts)
    summaries = [Request("GET", f"/v1/volunteers/{v}/summary") for v in built.volunteers]
    board = [Request("GET", f"/v1/leaderboards?organization_id={built.district}")]
    return [
        Phase("write", "sign-ups", writes, True),
        Phase("read", "summaries", summaries, False),
        Phase("write", "sign-ups again", writes, True),
        Phase("read", "leaderboard", board, False),
    ]


def soak(
    url: str,
    built: BuiltLedger,
    pids: dict[str, int],
    *,
    token: str,
    cycles: int,
    seconds: float,
    runner: Callable[..., WrkResult] = run_wrk,
) -> dict[str, object]:
    """``cycles`` times the four phases; after each, the requests so far and each process's
    peak RSS in it."""
    points: list[dict[str, object]] = []
    peaks: list[dict[str, float]] = []
    total = 0
    with Sampler(pids) as sampler:
        start = sampler.take()
        start_lifetime = lifetime_peaks(pids)
        start_held = {name: holdings(pid) for name, pid in pids.items()}
        for cycle in range(cycles):
            for phase in phases(built):
                result = runner(url, phase.requests, token=token, seconds=seconds, once=phase.once)
                total += result.requests
                peaks.append(sampler.take())
                points.append(
                    {
                        "cycle": cycle,
                        "phase": phase.title,
                        "kind": phase.kind,
                        "requests": total,
                        "statuses": result.statuses,
                        "peak_rss_mib": peaks[-1],
                        "holdings": {name: holdings(pid) for name, pid in pids.items()},
                    }
                )
    return {
        "lifetime_peak_rss_mib_at_start": start_lifetime,
        "lifetime_peak_rss_mib_at_end": lifetime_peaks(pids),
        "start_holdings": start_held,
        "start_rss_mib": start,
        "points": points,
        "peak_rss_mib": {name: max(p.get(name, 0.0) for p in [start, *peaks]) for name in pids},
    }
