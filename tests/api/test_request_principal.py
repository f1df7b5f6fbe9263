"""Who a token's account is, on each request: remembered between requests, never stale."""

from __future__ import annotations

SUMMARY = "/v1/volunteers/{}/summary"


def summary(api, volunteer, token):
    return api.client.get(SUMMARY.format(volunteer), headers=token)


def admin(api):
    return api.services.ledger.account_for_login("admin.zhang").as_actor()


def test_a_disabled_account_is_refused_on_its_very_next_request(api, world):
    organiser = world.tokens["organiser"]
    assert summary(api, world.volunteer, organiser).status_code == 200  # now remembered
    account = api.services.ledger.account_for_login("organiser.li").id
    disabled = api.client.post(
        f"/v1/accounts/{account}/disable", headers=world.tokens["admin"], json={"reason": "离职"}
    )
    assert disabled.status_code == 200, disabled.text
    assert summary(api, world.volunteer, organiser).status_code == 401


def test_an_organiser_appointed_elsewhere_reads_there_on_the_next_request(api, world):
    ledger = api.services.ledger
    account = ledger.account_for_login("organiser.li").id
    assert summary(api, world.other_volunteer, world.tokens["organiser"]).status_code == 404
    ledger.appoint_organiser(account, world.street_b, admin(api))
    assert summary(api, world.other_volunteer, api.token_for(account)).status_code == 200


def test_a_dismissed_organiser_no_longer_reads_on_the_next_request(api, world):
    ledger = api.services.ledger
    account = ledger.account_for_login("organiser.li").id
    assert summary(api, world.volunteer, world.tokens["organiser"]).status_code == 200
    ledger.dismiss_organiser(account, world.street_a, "换届", admin(api))
    assert summary(api, world.volunteer, api.token_for(account)).status_code == 404


def test_a_volunteer_who_moved_is_read_by_the_organisers_of_their_new_home_only(api, world):
    before = [
        summary(api, world.volunteer, world.tokens[who]).status_code
        for who in ("organiser", "other organiser")
    ]
    api.services.ledger.move_volunteer(world.volunteer, world.community_b, "搬家", admin(api))
    after = [
        summary(api, world.volunteer, world.tokens[who]).status_code
        for who in ("organiser", "other organiser")
    ]
    assert (before, after) == ([200, 404], [404, 200])
