"""The published schema documents the problem responses the service really sends."""


def test_every_error_response_is_documented_as_a_problem(api):
    schema = api.client.get("/openapi.json").json()
    error_contents = {
        tuple(response.get("content", {}))
        for path in schema["paths"].values()
        for operation in path.values()
        for status, response in operation["responses"].items()
        if int(status) >= 400
    }
    assert error_contents == {("application/problem+json",)}


def test_authenticated_operations_document_401(api):
    operation = api.client.get("/openapi.json").json()["paths"]["/v1/shifts/{shift_id}"]["get"]
    assert "401" in operation["responses"]
