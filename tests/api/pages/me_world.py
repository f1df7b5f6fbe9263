"""Logging a TestClient in to the pages, and reading what /me shows, for the /me tests."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, Api

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
#: What every text field of these tests holds: script and markup, which must come out inert.
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page carries no form token"
    return unescape(found.group(1))


def log_in(client: TestClient, login: str, password: str = PASSWORD) -> None:
    """Log the client in through /login, as a person does."""
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def post_form(client: TestClient, path: str, data: dict[str, str]):
    """Post a /me form with the token the page carries, without following the redirect."""
    token = csrf_of(client.get("/me").text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def caught_up(api: Api) -> None:
    """The read models hold every event stored so far (the tests' app does not follow)."""
    api.services.runner.wait_for(api.services.ledger.recorder.max_notification_id() or 0, 5)


def signed_in(api: Api, login: str = "13911110001") -> TestClient:
    """The API's client, logged in to the pages as ``login`` (the world's volunteer by
    default), reading them in English (the msgids the tests name)."""
    caught_up(api)
    log_in(api.client, login)
    api.client.get("/?lang=en")
    return api.client


_TAG = re.compile(r"<(/?)([a-z0-9]+)\b[^>]*>")


def element(html: str, id: str) -> str:
    """The element whose id is ``id``, with everything inside it ("" when there is none)."""
    start = html.find(f'id="{id}"')
    if start < 0:
        return ""
    start = html.rfind("<", 0, start)
    name = _TAG.match(html, start)
    assert name is not None
    depth = 0
    for tag in _TAG.finditer(html, start):
        if tag.group(2) != name.group(2):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start : tag.end()]
    return html[start:]


def page_text(html: str) -> str:
    """The text of some HTML, tags dropped and spaces folded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
