"""/me's records: status and history, and asking for a correction of one."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from tests.api.pages.me_world import ESCAPED, HOSTILE, element, page_text, post_form, signed_in


def _record(api, world, volunteer=None, days_ago=2):
    """A pending record of two hours, made by an organiser ``days_ago`` days ago."""
    ledger = api.services.ledger
    start = api.clock.now - timedelta(days=days_ago)
    return ledger.record_service(
        volunteer_id=volunteer or world.volunteer,
        activity_id=world.activity,
        started_at=start,
        ended_at=start + timedelta(hours=2),
        description="路口文明交通劝导",
        actor=ledger.account_for_login("organiser.li").as_actor(),
    )


def test_a_record_shows_its_status_and_its_history(api, world):
    record = _record(api, world)
    html = signed_in(api).get("/me").text
    shown = element(html, f"record-{record}")
    assert "早高峰文明交通劝导" in shown
    assert "Awaiting approval" in page_text(shown)
    assert "<details" in shown
    assert "Recorded" in page_text(element(shown, f"history-{record}"))


def test_asking_for_a_correction_redirects_back_and_the_record_shows_it(api, world):
    record = _record(api, world)
    client = signed_in(api)
    answer = post_form(
        client,
        f"/me/records/{record}/correction-request",
        {"minutes": "150", "reason": "签退晚了半小时"},
    )
    assert answer.status_code == 303
    assert "notice=correction-requested" in answer.headers["location"]
    html = client.get(answer.headers["location"]).text
    shown = element(html, f"record-{record}")
    assert "correction asked for: 2.5 h" in page_text(shown)
    assert f'id="correction-{record}"' not in shown  # one open request at a time
    assert "签退晚了半小时" in page_text(element(html, "corrections"))
    assert api.services.ledger.service_record(record).requested_minutes == 150


def test_a_correction_without_a_reason_is_refused_beside_the_field(api, world):
    record = _record(api, world)
    client = signed_in(api)
    answer = post_form(
        client, f"/me/records/{record}/correction-request", {"minutes": "150", "reason": ""}
    )
    assert answer.status_code == 422
    assert element(answer.text, f"e-correction-{record}-reason")
    form = element(answer.text, f"correction-{record}")
    assert 'value="150"' in form  # what was typed stays
    assert api.services.ledger.service_record(record).requested_minutes is None


def test_minutes_that_are_not_a_number_are_refused_beside_the_field(api, world):
    record = _record(api, world)
    client = signed_in(api)
    answer = post_form(
        client,
        f"/me/records/{record}/correction-request",
        {"minutes": HOSTILE, "reason": HOSTILE},
    )
    assert answer.status_code == 422
    assert element(answer.text, f"e-correction-{record}-minutes")
    assert HOSTILE not in answer.text
    assert ESCAPED in element(answer.text, f"correction-{record}")


def test_another_volunteers_record_is_refused(api, world):
    record = _record(api, world, volunteer=world.spare_volunteer)
    client = signed_in(api)
    answer = post_form(
        client, f"/me/records/{record}/correction-request", {"minutes": "150", "reason": "多算"}
    )
    assert answer.status_code == 403
    assert api.services.ledger.service_record(record).requested_minutes is None


def test_a_correction_without_the_form_token_is_refused(api, world):
    record = _record(api, world)
    client = signed_in(api)
    answer = client.post(
        f"/me/records/{record}/correction-request",
        data={"minutes": "150", "reason": "多算", "csrf_token": "forged"},
    )
    assert answer.status_code == 403
    assert api.services.ledger.service_record(record).requested_minutes is None


def test_i_confirm_the_minutes_an_organiser_entered(api, world):
    record = _record(api, world)
    client = signed_in(api)
    assert element(client.get("/me").text, f"confirm-{record}")
    answer = post_form(client, f"/me/records/{record}/confirmation", {})
    assert answer.status_code == 303
    assert "notice=confirmed" in answer.headers["location"]
    html = client.get(answer.headers["location"]).text
    assert element(html, f"confirm-{record}") == ""
    assert "Confirmed by you" in page_text(element(html, f"history-{record}"))
    assert api.services.ledger.service_record(record).confirmed_by is not None


def test_older_records_are_a_link_away(api, world, monkeypatch):
    monkeypatch.setattr("api.pages.routes.me_view.RECORDS_SHOWN", 2)
    oldest, middle, newest = (_record(api, world, days_ago=days) for days in (4, 3, 2))
    client = signed_in(api)
    first = client.get("/me").text
    assert [f"record-{r}" in first for r in (newest, middle, oldest)] == [True, True, False]
    link = re.search(r'href="([^"]+)" id="older-records"', first)
    assert link is not None
    older = client.get(html.unescape(link.group(1))).text
    assert [f"record-{r}" in older for r in (newest, middle, oldest)] == [False, False, True]
    assert 'id="older-records"' not in older
    assert 'href="/me#records" id="newest-records"' in older
