"""What is read from the store when scraped: the read models' lag and the transparency log.

These are facts of the shared store, not of one process: any worker answers them alike, so
they are computed at each scrape rather than added up across workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from projections.running.runner import ProjectionRunner
from projections.transparency.log import TransparencyLog
from projections.transparency.storage import LOG_NAME


class StoreCollector(Collector):
    def __init__(
        self,
        runner: ProjectionRunner,
        log: TransparencyLog,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.runner = runner
        self.log = log
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        progress = self.runner.progress()
        head = progress[0].head if progress else self.runner.head()
        yield GaugeMetricFamily(
            "volunteer_ledger_event_store_position",
            "The position (notification id) of the last event stored.",
            value=head,
        )
        lag = GaugeMetricFamily(
            "volunteer_ledger_projection_lag_events",
            "Positions between the last event stored and the last one a read model processed.",
            labels=("projection",),
        )
        for read_model in progress:
            lag.add_metric((read_model.name,), read_model.lag)
        lag.add_metric((LOG_NAME,), max(head - self.log.position(), 0))
        yield lag
        yield GaugeMetricFamily(
            "volunteer_ledger_transparency_log_leaves",
            "Leaves in the transparency log (one per event logged).",
            value=self.log.size(),
        )
        latest = self.log.latest_checkpoint()
        if latest is not None:
            yield GaugeMetricFamily(
                "volunteer_ledger_transparency_log_checkpoint_size",
                "The tree size the latest signed checkpoint covers.",
                value=latest.size,
            )
            yield GaugeMetricFamily(
                "volunteer_ledger_transparency_log_checkpoint_age_seconds",
                "Seconds since the latest checkpoint was signed.",
                value=max((self.clock() - latest.signed_at).total_seconds(), 0.0),
            )
