"""The supervision ledger through HTTP: what waits too long, no-shows by period, and scope."""

from datetime import timedelta
from uuid import uuid4

from domain.values import Actor, local_date


def supervision(api, world, role, organisation=None, **params):
    return api.client.get(
        f"/v1/organizations/{organisation or world.street_a}/supervision",
        params={"min_position": api.services.ledger.recorder.max_notification_id(), **params},
        headers=world.tokens[role],
    )


def test_a_record_left_pending_and_a_no_show_appear_for_the_street(api, world):
    ledger, clock = api.services.ledger, api.clock
    organiser = ledger.account_for_login("organiser.li").as_actor()
    start = clock.now - timedelta(days=1)
    record = ledger.record_service(
        volunteer_id=world.spare_volunteer,
        activity_id=world.activity,
        started_at=start,
        ended_at=start + timedelta(hours=2),
        description="入户走访独居老人",
        actor=organiser,
    )
    ledger.sign_up(world.shift, world.volunteer, Actor.volunteer(world.volunteer))
    shift_start = ledger.shift(world.shift).starts_at
    clock.set(shift_start + timedelta(minutes=10))
    ledger.mark_no_show(world.shift, world.volunteer, "未到岗", organiser)
    clock.advance(days=8)
    month = local_date(shift_start, "Asia/Shanghai").strftime("%Y-%m")

    body = supervision(api, world, "organiser", period=month).json()

    [pending] = body["pending_approval"]
    waited = ledger.now() - ledger.history(record)[0].timestamp
    assert (pending["record_id"], pending["days_pending"]) == (str(record), waited.days)
    assert pending["volunteer_name"] == "赵刚"
    [no_show] = body["no_shows"]
    assert (no_show["volunteer_id"], no_show["reason"]) == (str(world.volunteer), "未到岗")
    assert supervision(api, world, "organiser", pending_days=30).json()["pending_approval"] == []
    next_year = str(shift_start.year + 1)
    assert supervision(api, world, "organiser", period=next_year).json()["no_shows"] == []


def test_organisers_in_scope_and_admins_may_read_it(api, world):
    for role, organisation, params, status in [
        ("admin", world.district, {}, 200),
        ("organiser", world.community_a, {"period": "2026-B6"}, 200),
        ("organiser", world.district, {}, 403),
        ("other organiser", world.street_a, {}, 403),
        ("volunteer", world.street_a, {}, 403),
        ("anonymous", world.street_a, {}, 401),
        ("organiser", world.street_a, {"period": "2026-B7"}, 422),
        ("organiser", world.street_a, {"pending_days": -1}, 422),
        ("admin", uuid4(), {}, 404),
    ]:
        response = supervision(api, world, role, organisation, **params)
        assert response.status_code == status, (role, organisation, params)
