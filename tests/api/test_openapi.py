"""The published schema documents the problem responses the service really sends."""

#: Pages for people, whose not-found answer is a page too.
HTML_PAGES = {("/V/{number}", "404")}


def test_every_error_response_is_documented_as_a_problem(api):
    schema = api.client.get("/openapi.json").json()
    error_contents = {
        tuple(response.get("content", {}))
        for name, path in schema["paths"].items()
        for operation in path.values()
        for status, response in operation["responses"].items()
        if int(status) >= 400 and (name, status) not in HTML_PAGES
    }
    assert error_contents == {("application/problem+json",)}


def test_authenticated_operations_document_401(api):
    operation = api.client.get("/openapi.json").json()["paths"]["/v1/shifts/{shift_id}"]["get"]
    assert "401" in operation["responses"]


def test_operations_with_a_body_document_an_unreadable_body(api):
    schema = api.client.get("/openapi.json").json()
    without = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and "400" not in operation["responses"]
    ]
    assert without == []


def test_an_unreadable_body_is_the_documented_400(api, world):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/capacity",
        content=b"\x80",
        headers={**world.tokens["organiser"], "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_a_405_allows_every_method_of_the_path_whichever_router_serves_it(api, world):
    response = api.client.delete(
        f"/v1/activities/{world.activity}/shifts", headers=world.tokens["organiser"]
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


def test_a_path_that_is_not_a_certificate_number_is_not_taken_for_one(api, world):
    response = api.client.get("/v1/certificates/verify", headers=world.tokens["organiser"])
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_every_tag_an_operation_uses_is_described(api):
    schema = api.client.get("/openapi.json").json()
    described = {tag["name"] for tag in schema["tags"] if tag.get("description")}
    used = {
        tag
        for operations in schema["paths"].values()
        for operation in operations.values()
        for tag in operation.get("tags", [])
    }
    assert used - described == set()


def test_a_body_that_names_something_by_id_documents_the_404(api):
    schema = api.client.get("/openapi.json").json()
    registration = schema["paths"]["/v1/volunteers"]["post"]
    assert "404" in registration["responses"]


def test_the_public_leaderboard_says_it_needs_no_token(api):
    schema = api.client.get("/openapi.json").json()
    assert {} in schema["paths"]["/v1/leaderboards"]["get"]["security"]
