"""Logging a TestClient in through the pages, and reading a page's CSRF token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, Api

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def logged_in(api: Api, login: str, password: str = PASSWORD) -> TestClient:
    """A browser of its own (its own cookies) on the same running app, logged in as ``login``."""
    client = TestClient(api.client.app)
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def post_form(client: TestClient, page: str, action: str, fields: dict[str, str]):
    """Post a form of ``page`` to ``action`` with the page's CSRF token, as a browser does."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**fields, "csrf_token": token}, follow_redirects=False)
