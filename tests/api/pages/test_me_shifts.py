"""/me's shifts: signing up for an open shift (or its waitlist), my place, giving it up."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from tests.api.pages.me_world import caught_up, element, page_text, post_form, signed_in


def _full_shift(api, world):
    """A shift of one place, taken by 赵刚."""
    ledger = api.services.ledger
    organiser = ledger.account_for_login("organiser.li").as_actor()
    start = api.clock.now + timedelta(days=2)
    shift = ledger.add_shift(
        world.activity,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=1,
        actor=organiser,
    )
    ledger.sign_up(shift, world.spare_volunteer, organiser)
    return shift


def test_the_open_shifts_are_listed_with_their_places_and_a_sign_up_button(api, world):
    client = signed_in(api)
    html = client.get("/me").text
    card = element(element(html, "open-shifts"), f"shift-{world.shift}")
    assert "早高峰文明交通劝导" in card
    assert "5 places left" in page_text(card)
    assert f'action="/me/shifts/{world.shift}/sign-up"' in card


def test_signing_up_redirects_back_with_a_notice_and_the_shift_is_upcoming(api, world):
    client = signed_in(api)
    answer = post_form(client, f"/me/shifts/{world.shift}/sign-up", {"filters": ""})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/me?notice=signed-up&at=")
    html = client.get(answer.headers["location"]).text
    assert "You are signed up for the shift." in page_text(element(html, "notice"))
    upcoming = element(html, f"upcoming-{world.shift}")
    assert "Confirmed" in page_text(upcoming)
    assert "You are signed up" in page_text(element(html, f"shift-{world.shift}"))


def test_a_full_shift_offers_the_waitlist_and_then_shows_my_position(api, world):
    shift = _full_shift(api, world)
    client = signed_in(api)
    card = element(client.get("/me").text, f"shift-{shift}")
    assert "Join the waitlist" in page_text(card)
    answer = post_form(client, f"/me/shifts/{shift}/sign-up", {"filters": ""})
    assert "notice=waitlisted" in answer.headers["location"]
    html = client.get(answer.headers["location"]).text
    assert "Waitlist: number 1" in page_text(element(html, f"upcoming-{shift}"))
    assert "You are number 1 on the waitlist" in page_text(element(html, f"shift-{shift}"))


def test_signing_up_keeps_the_filters_of_the_board(api, world):
    client = signed_in(api)
    filters = urlencode(
        {"organization_id": str(world.community_a), "category": "文明劝导", "evil": "1"}
    )
    answer = post_form(client, f"/me/shifts/{world.shift}/sign-up", {"filters": filters})
    location = answer.headers["location"]
    assert f"organization_id={world.community_a}" in location
    assert "category=" in location
    assert "evil" not in location


def test_the_board_is_filtered_by_organisation_category_and_date(api, world):
    client = signed_in(api)
    tomorrow = (api.clock.now + timedelta(days=1)).date().isoformat()
    shown = client.get(f"/me?organization_id={world.community_a}&category=文明劝导&from={tomorrow}")
    assert f"shift-{world.shift}" in shown.text
    elsewhere = client.get(f"/me?organization_id={world.community_b}").text
    assert f'id="shift-{world.shift}"' not in elsewhere
    other_category = client.get("/me?category=义诊").text
    assert f'id="shift-{world.shift}"' not in other_category


def test_a_filter_that_cannot_be_read_is_named_beside_its_field(api, world):
    client = signed_in(api)
    answer = client.get("/me?from=not-a-day&organization_id=")
    assert answer.status_code == 200
    assert "Enter a date such as 2010-05-04." in page_text(element(answer.text, "e-filter-from"))
    reversed_days = client.get("/me?from=2030-01-02&to=2030-01-01").text
    assert element(reversed_days, "e-filter-to")


def test_cancelling_gives_up_the_place(api, world):
    client = signed_in(api)
    post_form(client, f"/me/shifts/{world.shift}/sign-up", {"filters": ""})
    answer = post_form(client, f"/me/shifts/{world.shift}/cancel", {})
    assert answer.status_code == 303
    assert "notice=cancelled" in answer.headers["location"]
    html = client.get(answer.headers["location"]).text
    assert element(html, f"upcoming-{world.shift}") == ""
    assert api.services.ledger.shift(world.shift).confirmed == []


def test_cancelling_a_place_i_do_not_hold_is_said_on_the_page(api, world):
    client = signed_in(api)
    answer = post_form(client, f"/me/shifts/{world.shift}/cancel", {})
    assert answer.status_code == 409
    assert element(answer.text, "problem")


def test_a_sign_up_without_the_form_token_is_refused_and_changes_nothing(api, world):
    client = signed_in(api)
    for data in ({}, {"csrf_token": "forged"}):
        answer = client.post(f"/me/shifts/{world.shift}/sign-up", data=data)
        assert answer.status_code == 403
    caught_up(api)
    assert api.services.ledger.shift(world.shift).confirmed == []


def test_a_cancel_without_the_form_token_is_refused_and_keeps_the_place(api, world):
    client = signed_in(api)
    post_form(client, f"/me/shifts/{world.shift}/sign-up", {"filters": ""})
    answer = client.post(f"/me/shifts/{world.shift}/cancel", data={"csrf_token": "forged"})
    assert answer.status_code == 403
    assert api.services.ledger.shift(world.shift).confirmed == [world.volunteer]
