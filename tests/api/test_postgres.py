"""The app on PostgreSQL: read models, idempotency keys and events all in the database."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import PASSWORD

pytestmark = pytest.mark.postgres


def test_the_app_serves_a_volunteer_from_postgresql(postgres_schema, tmp_path):
    settings = Settings(data_dir=tmp_path, store=postgres_schema, follow_projections=True)
    with TestClient(create_app(settings)) as client:
        ledger = client.app.state.services.ledger
        community = ledger.create_organisation(name="和平里社区", kind="community")
        body = {
            "name": "王小明",
            "phone": "13911110001",
            "password": PASSWORD,
            "birth_date": "1990-05-04",
            "organization_id": str(community),
            "consent": True,
        }
        key = {"Idempotency-Key": "pg-smoke-1"}
        registered = client.post("/v1/volunteers", json=body, headers=key)
        replayed = client.post("/v1/volunteers", json=body, headers=key)
        token = client.post(
            "/v1/auth/token", data={"username": "13911110001", "password": PASSWORD}
        ).json()
        me = {"Authorization": f"Bearer {token['access_token']}"}
        volunteer = registered.json()["id"]
        records = client.get(
            f"/v1/volunteers/{volunteer}/service-records",
            params={"min_position": registered.json()["position"]},
            headers=me,
        )
    assert registered.status_code == 201
    assert replayed.json() == registered.json()
    assert records.json()["position"] >= registered.json()["position"]
