"""The published schema documents the problem responses the service really sends."""

import json
import re

from fastapi.routing import APIRoute
from openapi_spec_validator import validate

from api.app import ROUTERS

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


def _operations(schema):
    return [
        (f"{method.upper()} {path}", operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_operation_has_a_summary_and_a_description(api):
    schema = api.client.get("/openapi.json").json()
    without = [
        name
        for name, operation in _operations(schema)
        if not operation.get("summary") or not operation.get("description")
    ]
    assert without == []


def test_no_summary_is_a_lone_word_or_shared_by_two_operations(api):
    """FastAPI makes a summary of the function's name: "Issue", "Revoke" twice, "Pdf"."""
    schema = api.client.get("/openapi.json").json()
    summaries = [operation["summary"] for _, operation in _operations(schema)]
    lone_words = [summary for summary in summaries if " " not in summary.strip()]
    shared = {summary for summary in summaries if summaries.count(summary) > 1}
    assert (lone_words, shared) == ([], set())


def request_examples(schema, operation):
    """Each example body an operation's document gives, as (content type, body)."""
    found = []
    for content_type, media in operation["requestBody"]["content"].items():
        examples = [media["example"]] if "example" in media else []
        examples += [example["value"] for example in media.get("examples", {}).values()]
        reference = media["schema"].get("$ref")
        if reference:
            component = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
            examples += component.get("examples", [])
        found += [(content_type, example) for example in examples]
    return found


def test_every_request_body_has_an_example(api):
    schema = api.client.get("/openapi.json").json()
    without = [
        name
        for name, operation in _operations(schema)
        if "requestBody" in operation and not request_examples(schema, operation)
    ]
    assert without == []


#: An id no demo has: examples cannot name the demo's ids, which it makes at random.
PLACEHOLDER = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _path_for(path, world):
    """The path with the world's ids where it has them (so the check of the path passes and
    the body is read), the placeholder elsewhere."""
    ids = {
        "shift_id": world.shift,
        "activity_id": world.activity,
        "organization_id": world.community_a,
        "volunteer_id": world.volunteer,
        "number": "VC2026123456782",
    }
    for name in re.findall(r"{(\w+)}", path):
        path = path.replace("{" + name + "}", str(ids.get(name, PLACEHOLDER)))
    return path


def test_every_example_body_passes_validation(api, world):
    schema = api.client.get("/openapi.json").json()
    refused = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            for content_type, example in request_examples(schema, operation):
                form = content_type != "application/json"
                sent = {"data": example} if form else {"json": example}
                response = api.client.request(
                    method, _path_for(path, world), headers=world.tokens["admin"], **sent
                )
                problem_type = response.json().get("type", "") if response.content else ""
                if response.status_code == 422 and problem_type.endswith("/validation"):
                    refused.append((method.upper(), path, response.json().get("errors")))
    assert refused == []


def test_every_json_example_validates_as_the_route_reads_its_body(api):
    """Posting cannot reach the body of a route whose path names nothing known (a 404 comes
    first): here each JSON example meets the body's own validation."""
    schema = api.client.get("/openapi.json").json()
    routes = {
        (method, re.sub(r"{(\w+):\w+}", r"{\1}", route.path)): route
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    refused = []
    for name, operation in _operations(schema):
        if "requestBody" not in operation:
            continue
        method, path = name.split(" ", 1)
        route = routes[(method, path)]
        for content_type, example in request_examples(schema, operation):
            if content_type != "application/json" or route.body_field is None:
                continue
            _, errors = route.body_field.validate(json.loads(json.dumps(example)), loc=("body",))
            if errors:
                refused.append((name, errors))
    assert refused == []


def _ids_named(schema, operation):
    """The ids an operation is given, in its path, query or JSON body (an unknown one is a 404)."""
    names = [
        parameter["name"]
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" or parameter["name"].endswith("_id")
    ]
    media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    reference = media.get("schema", {}).get("$ref")
    if reference:
        component = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
        names += list(component.get("properties", {}))
    return [name for name in names if name.endswith(("_id", "_ids")) or name in ("number",)]


def test_every_operation_given_an_id_declares_the_404_of_an_unknown_one(api):
    schema = api.client.get("/openapi.json").json()
    without = [
        name
        for name, operation in _operations(schema)
        if _ids_named(schema, operation) and "404" not in operation["responses"]
    ]
    assert without == []


def test_the_document_is_valid_openapi(api):
    """Checked by openapi-spec-validator against the OpenAPI 3.1 specification's schema."""
    validate(api.client.get("/openapi.json").json())
