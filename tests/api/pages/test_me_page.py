"""/me as a whole: who may see it, what it shows of my stars, and every text escaped."""

from __future__ import annotations

from datetime import timedelta

from domain.values import Actor
from tests.api.pages.me_world import (
    ESCAPED,
    HOSTILE,
    element,
    page_text,
    post_form,
    signed_in,
)


def test_a_reader_who_is_not_logged_in_is_sent_to_log_in(api, world):
    answer = api.client.get("/me", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fme"


def test_an_organiser_is_told_this_page_is_a_volunteers_and_pointed_to_the_desk(api, world):
    client = signed_in(api, "organiser.li")
    answer = client.get("/me")
    assert answer.status_code == 200
    assert element(answer.text, "to-desk")
    assert 'href="/desk"' in element(answer.text, "to-desk")
    assert element(answer.text, "open-shifts") == ""


def test_an_organisers_post_to_a_volunteers_form_is_refused(api, world):
    client = signed_in(api, "organiser.li")
    answer = post_form(client, f"/me/shifts/{world.shift}/sign-up", {"filters": ""})
    assert answer.status_code == 403
    assert api.services.ledger.shift(world.shift).confirmed == []


def test_the_page_shows_my_stars_and_the_way_to_the_next_one(api, world):
    client = signed_in(api)
    html = client.get("/me").text
    assert "Star level: 0 of 5" in page_text(element(html, "summary"))
    progress = element(html, "star-progress")
    assert 'value="0"' in progress
    assert 'max="6000"' in progress
    assert 'for="star-progress"' in html


def test_the_progress_bar_counts_from_the_star_earned(api, world):
    from api.pages.routes.me_view import star_progress

    assert star_progress(api.services, 1, 7200, 18000) == {"value": 1200, "max": 12000}
    assert star_progress(api.services, 5, 99000, None) == {"value": 1, "max": 1}


def _hostile_world(api, world):
    """An activity, a place, a record, and reasons, each holding script and markup."""
    ledger = api.services.ledger
    organiser = ledger.account_for_login("organiser.li").as_actor()
    activity = ledger.create_activity(
        title=HOSTILE,
        category="文明劝导",
        organisation_id=world.community_a,
        location=HOSTILE,
        description=HOSTILE,
        actor=organiser,
    )
    start = api.clock.now + timedelta(days=3)
    signed, cancelled = (
        ledger.add_shift(
            activity,
            starts_at=start + timedelta(hours=hour),
            ends_at=start + timedelta(hours=hour + 1),
            capacity=3,
            actor=organiser,
        )
        for hour in (0, 2)
    )
    me = Actor.volunteer(world.volunteer)
    ledger.sign_up(signed, world.volunteer, me)
    ledger.sign_up(cancelled, world.volunteer, me)
    ledger.cancel_shift(cancelled, HOSTILE, organiser)
    past = api.clock.now - timedelta(days=2)
    record = ledger.record_service(
        volunteer_id=world.volunteer,
        activity_id=activity,
        started_at=past,
        ended_at=past + timedelta(hours=2),
        description=HOSTILE,
        beneficiary=HOSTILE,
        actor=organiser,
    )
    ledger.request_correction(record, 150, HOSTILE, me)
    request = ledger.request_certificate(
        volunteer_id=world.volunteer,
        issuer_id=world.community_a,
        period_start=past.date(),
        period_end=api.clock.now.date(),
        actor=me,
    )
    ledger.decline_certificate_request(request, HOSTILE, organiser)
    return signed, cancelled, record


def test_every_text_of_others_is_shown_escaped(api, world):
    signed, cancelled, record = _hostile_world(api, world)
    html = signed_in(api).get("/me").text
    assert HOSTILE not in html
    assert "<script>" not in html
    assert "onerror=alert(1)>" not in html
    upcoming = element(html, f"upcoming-{signed}")
    assert upcoming.count(ESCAPED) == 2  # the title and the place
    assert ESCAPED in element(html, f"upcoming-{cancelled}")  # the reason it was cancelled
    shown = element(html, f"record-{record}")
    assert shown.count(ESCAPED) >= 4  # title, description, beneficiary, the reason asked
    assert ESCAPED in element(html, "corrections")  # the reason, in my correction requests
    assert ESCAPED in element(html, "certificates")  # the reason a request was declined


def test_a_hostile_name_and_typed_values_come_back_escaped(api, world):
    api.volunteer(world.community_a, "13911110009", name='<b>"王</b>')  # names: 50 at most
    client = signed_in(api, "13911110009")
    html = client.get("/me", params={"category": HOSTILE}).text
    assert HOSTILE not in html
    assert "<b>" not in html
    assert "&lt;b&gt;&#34;王&lt;/b&gt;" in element(html, "summary")
    assert ESCAPED in element(html, "shift-filters")  # the category typed, and its error
