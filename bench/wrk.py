"""Driving the service with ``wrk`` (a C load generator: a Python client tops out far below what
the service can answer) and one Lua script for every load, ``lua/requests.lua``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

SCRIPT = Path(__file__).parent / "lua" / "requests.lua"


class WrkMissingError(Exception):
    """wrk is not installed and could not be installed."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = ""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    statuses: dict[str, int]
    #: A load whose requests go once only: whether it sent them all before its time was up,
    #: so that its rate (requests over the whole run) says how many it had, not how fast.
    ran_out: bool = False

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        """Answers of 5xx, and requests that got no answer at all."""
        return self.socket_errors + sum(n for s, n in self.statuses.items() if s.startswith("5"))

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "rate": self.rate, "failures": self.failures}


def ensure_wrk() -> str:
    """The path of ``wrk``, installed with apt-get when missing (as root, or with sudo)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: wrk is missing; trying apt-get install -y wrk", file=sys.stderr)
    for sudo in ([], ["sudo", "-n"]):
        for command in (["apt-get", "install", "-y", "wrk"], ["apt-get", "update"]):
            try:
                subprocess.run([*sudo, *command], check=True, capture_output=True, timeout=600)
            except (OSError, subprocess.SubprocessError):
                continue
        if not shutil.which("wrk"):  # an old package list: updated above, now again
            try:
                subprocess.run(
                    [*sudo, "apt-get", "install", "-y", "wrk"],
                    capture_output=True,
                    timeout=600,
                    check=False,
                )
            except (OSError, subprocess.SubprocessError):
                continue
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkMissingError(
        "wrk is not installed and `apt-get install -y wrk` failed (it needs root or sudo, and "
        "a Debian or Ubuntu system): install wrk and run the benchmark again"
    )


def run_wrk(
    url: str,
    requests: list[Request],
    *,
    token: str | None,
    seconds: float,
    connections: int = 16,
    once: bool = False,
) -> WrkResult:
    """One run of ``wrk -t1 -cN -dS``: ``requests`` in turn (each once, with ``once``)."""
    wrk = ensure_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as lines:
        for request in requests:
            lines.write(f"{request.method}\t{request.path}\t{request.body}\n")
        lines.flush()
        command = [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(SCRIPT),
            url,
            "--",
            lines.name,
            token or "-",
            "once" if once else "cycle",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            result = WrkResult(**json.loads(line.removeprefix("BENCH ")))
            # A thread that has sent its last line sends one filler before it stops.
            return replace(result, ran_out=once and result.requests >= len(requests))
    raise RuntimeError(f"wrk gave no result: {done.stderr.strip() or done.stdout.strip()}")
