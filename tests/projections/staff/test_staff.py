from projections.staff.queries import organisers_of
from tests import factories as f
from tests.factories import ADMIN


def organiser(ledger, username, organisation):
    return ledger.create_staff_account(
        username=username,
        display_name=username.upper(),
        password_hash="argon2-hash-made-outside",
        organisation_id=organisation,
        actor=ADMIN,
    )


def test_the_organisers_of_an_organisation_are_those_appointed_and_not_dismissed(
    ledger, runner, views
):
    community = f.community(ledger)
    li, zhou = organiser(ledger, "li", community), organiser(ledger, "zhou", community)
    ledger.dismiss_organiser(zhou, community, "调任", ADMIN)
    runner.catch_up()
    assert [(o["account_id"], o["username"]) for o in organisers_of(views, str(community))] == [
        (str(li), "li")
    ]


def test_a_disabled_organiser_is_listed_as_disabled(ledger, runner, views):
    community = f.community(ledger)
    li = organiser(ledger, "li", community)
    ledger.disable_account(li, "离职", ADMIN)
    runner.catch_up()
    [listed] = organisers_of(views, str(community))
    assert listed["disabled"] is True
