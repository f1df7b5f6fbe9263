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
