"""PNG charts of a report, with matplotlib (the ``bench`` extra); none without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_charts(out: Path, report: dict[str, Any]) -> list[str]:
    """The file names of the charts written into ``out``; ImportError without matplotlib."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    written: list[str] = []
    if "http" in report:
        loads = report["http"]["loads"]
        figure, (axes, shares) = pyplot.subplots(1, 2, figsize=(11, 4), sharey=True)
        titles = [load["title"] for load in loads.values()]
        medians = [load["rate"]["median"] for load in loads.values()]
        errors = [
            [m - load["rate"]["low"] for m, load in zip(medians, loads.values(), strict=True)],
            [load["rate"]["high"] - m for m, load in zip(medians, loads.values(), strict=True)],
        ]
        axes.barh(titles, medians, xerr=errors, color="#4472c4")
        axes.set_xlabel("requests/s (median; lines: lowest to highest round)")
        axes.invert_yaxis()
        ratios = [(load["ratio_to_healthz"]["median"] or 0) * 100 for load in loads.values()]
        shares.barh(titles, ratios, color="#70ad47")
        shares.set_xlabel("% of /healthz in the same round (median)")
        figure.tight_layout()
        figure.savefig(out / "http.png", dpi=100)
        pyplot.close(figure)
        written.append("http.png")
    if "memory" in report:
        points = report["memory"]["points"]
        figure, axes = pyplot.subplots(figsize=(8, 4))
        for name in report["memory"]["peak_rss_mib"]:
            axes.plot(
                [0] + [p["requests"] for p in points],
                [report["memory"]["start_rss_mib"].get(name, 0)]
                + [p["peak_rss_mib"].get(name, 0) for p in points],
                marker="o",
                label=name,
            )
        axes.set_xlabel("requests")
        axes.set_ylabel("peak RSS in the phase (MiB)")
        axes.set_ylim(bottom=0)
        axes.legend()
        figure.tight_layout()
        figure.savefig(out / "memory.png", dpi=100)
        pyplot.close(figure)
        written.append("memory.png")
    return written
