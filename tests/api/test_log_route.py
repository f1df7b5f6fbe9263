"""The public log routes: checkpoints that verify, proofs that verify, problems for bad input."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.settings import Settings
from api.transparency import open_transparency_log
from projections.transparency.log import TransparencyLog
from tests import factories as f
from trust.checkpoint import open_checkpoint, parse_checkpoint, parse_vkey
from trust.merkle import leaf_hash, verify_consistency, verify_inclusion
from trust.tlog_proof import verify_tlog_proof

ORIGIN = "volunteer-ledger.local/log"


#: The events ``LogApi.grow`` stores.
GROWN = 10


@dataclass
class LogApi:
    client: TestClient
    services: Services
    log: TransparencyLog

    def checkpoint(self, **params):
        response = self.client.get("/v1/log/checkpoint", params=params)
        assert response.status_code == 200, response.text
        return response.text

    def grow(self, name: str = "东城区") -> None:
        """GROWN events: a district, a community below it (with the key on its name) and a
        volunteer."""
        f.volunteer(
            self.services.ledger,
            f.community(self.services.ledger, f.district(self.services.ledger, name)),
        )


@contextmanager
def running_log(folder) -> Iterator[LogApi]:
    settings = Settings(
        data_dir=folder / "data",
        store=f"sqlite:///{folder}/data/ledger.db",
        follow_projections=False,
    )
    with TestClient(create_app(settings)) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        log = open_transparency_log(settings, services.ledger, services.views)
        client.app.state.transparency_log = log  # type: ignore[attr-defined]
        api = LogApi(client, services, log)
        api.grow()
        yield api


@pytest.fixture
def log_api(tmp_path) -> Iterator[LogApi]:
    with running_log(tmp_path) as api:
        yield api


@pytest.fixture(scope="module")
def signed_log(tmp_path_factory) -> Iterator[LogApi]:
    """One log of GROWN events with a checkpoint, for the tests that only read."""
    with running_log(tmp_path_factory.mktemp("log")) as api:
        api.checkpoint()
        yield api


def public_key(api: LogApi):
    name, key = parse_vkey(api.client.get("/v1/log/vkey").text.strip())
    assert name == ORIGIN
    return key


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def test_the_first_checkpoint_is_signed_on_demand_and_verifies(log_api):
    note = log_api.checkpoint()
    checkpoint = open_checkpoint(note, ORIGIN, ORIGIN, public_key(log_api))
    assert checkpoint is not None
    assert checkpoint.size == log_api.log.size() == GROWN
    assert checkpoint.root == log_api.log.root()
    assert parse_checkpoint(note) == checkpoint


def test_a_fresh_checkpoint_includes_the_latest_events(log_api):
    first = parse_checkpoint(log_api.checkpoint())
    log_api.grow("西城区")
    assert parse_checkpoint(log_api.checkpoint()) == first
    fresh = parse_checkpoint(log_api.checkpoint(fresh="true"))
    assert fresh.size == first.size + GROWN


def test_the_checkpoint_history_pages_oldest_first(log_api):
    log_api.checkpoint()
    for name in ("西城区", "朝阳区"):
        log_api.grow(name)
        log_api.checkpoint(fresh="true")
    page = log_api.client.get("/v1/log/checkpoints", params={"limit": 2}).json()
    assert [c["size"] for c in page["items"]] == [GROWN, 2 * GROWN]
    rest = log_api.client.get(
        "/v1/log/checkpoints", params={"limit": 2, "cursor": page["next_cursor"]}
    ).json()
    assert [c["size"] for c in rest["items"]] == [3 * GROWN]
    assert rest["next_cursor"] is None
    latest = rest["items"][0]
    assert parse_checkpoint(latest["note"]).root == b64(latest["root"])


def test_an_inclusion_proof_verifies_against_the_signed_root(log_api):
    checkpoint = parse_checkpoint(log_api.checkpoint())
    for index in range(checkpoint.size):
        body = log_api.client.get("/v1/log/proofs/inclusion", params={"index": index}).json()
        assert body["size"] == checkpoint.size
        leaf = log_api.client.get(f"/v1/log/leaves/{index}").json()
        assert b64(leaf["leaf_hash"]) == b64(body["leaf_hash"]) == leaf_hash(leaf["data"].encode())
        proof = [b64(node) for node in body["proof"]]
        assert verify_inclusion(b64(body["leaf_hash"]), index, body["size"], proof, checkpoint.root)


def test_an_inclusion_proof_comes_as_a_tlog_proof_for_text(log_api):
    log_api.checkpoint()
    response = log_api.client.get(
        "/v1/log/proofs/inclusion", params={"index": 3}, headers={"Accept": "text/plain"}
    )
    assert response.headers["content-type"].startswith("text/plain")
    hashed = b64(log_api.client.get("/v1/log/leaves/3").json()["leaf_hash"])
    assert verify_tlog_proof(response.text, hashed, ORIGIN, ORIGIN, public_key(log_api))


def test_a_consistency_proof_links_two_checkpoints(log_api):
    old = parse_checkpoint(log_api.checkpoint())
    log_api.grow("海淀区")
    new = parse_checkpoint(log_api.checkpoint(fresh="true"))
    body = log_api.client.get(
        "/v1/log/proofs/consistency", params={"from": old.size, "to": new.size}
    ).json()
    assert (body["from"], body["to"]) == (old.size, new.size)
    proof = [b64(node) for node in body["proof"]]
    assert verify_consistency(old.size, new.size, old.root, new.root, proof)


def test_a_leaf_shows_no_personal_data(signed_log):
    for index in range(signed_log.log.size()):
        data = signed_log.client.get(f"/v1/log/leaves/{index}").json()["data"]
        assert "王小明" not in data
        assert "东城区" not in data


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/v1/log/proofs/inclusion", {"index": GROWN, "size": GROWN}, 422),
        ("/v1/log/proofs/inclusion", {"index": 0, "size": GROWN + 1}, 422),
        ("/v1/log/proofs/inclusion", {"index": -1}, 422),
        ("/v1/log/proofs/inclusion", {"index": "一"}, 422),
        ("/v1/log/proofs/consistency", {"from": 5, "to": 3}, 422),
        ("/v1/log/proofs/consistency", {"from": 3, "to": 99}, 422),
        ("/v1/log/proofs/consistency", {"from": 0, "to": 3}, 422),
        (f"/v1/log/leaves/{GROWN}", {}, 404),
        ("/v1/log/leaves/99999999999999999999", {}, 422),
        ("/v1/log/checkpoints", {"cursor": "not-ours"}, 422),
    ],
)
def test_out_of_range_requests_get_problem_details(signed_log, path, params, status):
    response = signed_log.client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status


def test_a_tlog_proof_needs_a_checkpoint_of_that_size(signed_log):
    response = signed_log.client.get(
        "/v1/log/proofs/inclusion", params={"index": 0, "size": 5}, headers={"Accept": "text/plain"}
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_an_app_without_a_log_answers_404(tmp_path):
    settings = Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
    )
    with TestClient(create_app(settings)) as client:
        client.app.state.transparency_log = None  # type: ignore[attr-defined]
        response = client.get("/v1/log/checkpoint")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
