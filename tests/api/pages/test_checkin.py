"""QR check-in: a confirmed volunteer scans the desk's code and is checked in, then out, as
themselves, by the API's own check-in; a GET alone checks no one in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from domain.account import Account
from domain.attendance import Attendance
from tests.api.conftest import PASSWORD
from tests.api.pages.desk_world import current_code, into_the_shift, sign_up
from tests.api.pages.sessions import csrf_of, logged_in


def _scan(client, api, world):
    """Open the check-in page of the code the desk shows now."""
    return client.get(f"/checkin/{current_code(api, world.shift)}")


def _press(client, page):
    """Press the page's button, as the volunteer's phone does."""
    action = re.search(r'action="(/checkin/[^"]+)"', page.text).group(1)
    step = re.search(r'name="action" value="([a-z]+)"', page.text).group(1)
    return client.post(action, data={"action": step, "csrf_token": csrf_of(page.text)})


def _attendance(api, world):
    return api.services.ledger.attendance(world.shift, world.volunteer)


def test_a_volunteer_scans_in_and_later_out(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    volunteer = logged_in(api, "13911110001")
    page = _scan(volunteer, api, world)
    assert page.status_code == 200
    assert 'id="checkin-submit"' in page.text
    checked_in = _press(volunteer, page)
    assert checked_in.status_code == 200
    assert 'id="checkin-message"' in checked_in.text
    assert _attendance(api, world).checked_in_at == api.clock.now
    api.clock.advance(hours=1, minutes=30)
    page = _scan(volunteer, api, world)
    assert 'name="action" value="out"' in page.text
    _press(volunteer, page)
    attendance = _attendance(api, world)
    assert attendance.checked_out_at == api.clock.now
    assert 'id="checkin-form"' not in _scan(volunteer, api, world).text  # in and out: done


def test_the_check_in_is_recorded_as_the_volunteers_own(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    volunteer = logged_in(api, "13911110001")
    _press(volunteer, _scan(volunteer, api, world))
    audit = api.client.get(
        "/v1/audit",
        params={
            "volunteer_id": str(world.volunteer),
            "event_type": "Attendance.CheckedIn",
            "min_position": api.services.ledger.recorder.max_notification_id(),
        },
        headers=world.tokens["admin"],
    ).json()["items"]
    assert [entry["actor"] for entry in audit] == [
        f"account:{Account.id_for_volunteer(world.volunteer)}"
    ]


def test_opening_the_link_checks_no_one_in(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    volunteer = logged_in(api, "13911110001")
    assert _scan(volunteer, api, world).status_code == 200
    assert _attendance_missing(api, world)


def _attendance_missing(api, world) -> bool:
    from domain.attendance import Attendance

    return Attendance.id_for(world.shift, world.volunteer) not in api.services.ledger.repository


def test_a_reader_not_logged_in_logs_in_first_and_comes_back(api, world):
    code = current_code(api, world.shift)
    answer = api.client.get(f"/checkin/{code}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next=%2Fcheckin%2F{code}"


def test_an_expired_code_is_told_plainly(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    volunteer = logged_in(api, "13911110001")
    code = current_code(api, world.shift)
    api.clock.advance(minutes=2)
    answer = volunteer.get(f"/checkin/{code}")
    assert answer.status_code == 410
    assert 'id="checkin-message"' in answer.text


def test_a_forged_code_is_told_plainly_and_checks_no_one_in(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    volunteer = logged_in(api, "13911110001")
    page = _scan(volunteer, api, world)
    code = current_code(api, world.shift)
    forged = code[:-4] + ("AAAA" if code[-4:] != "AAAA" else "BBBB")
    answer = volunteer.post(
        f"/checkin/{forged}", data={"action": "in", "csrf_token": csrf_of(page.text)}
    )
    assert answer.status_code == 404
    assert 'id="checkin-message"' in answer.text
    assert _attendance_missing(api, world)


def test_a_volunteer_not_on_the_roster_is_told_so(api, world):
    into_the_shift(api, world)
    other = logged_in(api, "13911110002")
    page = _scan(other, api, world)
    assert page.status_code == 403
    assert 'id="checkin-form"' not in page.text
    assert 'id="checkin-message"' in page.text


def test_an_organiser_scanning_is_told_it_is_for_volunteers(api, world):
    into_the_shift(api, world)
    page = _scan(logged_in(api, "organiser.li"), api, world)
    assert page.status_code == 403
    assert 'id="checkin-form"' not in page.text


def test_a_check_in_without_the_csrf_token_is_refused(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    volunteer = logged_in(api, "13911110001")
    code = current_code(api, world.shift)
    answer = volunteer.post(f"/checkin/{code}", data={"action": "in"})
    assert answer.status_code == 403
    assert _attendance_missing(api, world)


def test_the_link_on_the_roster_page_checks_in(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    roster = logged_in(api, "organiser.li").get(f"/desk/shifts/{world.shift}").text
    url = re.search(r'data-checkin-url="([^"]+)"', roster).group(1)
    path = url.removeprefix(api.services.settings.public_url)
    volunteer = logged_in(api, "13911110001")
    _press(volunteer, volunteer.get(path))
    assert _attendance(api, world).checked_in_at == api.clock.now


def test_a_volunteer_who_logs_in_after_scanning_is_not_sent_back_to_the_desk(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    phone = TestClient(api.client.app)
    code = current_code(api, world.shift)
    assert phone.get(f"/checkin/{code}", follow_redirects=False).status_code == 303
    api.clock.advance(minutes=4)  # the code has expired while they typed their password
    form = phone.get(f"/login?next=/checkin/{code}").text
    page = phone.post(
        "/login",
        data={
            "login": "13911110001",
            "password": PASSWORD,
            "next": f"/checkin/{code}",
            "csrf_token": csrf_of(form),
        },
    )
    assert page.status_code == 200
    assert 'id="checkin-submit"' in page.text
    _press(phone, page)
    assert _attendance(api, world).checked_in_at == api.clock.now


def test_a_volunteer_may_wait_before_pressing_the_button(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    volunteer = logged_in(api, "13911110001")
    page = _scan(volunteer, api, world)
    api.clock.advance(minutes=5)
    assert _press(volunteer, page).status_code == 200
    assert _attendance(api, world).checked_in_at == api.clock.now


def test_the_phones_pass_lasts_ten_minutes(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    volunteer = logged_in(api, "13911110001")
    page = _scan(volunteer, api, world)
    api.clock.advance(minutes=10)
    assert _press(volunteer, page).status_code == 410
    assert not _checked_in(api, world)


def test_a_link_sent_on_to_another_phone_carries_no_pass(api, world):
    sign_up(api, world)
    into_the_shift(api, world)
    code = current_code(api, world.shift)
    assert logged_in(api, "13911110001").get(f"/checkin/{code}").status_code == 200
    api.clock.advance(minutes=3)
    assert logged_in(api, "13911110001").get(f"/checkin/{code}").status_code == 410


def _checked_in(api, world) -> bool:
    ledger = api.services.ledger
    attendance_id = Attendance.id_for(world.shift, world.volunteer)
    return attendance_id in ledger.repository and _attendance(api, world).checked_in_at is not None
