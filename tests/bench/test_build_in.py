"""Where the benchmark builds its ledger: on SQLite, or on SQLite then moved into PostgreSQL with
``volunteer-ledger migrate``, as a ledger that outgrew the embedded default would be."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from api.personal_data import ledger_for
from bench.builder import LoadPlan
from bench.command import build_in
from projections.stores.factory import view_store_for

PLAN = LoadPlan(runs=1, spread=3, hot_capacity=2, volunteers=0)


@pytest.mark.postgres
def test_a_postgresql_run_gets_the_ledger_moved_there_by_migrate(postgres_schema):
    with ExitStack() as stack:
        settings, built, figures = build_in(stack, postgres_schema, 300, 11, PLAN)
        assert settings.store == built.store == postgres_schema
        assert figures["migrated_seconds"] > 0
        store = ledger_for(settings)  # what the service opens, with the moved keys
        views = view_store_for(postgres_schema)
        try:
            organiser = store.account_for_login(built.organiser_login)
            stored = store.recorder.max_notification_id()
            names = [store.volunteer(v).name for v in built.volunteers]
            listed = views.query("SELECT COUNT(*) FROM dir_volunteers", ())[0][0]
        finally:
            views.close()
            store.close()

    assert organiser.username == built.organiser_login
    assert stored == built.events
    assert all(names)  # personal data opens: the data folder's keys went with the ledger
    assert listed == len(built.volunteers)  # the read models were rebuilt there


def test_a_sqlite_run_builds_in_place(tmp_path):
    store = f"sqlite:///{tmp_path}/bench.db"
    with ExitStack() as stack:
        settings, built, figures = build_in(stack, store, 300, 11, PLAN)

    assert settings.store == built.store == store
    assert settings.data_dir == tmp_path
    assert "migrated_seconds" not in figures
