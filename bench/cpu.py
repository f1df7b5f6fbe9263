"""Where the CPU goes during a load: cores used by each group of processes (the API, the
projections worker, the database's backends, wrk) and by the whole machine, from Linux's /proc.

A figure is CPU seconds over wall seconds: 1.0 is one core kept busy. On a machine whose cores
are shared with the database, the load generator and anything else running, this says what a
rate is limited by: a group near one core is bound by its own Python, a machine near all its
cores by the machine.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")

#: A group of processes, looked up when the measurement starts and again when it ends.
Pids = Callable[[], Iterable[int]]


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far; None when it is gone or not on Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def descendants(pid: int) -> list[int]:
    """A process and every process below it (uvicorn's workers below its supervisor)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += parents.get(current, [])
    return found


def _machine_busy() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine so far (every core)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


class CpuMeter:
    """Cores used by each group while the block runs: ``with CpuMeter(groups) as meter:`` and
    then ``meter.cores``; the children this process waited for (wrk) count as ``load``."""

    def __init__(self, groups: Mapping[str, Pids]) -> None:
        self.groups = groups
        self.cores: dict[str, float] = {}

    def __enter__(self) -> CpuMeter:
        self._start = {name: self._sample(pids()) for name, pids in self.groups.items()}
        self._children = _children_seconds()
        self._machine = _machine_busy()
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self._wall
        for name, pids in self.groups.items():
            before, after = self._start[name], self._sample(pids())
            used = sum(after[pid] - before.get(pid, 0.0) for pid in after)
            self.cores[name] = used / wall
        self.cores["load (wrk)"] = (_children_seconds() - self._children) / wall
        busy, total = _machine_busy()
        self.cores["machine"] = (busy - self._machine[0]) / _TICK / wall
        self.cores["machine_cores"] = (total - self._machine[1]) / _TICK / wall

    @staticmethod
    def _sample(pids: Iterable[int]) -> dict[int, float]:
        seconds = {pid: cpu_seconds(pid) for pid in pids}
        return {pid: s for pid, s in seconds.items() if s is not None}


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
