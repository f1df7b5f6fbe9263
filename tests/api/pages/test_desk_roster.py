"""A shift's roster at the desk: check-in, check-out and no-show buttons, and the QR code."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.api.pages.desk_world import into_the_shift, sign_up, state_of
from tests.api.pages.sessions import csrf_of, logged_in, post_form


def _roster(world) -> str:
    return f"/desk/shifts/{world.shift}"


def test_the_roster_lists_the_confirmed_volunteer_with_the_phone(api, world):
    sign_up(api, world)
    answer = logged_in(api, "organiser.li").get(_roster(world))
    assert answer.status_code == 200
    assert "王小明" in answer.text
    assert 'href="tel:13911110001"' in answer.text
    assert state_of(answer.text, world.volunteer) == "not_checked_in"


def test_the_organiser_checks_a_volunteer_in_and_out(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    organiser = logged_in(api, "organiser.li")
    checked_in = post_form(
        organiser,
        _roster(world),
        f"/desk/shifts/{world.shift}/check-in",
        {"volunteer_id": str(world.volunteer)},
    )
    assert checked_in.status_code == 303
    page = organiser.get(checked_in.headers["location"])
    assert state_of(page.text, world.volunteer) == "checked_in"
    assert 'id="roster-done"' in page.text
    api.clock.advance(hours=1)
    checked_out = post_form(
        organiser,
        _roster(world),
        f"/desk/shifts/{world.shift}/check-out",
        {"volunteer_id": str(world.volunteer)},
    )
    assert checked_out.status_code == 303
    assert state_of(organiser.get(checked_out.headers["location"]).text, world.volunteer) == (
        "checked_out"
    )
    attendance = api.services.ledger.attendance(world.shift, world.volunteer)
    assert attendance.checked_out_at - attendance.checked_in_at == timedelta(hours=1)


def test_a_check_in_the_ledger_refuses_is_told_on_the_roster(api, world):
    sign_up(api, world)  # the shift starts tomorrow: check-in is not open yet
    organiser = logged_in(api, "organiser.li")
    answer = post_form(
        organiser,
        _roster(world),
        f"/desk/shifts/{world.shift}/check-in",
        {"volunteer_id": str(world.volunteer)},
    )
    assert answer.status_code == 409
    assert 'id="roster-error"' in answer.text
    assert state_of(answer.text, world.volunteer) == "not_checked_in"


def test_a_no_show_needs_a_reason_told_beside_its_field(api, world):
    sign_up(api, world)
    into_the_shift(api, world, minutes=30)
    organiser = logged_in(api, "organiser.li")
    action = f"/desk/shifts/{world.shift}/no-show"
    refused = post_form(organiser, _roster(world), action, {"volunteer_id": str(world.volunteer)})
    assert refused.status_code == 422
    assert f'id="no-show-reason-{world.volunteer}-error"' in refused.text
    marked = post_form(
        organiser,
        _roster(world),
        action,
        {"volunteer_id": str(world.volunteer), "reason": "未到岗，电话未接"},
    )
    assert marked.status_code == 303
    page = organiser.get(marked.headers["location"])
    assert state_of(page.text, world.volunteer) == "no_show"


def test_another_organisations_organiser_cannot_check_anyone_in(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    other = logged_in(api, "organiser.wang")
    token = csrf_of(other.get("/desk").text)
    answer = other.post(
        f"/desk/shifts/{world.shift}/check-in",
        data={"volunteer_id": str(world.volunteer), "csrf_token": token},
    )
    assert answer.status_code == 403
    assert api.services.ledger.shift(world.shift).confirmed == [world.volunteer]
    organiser = logged_in(api, "organiser.li")
    assert state_of(organiser.get(_roster(world)).text, world.volunteer) == "not_checked_in"


def test_a_check_in_without_the_csrf_token_is_refused_and_changes_nothing(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    organiser = logged_in(api, "organiser.li")
    for token in ({}, {"csrf_token": "forged"}):
        answer = organiser.post(
            f"/desk/shifts/{world.shift}/check-in",
            data={"volunteer_id": str(world.volunteer)} | token,
        )
        assert answer.status_code == 403
    assert state_of(organiser.get(_roster(world)).text, world.volunteer) == "not_checked_in"


def test_no_qr_code_is_shown_before_check_in_opens(api, world):
    answer = logged_in(api, "organiser.li").get(_roster(world))
    assert 'id="checkin-qr"' not in answer.text
    assert "desk-qr.js" not in answer.text


def test_while_check_in_is_open_the_roster_shows_the_qr_code_and_the_link(api, world):
    into_the_shift(api, world, minutes=-10)  # check-in opens before the start
    organiser = logged_in(api, "organiser.li")
    answer = organiser.get(_roster(world))
    link = re.search(r'data-checkin-url="([^"]+)"', answer.text)
    assert link is not None
    assert link.group(1).startswith(api.services.settings.public_url + "/checkin/")
    assert 'src="data:image/svg+xml' in answer.text
    assert '<script src="/assets/desk-qr.js" defer></script>' in answer.text
    current = organiser.get(f"/desk/shifts/{world.shift}/check-in-code")
    assert current.headers["cache-control"] == "no-store"
    assert current.json()["url"] == link.group(1)
    api.clock.advance(seconds=60)
    assert organiser.get(f"/desk/shifts/{world.shift}/check-in-code").json()["url"] != (
        link.group(1)
    )


def test_the_check_in_code_is_refused_to_another_organisations_organiser(api, world):
    into_the_shift(api, world)
    other = logged_in(api, "organiser.wang")
    assert other.get(f"/desk/shifts/{world.shift}/check-in-code").status_code == 403
