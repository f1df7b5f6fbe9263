"""The catch-up of the read models by one process per group, beside each group alone."""

from __future__ import annotations

import sqlite3

import pytest

from api.personal_data import ledger_for
from api.settings import Settings
from bench.bench_projections import fresh_views, measure_split
from bench.builder import LoadPlan, build_ledger
from projections.stores.factory import view_store_for


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_groups_caught_up_at_once_fill_the_read_models_and_are_set_beside_each_alone(
    kind, tmp_path, request
):
    store = (
        f"sqlite:///{tmp_path}/bench.db"
        if kind == "sqlite"
        else str(request.getfixturevalue("postgres_schema"))
    )
    settings = Settings(data_dir=tmp_path, store=store)
    built = build_ledger(settings, 300, seed=11, plan=LoadPlan(runs=1, spread=3, volunteers=0))
    ledger = ledger_for(settings)
    try:
        rows, together = measure_split(ledger, store, 100, [{"audit"}, {"directory"}], settings)
    finally:
        ledger.close()

    labels = [row["label"] for row in rows if not str(row["label"]).startswith("raw")]
    assert labels == [
        "group alone: audit",
        "group alone: directory",
        "2 groups at once, a process each",
    ]
    assert together > 0
    views = view_store_for(fresh_views(store, "views-groups"))
    try:
        listed = views.query("SELECT COUNT(*) FROM dir_volunteers", ())[0][0]
    finally:
        views.close()
    assert listed == len(built.volunteers)


def test_on_sqlite_the_groups_are_also_caught_up_at_once_in_one_file_as_before(tmp_path):
    store = f"sqlite:///{tmp_path}/bench.db"
    settings = Settings(data_dir=tmp_path, store=store)
    build_ledger(settings, 300, seed=11, plan=LoadPlan(runs=1, spread=3, volunteers=0))
    ledger = ledger_for(settings)
    try:
        rows, _ = measure_split(
            ledger, store, 100, [{"audit"}, {"directory"}], settings, compare_one_file=True
        )
    finally:
        ledger.close()

    labels = [row["label"] for row in rows if "at once" in str(row["label"])]
    assert labels == [
        "2 groups at once, a process each, one file",
        "2 groups at once, a process each",
    ]
    one_file = sqlite3.connect(tmp_path / "views-groups-one-file-views.db")
    try:
        assert one_file.execute("SELECT COUNT(*) FROM audit_entries").fetchone()[0] > 0
    finally:
        one_file.close()
    assert not (tmp_path / "views-groups-one-file-views-audit.db").exists()
    assert (tmp_path / "views-groups-views-audit.db").exists()
