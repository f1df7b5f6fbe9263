"""An erasure changes no stored event: ``verify-log`` still matches every leaf after it."""

from __future__ import annotations

import argparse
import io

import pytest

from api.cli.log import add_verify_log_parser, run_verify_log
from api.personal_data import ledger_for
from api.settings import Settings
from api.transparency import open_transparency_log
from projections.stores.factory import view_store_for
from tests import factories as f
from tests.event_store_sql import views_in_wal_mode
from tests.factories import ORGANISER


@pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_verify_log_matches_everything_after_a_volunteer_is_erased(store_url, tmp_path, clock):
    settings = Settings(data_dir=tmp_path / "data", store=store_url)
    views_in_wal_mode(store_url)
    ledger = ledger_for(settings, clock=clock)
    views = view_store_for(store_url)
    try:
        community = f.community(ledger)
        volunteer = f.volunteer(ledger, community, name="孙丽")
        record = f.record_by_hand(
            ledger, volunteer, f.activity(ledger, community), f.home_organiser(ledger, volunteer)
        )
        ledger.approve_record(record, ORGANISER)
        log = open_transparency_log(settings, ledger, views)
        log.refresh()
        ledger.erase_volunteer(volunteer, "本人申请", ORGANISER)
        log.refresh()
    finally:
        views.close()
        ledger.close()
    parser = argparse.ArgumentParser()
    add_verify_log_parser(parser.add_subparsers())
    out, err = io.StringIO(), io.StringIO()
    status = run_verify_log(parser.parse_args(["verify-log"]), settings, out, err)
    assert (status, out.getvalue().rstrip().endswith("everything matches")) == (0, True), (
        out.getvalue() + err.getvalue()
    )
