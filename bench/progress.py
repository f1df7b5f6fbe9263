"""A plain-text progress bar on stderr: one line redrawn in place, no library."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``bar(done, total)`` redraws ``label [#####.....]  42% 4,200/10,000 (350/s)``; at most
    a few times a second, and a final newline from ``close()``."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self.started = self.drawn = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.drawn < 0.25 and done < total:
            return
        self.drawn, self.shown = now, True
        share = min(1.0, done / total) if total else 1.0
        filled = int(share * self.width)
        rate = done / max(now - self.started, 1e-9)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} "
            f"{done:,}/{total:,} ({rate:,.0f}/s)"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
