"""An activity's statistics through HTTP: the figures, and who may see them."""

from uuid import uuid4

from domain.values import Actor


def statistics(api, world, role, activity=None):
    return api.client.get(
        f"/v1/activities/{activity or world.activity}/statistics",
        params={"min_position": api.services.ledger.recorder.max_notification_id()},
        headers=world.tokens[role],
    )


def test_an_organiser_sees_sign_ups_places_and_attendance(api, world):
    ledger = api.services.ledger
    for volunteer in (world.volunteer, world.spare_volunteer):
        ledger.sign_up(world.shift, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_sign_up(
        world.shift, world.spare_volunteer, "临时有事", Actor.volunteer(world.spare_volunteer)
    )
    response = statistics(api, world, "organiser")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "早高峰文明交通劝导"
    [shift] = body["shifts"]
    assert shift["shift_id"] == str(world.shift)
    figures = ("sign_ups", "confirmed", "waitlisted", "attended", "no_shows", "approved_minutes")
    assert [body["totals"][name] for name in figures] == [2, 1, 0, 0, 0, 0]
    assert body["totals"]["attendance_rate_percent"] is None


def test_organisers_in_scope_and_admins_may_see_them(api, world):
    for role, status in [
        ("admin", 200),
        ("organiser", 200),
        ("other organiser", 403),
        ("volunteer", 403),
        ("anonymous", 401),
    ]:
        assert statistics(api, world, role).status_code == status, role
    assert statistics(api, world, "admin", activity=uuid4()).status_code == 404
