"""Routers that turn a path away at once, and routes that hand FastAPI their answer made:
the same route is found, and the same answer sent, as with FastAPI's own."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import BackgroundTasks, Depends, FastAPI, Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from api.app import ROUTERS
from api.pages.routes import PAGE_ROUTERS
from api.problems import install_problem_handlers
from api.routing import AnsweringRoute, PrefixedRouter


@pytest.mark.parametrize("router", [*ROUTERS, *PAGE_ROUTERS])
def test_every_router_served_turns_away_paths_outside_its_own(router):
    assert isinstance(router, PrefixedRouter)


def test_a_router_knows_what_every_path_of_its_begins_with():
    router = PrefixedRouter(prefix="/v1/shifts")
    router.add_api_route("/{shift_id}", lambda shift_id: None)
    router.add_api_route("/{shift_id}/signups", lambda shift_id: None, methods=["POST"])
    assert router.common_prefix() == "/v1/shifts/"
    router.add_api_route("", lambda: None)
    assert router.common_prefix() == "/v1/shifts"


def test_a_route_of_another_router_on_the_same_path_is_still_found(api, world):
    token = world.tokens["organiser"]
    listed = api.client.get(f"/v1/activities/{world.activity}/shifts", headers=token)
    statistics = api.client.get(f"/v1/activities/{world.activity}/statistics", headers=token)
    assert (listed.status_code, statistics.status_code) == (200, 200)


def test_a_wrong_method_names_every_method_of_the_path_across_routers(api, world):
    response = api.client.put(f"/v1/activities/{world.activity}/shifts")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path", ["/v1/volunteersx", "/v1/volunteers/1/2/3/4", "/v2/volunteers", "/deskx", "/nothing"]
)
def test_a_path_no_route_serves_is_the_same_404_problem(api, path):
    response = api.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["instance"] == path


def test_a_path_with_a_slash_too_many_is_redirected_to_its_route(api):
    response = api.client.get("/healthz/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].endswith("/healthz")


# AnsweringRoute beside FastAPI's own APIRoute, on the same endpoints.


class Volunteer(BaseModel):
    name: str
    volunteer_number: str = Field(serialization_alias="volunteerNumber")
    phone: str | None = None


def named(name: str) -> Volunteer:
    return Volunteer(name=name, volunteer_number="2026000001")


def as_dict() -> dict[str, Any]:
    return {"name": "王小明", "volunteer_number": "2026000001", "extra": "dropped"}


def wrong() -> dict[str, Any]:
    return {"name": "王小明"}


def headed(response: Response) -> Volunteer:
    response.headers["Cache-Control"] = "no-store"
    response.status_code = 202
    return named("李春花")


def in_background(tasks: BackgroundTasks) -> Volunteer:
    tasks.add_task(lambda: None)
    return named("赵刚")


def own_response() -> Response:
    return Response("plain", media_type="text/plain")


async def coroutine() -> Volunteer:
    return named("张伟")


def set_header(response: Response) -> None:
    response.headers["X-From-Dependency"] = "yes"


def with_dependency(_: Annotated[None, Depends(set_header)]) -> Volunteer:
    return named("周杰")


MODEL = {"response_model": Volunteer}
ENDPOINTS: list[tuple[str, Any, dict[str, Any]]] = [
    ("/named", lambda: named("王小明"), MODEL),
    ("/created", lambda: named("王小明"), {**MODEL, "status_code": 201}),
    ("/none-left-out", lambda: named("王小明"), {**MODEL, "response_model_exclude_none": True}),
    ("/dict", as_dict, MODEL),
    ("/headed", headed, MODEL),
    ("/background", in_background, MODEL),
    ("/own", own_response, {}),
    ("/coroutine", coroutine, MODEL),
    ("/dependency", with_dependency, MODEL),
    ("/no-content", lambda: None, {"status_code": 204}),
    ("/untyped", lambda: {"键": "值", "n": 1.5}, {}),
]


def served(route_class: type[APIRoute]) -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)
    for path, endpoint, options in [*ENDPOINTS, ("/wrong", wrong, MODEL)]:
        app.router.routes.append(route_class(path, endpoint, methods=["GET"], **options))
    return TestClient(app, raise_server_exceptions=False)


def without_request_id(headers: Any) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers.items() if name != "x-request-id"]


@pytest.mark.parametrize("path", [path for path, _, _ in ENDPOINTS])
def test_an_answering_route_sends_what_fastapi_would(path):
    theirs, ours = served(APIRoute).get(path), served(AnsweringRoute).get(path)
    assert ours.status_code == theirs.status_code
    assert ours.content == theirs.content
    assert without_request_id(ours.headers) == without_request_id(theirs.headers)


def test_an_answer_that_breaks_its_model_is_a_500_problem_as_before():
    theirs, ours = served(APIRoute).get("/wrong"), served(AnsweringRoute).get("/wrong")
    assert ours.status_code == theirs.status_code == 500
    assert ours.json()["type"] == theirs.json()["type"] == "/problems/internal"


def test_an_answering_route_serialises_in_the_endpoints_thread():
    route = AnsweringRoute("/named", lambda: named("王小明"), response_model=Volunteer)
    answer = route.dependant.call()  # what FastAPI runs in its worker thread
    assert isinstance(answer, Response)
    expected = '{"name":"王小明","volunteerNumber":"2026000001","phone":null}'
    assert answer.body == expected.encode()
