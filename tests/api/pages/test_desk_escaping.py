"""Every text the desk and the check-in page show from people comes out escaped."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api.pages.check_codes import KEY_PURPOSE, code_for
from domain.values import Actor
from tests.api.conftest import password_hash
from tests.api.pages.sessions import logged_in

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(api, world):
    """An activity, a shift, a volunteer and their words, all with HTML in them; the clock in
    the shift, the volunteer checked in and out, their record asked to be corrected, and
    another volunteer marked a no-show."""
    ledger = api.services.ledger
    organiser = ledger.account_for_login("organiser.li").as_actor()
    activity = ledger.create_activity(
        title=f"清扫{SCRIPT}",
        category="文明劝导",
        organisation_id=world.community_a,
        location=f"北街{BREAKOUT}",
        description=SCRIPT,
        actor=organiser,
    )
    start = api.clock.now + timedelta(hours=2)
    shift = ledger.add_shift(
        activity,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=5,
        location=f"南门{BREAKOUT}",
        actor=organiser,
    )
    named = ledger.register_volunteer(
        name=SCRIPT,
        phone="13911110009",
        birth_date=date(1990, 5, 4),
        home_organisation_id=world.community_a,
        privacy_consent=True,
        password_hash=password_hash(),
    )
    for volunteer in (named, world.spare_volunteer):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    api.clock.advance(hours=2, minutes=5)
    ledger.check_in(shift, named, organiser)
    api.clock.advance(minutes=60)
    record = ledger.check_out(shift, named, organiser)
    ledger.request_correction(record, 90, f"晚到{SCRIPT}{BREAKOUT}", Actor.volunteer(named))
    ledger.mark_no_show(shift, world.spare_volunteer, f"未到{SCRIPT}{BREAKOUT}", organiser)
    return {"activity": activity, "shift": shift}


def _pages(api, hostile):
    return [
        "/desk",
        f"/desk/shifts/{hostile['shift']}",
        f"/desk/activities/{hostile['activity']}/shifts/new",
        "/desk/queue",
        "/desk/supervision?period=all",
    ]


def test_the_desk_escapes_every_text_people_wrote(api, world, hostile):
    organiser = logged_in(api, "organiser.li")
    for path in _pages(api, hostile):
        answer = organiser.get(path)
        assert answer.status_code == 200, path
        assert SCRIPT not in answer.text, path
        assert BREAKOUT not in answer.text, path
        assert "&lt;script&gt;" in answer.text, path


def test_the_roster_and_queue_show_the_words_escaped_not_dropped(api, world, hostile):
    organiser = logged_in(api, "organiser.li")
    roster = organiser.get(f"/desk/shifts/{hostile['shift']}").text
    assert "<h3>&lt;script&gt;alert(1)&lt;/script&gt; " in roster
    assert "南门&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in roster
    queue = organiser.get("/desk/queue").text
    assert "晚到&lt;script&gt;alert(1)&lt;/script&gt;" in queue


def test_the_check_in_page_escapes_the_activity_and_place(api, world, hostile):
    key = api.services.tokens.derived_key(KEY_PURPOSE)
    code = code_for(key, hostile["shift"], api.clock.now)
    answer = logged_in(api, "13911110009").get(f"/checkin/{code}")
    assert SCRIPT not in answer.text
    assert BREAKOUT not in answer.text
    assert "清扫&lt;script&gt;" in answer.text
