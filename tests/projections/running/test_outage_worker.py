"""A projection worker process cut off from its database keeps running and resumes exactly.

``volunteer-ledger projections run`` reaches PostgreSQL through a TCP proxy the test cuts
(refusing or blackholing new connections) while events keep being written straight to the
database, as other API workers would; once restored, the worker catches up, and its read
models equal a rebuild from zero: nothing skipped, nothing applied twice.
"""

from __future__ import annotations

import signal

import pytest

from bench.synthetic import generate
from domain.ledger import Ledger
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for
from tests.projections.read_models import contents, other_views
from tests.projections.running.test_worker import WorkerProcess, wait_until
from tests.tcp_proxy import Cut, TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.mark.parametrize("cut", [Cut.REFUSE, Cut.BLACKHOLE], ids=lambda cut: cut.value)
def test_a_worker_cut_off_from_the_database_resumes_and_applies_each_event_once(
    postgres_schema, tmp_path, cut
):
    proxy = TcpProxy.in_front_of(postgres_schema)
    ledger = Ledger(postgres_schema)
    views = view_store_for(postgres_schema)
    worker = WorkerProcess(proxy.url(postgres_schema), tmp_path)
    runner = ProjectionRunner(ledger, views, all_projections(), prepare=False)

    def current() -> bool:
        head = ledger.recorder.max_notification_id()
        return {p.position for p in runner.progress()} == {head}

    try:
        generate(ledger, 300)
        wait_until(current, timeout=60)
        proxy.cut(cut)
        generate(ledger, 300)  # written meanwhile by the API, which still reaches the database
        wait_until(
            lambda: worker.logged("lost the lock connection") or worker.logged("batch failed"),
            timeout=60,
        )
        assert worker.process.poll() is None, "".join(worker.log)
        assert not current()

        proxy.restore()
        wait_until(current, timeout=60)
        assert worker.end(signal.SIGTERM) == 0, "".join(worker.log)
        assert not any("Traceback" in line for line in worker.log)
        with other_views(postgres_schema, tmp_path) as fresh:
            ProjectionRunner(ledger, fresh, all_projections()).catch_up()
            assert contents(views, all_projections()) == contents(fresh, all_projections())
    finally:
        worker.end(signal.SIGKILL)
        proxy.close()
        views.close()
        ledger.close()
