"""Every error leaves the API as RFC 9457 problem JSON, mapped by one table."""

from __future__ import annotations

import inspect
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, field_validator

import api.problems
import api.problems.errors
from api.problems import (
    PROBLEMS,
    ApiError,
    NotFound,
    TooManyRequests,
    Unauthenticated,
    install_problem_handlers,
    problem_for,
)
from domain import errors
from domain.errors import (
    CapacityError,
    LedgerError,
    NotFoundError,
    PhoneInUseError,
    RuleViolationError,
)

SHIFT_ID = uuid.UUID("6f1e0c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b")
STARTS_AT = datetime(2026, 3, 7, 1, 30, tzinfo=UTC)
LEDGER_ERRORS = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, LedgerError) and cls.__module__ == errors.__name__
]
API_ERRORS = [
    cls
    for _, cls in inspect.getmembers(api.problems.errors, inspect.isclass)
    if issubclass(cls, ApiError) and cls.__module__ == api.problems.errors.__name__
]


def ledger_error(cls: type[LedgerError]) -> LedgerError:
    if cls is NotFoundError:
        return NotFoundError("shift", "7d1f")
    return cls(f"{cls.__name__} happened", volunteer_id="v-王小明")


def api_error(cls: type[ApiError]) -> ApiError:
    return TooManyRequests(retry_after=30) if cls is TooManyRequests else cls()


class SignUp(BaseModel):
    name: str = Field(min_length=1)
    phone: str = Field(min_length=11, max_length=11)

    @field_validator("name")
    @classmethod
    def name_is_not_a_placeholder(cls, value: str) -> str:
        if value == "某某":
            raise ValueError("a placeholder is not a name")
        return value


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/ledger/{name}")
    def raise_ledger_error(name: str) -> None:
        raise ledger_error(getattr(errors, name))

    @app.get("/api/{name}")
    def raise_api_error(name: str) -> None:
        raise api_error(getattr(api.problems, name))

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("password=hunter2 at /srv/secret.db")

    @app.get("/full-shift")
    def full_shift() -> None:
        raise CapacityError("the shift is full", shift_id=SHIFT_ID, starts_at=STARTS_AT)

    @app.post("/sign-ups")
    def sign_up(body: SignUp) -> dict[str, str]:
        return {"name": body.name}

    install_problem_handlers(app)
    return app


@pytest.fixture
def client() -> TestClient:
    return TestClient(make_app())


@pytest.mark.parametrize("cls", LEDGER_ERRORS, ids=lambda cls: cls.__name__)
def test_every_ledger_error_has_its_own_problem_row(cls: type[Exception]) -> None:
    assert cls in PROBLEMS


@pytest.mark.parametrize("cls", API_ERRORS, ids=lambda cls: cls.__name__)
def test_every_api_error_has_its_own_problem_row(cls: type[Exception]) -> None:
    assert cls in PROBLEMS


def test_the_error_classes_were_found() -> None:
    assert len(LEDGER_ERRORS) >= 20
    assert len(API_ERRORS) >= 7


def test_no_two_problems_share_a_slug() -> None:
    slugs = [problem.slug for problem in PROBLEMS.values()]
    assert len(slugs) == len(set(slugs))


def test_a_subclass_without_a_row_gets_its_parents_problem() -> None:
    class PhoneInUseByGuardianError(PhoneInUseError):
        pass

    assert problem_for(PhoneInUseByGuardianError) == PROBLEMS[PhoneInUseError]


def test_rule_violations_are_conflicts() -> None:
    rules = [cls for cls in LEDGER_ERRORS if issubclass(cls, RuleViolationError)]
    assert {PROBLEMS[cls].status for cls in rules} == {409}


@pytest.mark.parametrize("cls", LEDGER_ERRORS, ids=lambda cls: cls.__name__)
def test_ledger_error_is_sent_as_problem_json(client: TestClient, cls: type[LedgerError]) -> None:
    response = client.get(f"/ledger/{cls.__name__}")
    problem = PROBLEMS[cls]
    assert response.status_code == problem.status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"/problems/{problem.slug}"
    assert body["title"] == problem.title
    assert body["status"] == problem.status
    assert body["detail"] == ledger_error(cls).message
    assert body["instance"] == f"/ledger/{cls.__name__}"


def test_ledger_error_context_is_sent_with_the_problem(client: TestClient) -> None:
    body = client.get("/ledger/NotFoundError").json()
    assert body["context"] == {"kind": "shift", "id": "7d1f"}


def test_context_that_is_not_json_is_sent_as_text(client: TestClient) -> None:
    body = client.get("/full-shift").json()
    assert body["context"] == {"shift_id": str(SHIFT_ID), "starts_at": "2026-03-07T01:30:00+00:00"}


