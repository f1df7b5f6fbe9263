"""Reading a /metrics answer in tests: the scraper's token, and one sample's value."""

from __future__ import annotations

import re

TOKEN = "m" * 40
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


def value(text: str, name: str, **labels: str) -> float:
    """A sample's value (0 when the series has none yet)."""
    wanted = ",".join(f'{key}="{label}"' for key, label in sorted(labels.items()))
    pattern = rf"^{re.escape(name)}(?:\{{{re.escape(wanted)}\}})? (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0
