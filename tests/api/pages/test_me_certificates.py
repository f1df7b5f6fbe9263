"""/me's certificates: asking for one, and downloading mine (and only mine) through the
session, byte for byte what the API's download routes answer."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import issue_certificate
from tests.api.pages.me_world import element, page_text, post_form, signed_in


def test_asking_for_a_certificate_redirects_back_and_lists_the_request(api, world):
    client = signed_in(api)
    today = api.clock.now.date()
    answer = post_form(
        client,
        "/me/certificate-requests",
        {
            "organization_id": str(world.community_a),
            "period_start": (today - timedelta(days=30)).isoformat(),
            "period_end": today.isoformat(),
        },
    )
    assert answer.status_code == 303
    assert "notice=certificate-requested" in answer.headers["location"]
    html = client.get(answer.headers["location"]).text
    assert "Waiting for the organisation" in page_text(element(html, "certificates"))
    assert "和平里社区" in page_text(element(html, "certificates"))


def test_a_request_without_its_period_is_refused_beside_the_field(api, world):
    client = signed_in(api)
    answer = post_form(
        client,
        "/me/certificate-requests",
        {"organization_id": str(world.community_a), "period_start": "", "period_end": ""},
    )
    assert answer.status_code == 422
    assert element(answer.text, "e-certificate-period_start")
    assert element(answer.text, "e-certificate-period_end")


def test_a_period_that_ends_before_it_starts_is_refused_on_the_page(api, world):
    client = signed_in(api)
    answer = post_form(
        client,
        "/me/certificate-requests",
        {
            "organization_id": str(world.community_a),
            "period_start": "2026-05-02",
            "period_end": "2026-05-01",
        },
    )
    assert answer.status_code == 422
    beside_the_form = page_text(element(answer.text, "e-certificate"))
    assert "the period ends before it starts" in beside_the_form
    assert beside_the_form in page_text(element(answer.text, "problem"))


def test_my_certificate_is_listed_with_its_downloads(api, world):
    number = issue_certificate(api, world)["number"]
    html = signed_in(api).get("/me").text
    shown = element(html, f"certificate-{number}")
    assert f'href="/me/certificates/{number}.pdf"' in shown
    assert f'href="/me/certificates/{number}.json"' in shown
    assert "Valid" in page_text(shown)


def test_the_downloads_are_what_the_api_answers(api, world):
    number = issue_certificate(api, world)["number"]
    bearer = world.tokens["volunteer"]
    from_api = {
        "pdf": api.client.get(f"/v1/certificates/{number}.pdf", headers=bearer),
        "json": api.client.get(f"/v1/certificates/{number}", headers=bearer),
    }
    client = signed_in(api)
    for kind, expected in from_api.items():
        answer = client.get(f"/me/certificates/{number}.{kind}")
        assert answer.status_code == 200, answer.text
        assert answer.content == expected.content
        assert answer.headers["content-type"] == expected.headers["content-type"]
    assert (
        "attachment" in client.get(f"/me/certificates/{number}.json").headers["content-disposition"]
    )


def test_another_volunteers_certificate_is_not_found(api, world):
    number = issue_certificate(api, world)["number"]
    client = signed_in(api, "13911110002")
    for kind in ("pdf", "json"):
        answer = client.get(f"/me/certificates/{number}.{kind}")
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("text/html")
        assert not answer.content.startswith(b"%PDF")
        assert "credentialSubject" not in answer.text


def test_a_download_needs_a_log_in(api, world):
    number = issue_certificate(api, world)["number"]
    answer = api.client.get(f"/me/certificates/{number}.pdf", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")