@pytest.mark.parametrize("cls", API_ERRORS, ids=lambda cls: cls.__name__)
def test_api_error_is_sent_as_problem_json(client: TestClient, cls: type[ApiError]) -> None:
    response = client.get(f"/api/{cls.__name__}")
    problem = PROBLEMS[cls]
    assert response.status_code == problem.status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"/problems/{problem.slug}"
    assert response.json()["detail"] == api_error(cls).detail


def test_unauthenticated_asks_for_a_bearer_token(client: TestClient) -> None:
    response = client.get(f"/api/{Unauthenticated.__name__}")
    assert response.headers["www-authenticate"] == "Bearer"


def test_too_many_requests_says_when_to_retry(client: TestClient) -> None:
    response = client.get(f"/api/{TooManyRequests.__name__}")
    assert response.headers["retry-after"] == "30"


def test_private_not_found_does_not_say_what_was_looked_for(client: TestClient) -> None:
    body = client.get(f"/api/{NotFound.__name__}").json()
    assert body["status"] == 404
    assert "context" not in body


def test_validation_error_lists_each_bad_field(client: TestClient) -> None:
    response = client.post("/sign-ups", json={"name": "", "phone": "138"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/validation"
    assert [error["field"] for error in body["errors"]] == ["body.name", "body.phone"]
    assert all(error["message"] for error in body["errors"])


def test_validation_error_names_a_missing_field(client: TestClient) -> None:
    body = client.post("/sign-ups", json={"name": "李雷"}).json()
    assert [error["field"] for error in body["errors"]] == ["body.phone"]


def test_validation_error_does_not_echo_the_input(client: TestClient) -> None:
    response = client.post("/sign-ups", json={"name": "", "phone": "13800138000-secret"})
    assert "13800138000-secret" not in response.text


def test_validation_error_from_a_validator_is_stringified(client: TestClient) -> None:
    response = client.post("/sign-ups", json={"name": "某某", "phone": "13800138000"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "body.name"
    assert error["ctx"] == {"error": "a placeholder is not a name"}


def test_malformed_json_is_a_validation_problem(client: TestClient) -> None:
    response = client.post(
        "/sign-ups", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/validation"


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/no/such/route")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Not Found",
        "instance": "/no/such/route",
    }


def test_wrong_method_is_a_405_problem_that_says_what_is_allowed(client: TestClient) -> None:
    response = client.delete("/crash")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == "GET"


def test_unexpected_error_is_a_500_that_reveals_nothing(client: TestClient) -> None:
    response = client.get("/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert response.json()["type"] == "/problems/internal"


def test_unexpected_error_carries_the_request_id(client: TestClient) -> None:
    response = client.get("/crash")
    request_id = response.json()["request_id"]
    assert uuid.UUID(request_id)
    assert response.headers["x-request-id"] == request_id


def test_unexpected_error_is_logged_with_traceback_and_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="api.problems"):
        response = client.get("/crash", headers={"X-Request-ID": "req-42"})
    assert response.json()["request_id"] == "req-42"
    (record,) = [r for r in caplog.records if r.name == "api.problems"]
    assert "req-42" in record.getMessage()
    assert record.exc_info is not None
    assert "hunter2" in str(record.exc_info[1])


def test_a_request_id_sent_by_the_client_is_echoed(client: TestClient) -> None:
    response = client.get("/ledger/NotFoundError", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


def test_an_insane_request_id_is_replaced(client: TestClient) -> None:
    response = client.get("/ledger/NotFoundError", headers={"X-Request-ID": "x" * 500})
    assert uuid.UUID(response.headers["x-request-id"])


def test_a_successful_response_carries_a_request_id(client: TestClient) -> None:
    response = client.post("/sign-ups", json={"name": "李雷", "phone": "13800138000"})
    assert response.status_code == 200
    assert uuid.UUID(response.headers["x-request-id"])


def test_each_request_gets_its_own_id(client: TestClient) -> None:
    first = client.get("/no/such/route").headers["x-request-id"]
    second = client.get("/no/such/route").headers["x-request-id"]
    assert first != second


def test_a_crash_in_an_outer_middleware_is_still_a_problem_with_a_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()

    @app.middleware("http")
    async def broken_middleware(request: Request, call_next: Any) -> Any:
        raise RuntimeError("password=hunter2")

    with caplog.at_level(logging.ERROR, logger="api.problems"):
        response = TestClient(app, raise_server_exceptions=False).get("/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in response.text
    assert response.headers["x-request-id"] == response.json()["request_id"]
    assert [r.name for r in caplog.records].count("api.problems") == 1
