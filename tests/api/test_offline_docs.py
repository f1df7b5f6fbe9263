"""/docs and /redoc load every asset from the service itself: they work with no internet."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

#: What each kind of asset must be served as.
EXPECTED_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


class AssetUrls(HTMLParser):
    """Every URL a page makes the browser fetch: scripts, links, images, spec-url."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("src", "href", "spec-url"):
                self.urls.append(value)


def asset_urls(page: str) -> list[str]:
    parser = AssetUrls()
    parser.feed(page)
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_page_loads_every_asset_from_the_service(api, page):
    response = api.client.get(page)
    assert response.status_code == 200
    urls = asset_urls(response.text)
    assert any(url.endswith(".js") for url in urls), "the page loads its bundle"
    for url in urls:
        absolute = urljoin(str(response.url), url)
        assert urlsplit(absolute).netloc == urlsplit(str(response.url)).netloc, url
        asset = api.client.get(absolute)
        assert asset.status_code == 200, url
        suffix = next((s for s in EXPECTED_TYPES if urlsplit(url).path.endswith(s)), None)
        expected = EXPECTED_TYPES[suffix] if suffix else "json"
        assert expected in asset.headers["content-type"], (url, asset.headers["content-type"])


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_page_names_no_other_host(api, page):
    text = api.client.get(page).text
    assert "https://" not in text
    assert "http://" not in text
    assert "fonts.googleapis" not in text


def test_swagger_ui_sends_the_document_to_no_validator(api):
    assert '"validatorUrl": null' in api.client.get("/docs").text


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_no_content_security_policy_blocks_the_assets(api, page):
    policy = api.client.get(page).headers.get("content-security-policy")
    if policy is not None:  # any policy set later must let the page load its own assets
        assert "'self'" in policy


def test_the_oauth2_redirect_page_of_swagger_ui_is_served(api):
    assert api.client.get("/docs/oauth2-redirect").status_code == 200
