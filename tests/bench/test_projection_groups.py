"""The catch-up of the read models by one process per group, beside each group alone."""

from __future__ import annotations

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
