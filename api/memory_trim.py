"""Handing the memory a worker has freed back to the system, every few seconds, on a thread.

What an API worker uses stays flat under load, but what it frees did not go back by itself
(issue 19, target 6; measured in ``docs/benchmarks.md``): SQLite's page caches and sorts come
and go with the requests (the event store's overflow connections are opened and closed, a
leaderboard ranks a whole district), and glibc keeps the freed blocks in its heap, scattered
between live ones, so the worker's resident memory climbed cycle after cycle of a soak while
the bytes in use did not. glibc's ``malloc_trim(0)`` gives every free page back; it took about
a millisecond of processor time there. With a C library that has no ``malloc_trim`` (musl,
macOS) there is no trimmer.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

#: Seconds between two trims.
TRIM_SECONDS = 5.0


def malloc_trim() -> Callable[[], object] | None:
    """glibc's ``malloc_trim(0)``, as a function of nothing; None where the C library has none."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


class MemoryTrimmer:
    """Calls ``trim`` every ``interval`` seconds until stopped."""

    def __init__(self, trim: Callable[[], object], interval: float = TRIM_SECONDS) -> None:
        self.trim = trim
        self.interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-trim", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self.trim()
            except Exception:  # never expected of malloc_trim; the worker must not care
                logger.exception("giving freed memory back failed; no more trims")
                return

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)


def start_memory_trimmer(interval: float = TRIM_SECONDS) -> MemoryTrimmer | None:
    """A running trimmer (call ``stop()`` on shutdown), or None without ``malloc_trim``."""
    trim = malloc_trim()
    if trim is None:
        return None
    trimmer = MemoryTrimmer(trim, interval)
    trimmer.start()
    return trimmer
