"""The ``api`` fixture on SQLite and on PostgreSQL: a read route answers the same on both.

A test module overrides the SQLite-only ``api`` of conftest by importing this one; ``read``
asks a route after the read models have caught up with everything stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import Api
from tests.conftest import Clock

STORE_PARAMS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=STORE_PARAMS)
def api(request: pytest.FixtureRequest, tmp_path) -> Iterator[Api]:
    with api_on_store(request, tmp_path) as made:
        yield made


@contextmanager
def api_on_store(request: pytest.FixtureRequest, tmp_path, **settings: Any) -> Iterator[Api]:
    """The app on the store of ``request.param`` (``sqlite`` or ``postgres``), with these
    settings besides: for a module's own ``api`` fixture, ``params=STORE_PARAMS``."""
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path}/data/ledger.db"
    else:
        store = str(request.getfixturevalue("postgres_schema"))
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    chosen = Settings(data_dir=tmp_path / "data", store=store, follow_projections=False, **settings)
    with TestClient(create_app(chosen, clock=clock)) as client:
        yield Api(client, client.app.state.services, clock)  # type: ignore[attr-defined]


def read(api: Api, path: str, headers: dict[str, str] | None = None, **params: object):
    """GET ``path`` once the read models hold every event stored so far."""
    position = api.services.ledger.recorder.max_notification_id() or 0
    return api.client.get(path, headers=headers or {}, params={"min_position": position, **params})
