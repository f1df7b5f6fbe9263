"""Reading pages as a browser would, with FastAPI's TestClient: the CSRF token a form
carries, and logging in through the log-in page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on the page."""
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found[1]


def post_form(client: TestClient, page: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    """Open ``page``, then post ``fields`` to ``action`` with the token that page's form
    carries, as a person filling in the form does. Redirects are not followed."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **fields}, follow_redirects=False)


def log_in(client: TestClient, login: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Log in through /login; the client keeps the session cookie."""
    answer = post_form(client, "/login", "/login", login=login, password=password)
    assert answer.status_code == 303, answer.text
    return answer
