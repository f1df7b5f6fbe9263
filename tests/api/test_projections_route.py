"""GET /v1/projections: each read model's position, the head, the lag and a state."""

from projections import all_projections


def test_every_read_model_reports_its_position_head_lag_and_state(api, world):
    api.services.runner.catch_up()
    head = api.services.ledger.recorder.max_notification_id()
    response = api.client.get("/v1/projections", headers=world.tokens["volunteer"])
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"name": p.name, "position": head, "head": head, "lag": 0, "state": "current"}
            for p in all_projections()
        ]
    }


def test_a_read_model_behind_the_head_is_catching_up(api, world):
    api.services.runner.catch_up()
    api.services.ledger.create_organisation(name="交道口街道", kind="street")
    items = api.client.get("/v1/projections", headers=world.tokens["admin"]).json()["items"]
    assert {(item["lag"], item["state"]) for item in items} == {(1, "catching up")}


def test_the_read_models_progress_needs_a_login(api, world):
    response = api.client.get("/v1/projections")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
