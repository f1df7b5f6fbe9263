"""``/metrics``: off by default; with the setting on, Prometheus text for the token holder only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import IntegrityError
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import Api
from tests.api.metrics_text import SCRAPER, TOKEN, value
from tests.conftest import Clock


@pytest.fixture
def api(tmp_path) -> Iterator[Api]:
    """The app with metrics on (the conftest's ``world`` builds on it)."""
    settings = Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
        metrics=True,
        metrics_token=TOKEN,
    )
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    with TestClient(create_app(settings, clock=clock)) as client:
        yield Api(client, client.app.state.services, clock)  # type: ignore[attr-defined]


def scrape(api: Api) -> str:
    response = api.client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


def test_there_are_no_metrics_unless_the_setting_is_on(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", store=f"sqlite:///{tmp_path}/data/ledger.db")
    with TestClient(create_app(settings)) as client:
        assert client.get("/metrics", headers=SCRAPER).status_code == 404


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer " + "x" * 40}, {"Authorization": f"Basic {TOKEN}"}]
)
def test_metrics_are_refused_without_the_token(api, headers):
    response = api.client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "volunteer_ledger" not in response.text


def test_requests_are_counted_by_route_template_not_by_path(api):
    before = scrape(api)
    for index in (0, 1, 2):
        api.client.get(f"/v1/log/leaves/{index}")
    after = scrape(api)
    name = "volunteer_ledger_http_request_duration_seconds_count"
    route = "/v1/log/leaves/{index}"
    assert (
        value(after, name, method="GET", route=route)
        - value(before, name, method="GET", route=route)
        == 3
    )
    assert 'route="/v1/log/leaves/1"' not in after


def test_answers_are_counted_by_status(api):
    api.client.get("/v1/log/leaves/999")
    text = scrape(api)
    name = "volunteer_ledger_http_requests_total"
    assert value(text, name, method="GET", route="/v1/log/leaves/{index}", status="404") >= 1


def test_a_path_no_route_matches_is_counted_as_unmatched(api):
    before = value(scrape(api), "volunteer_ledger_http_requests_total", method="GET",
                   route="unmatched", status="404")  # fmt: skip
    api.client.get("/no/such/page/12345")
    after = scrape(api)
    assert "/no/such/page" not in after
    labels = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(after, "volunteer_ledger_http_requests_total", **labels) == before + 1


def test_a_collided_save_counts_a_conflict_and_a_retry(api, world, monkeypatch):
    ledger = api.services.ledger
    save = ledger.save
    collisions = [IntegrityError("another sign-up won the race")]

    def colliding_once(*aggregates, **kwargs):
        if collisions:
            raise collisions.pop()
        return save(*aggregates, **kwargs)

    before = scrape(api)
    monkeypatch.setattr(ledger, "save", colliding_once)
    response = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        json={"volunteer_id": str(world.volunteer)},
        headers=world.tokens["volunteer"],
    )
    assert response.status_code == 201, response.text
    after = scrape(api)
    for name in (
        "volunteer_ledger_command_conflicts_total",
        "volunteer_ledger_command_retries_total",
    ):
        assert value(after, name, command="sign_up") == value(before, name, command="sign_up") + 1


def test_the_lag_of_each_read_model_is_the_events_it_has_not_processed(api, world):
    lag = "volunteer_ledger_projection_lag_events"
    api.services.runner.catch_up()
    assert value(scrape(api), lag, projection="hours") == 0
    before = api.services.ledger.recorder.max_notification_id()
    api.services.ledger.create_organisation(
        name="安定门街道", kind="street", parent_id=world.district
    )
    written = api.services.ledger.recorder.max_notification_id() - before
    text = scrape(api)
    assert value(text, lag, projection="hours") == written > 0
    assert value(text, lag, projection="transparency_log") > 0


def test_the_transparency_log_shows_its_size_and_the_age_of_its_checkpoint(api, world):
    api.client.get("/v1/log/checkpoint", params={"fresh": "true"})
    head = api.services.ledger.recorder.max_notification_id()
    text = scrape(api)
    assert value(text, "volunteer_ledger_transparency_log_leaves") == head
    assert value(text, "volunteer_ledger_transparency_log_checkpoint_size") == head
    assert 0 <= value(text, "volunteer_ledger_transparency_log_checkpoint_age_seconds") < 600


def test_metrics_cannot_be_turned_on_without_a_token(tmp_path):
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        Settings(data_dir=tmp_path, metrics=True)


def test_a_short_metrics_token_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="shorter than 32"):
        Settings(data_dir=tmp_path, metrics=True, metrics_token="secret")


def test_metrics_are_not_in_the_openapi_document(api):
    assert "/metrics" not in api.client.get("/openapi.json").json()["paths"]
