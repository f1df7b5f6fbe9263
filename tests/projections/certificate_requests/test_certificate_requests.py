"""Certificate requests as they stand, listed for the issuers asked."""

from datetime import date

from domain.values import Actor
from projections.certificate_requests.queries import requests_to
from tests import factories as f


def ask(ledger, volunteer, issuer):
    return ledger.request_certificate(
        volunteer_id=volunteer,
        issuer_id=issuer,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 2, 28),
        actor=Actor.volunteer(volunteer),
    )


def test_requests_are_listed_for_their_issuer_in_the_order_asked(ledger, runner, views):
    community = f.community(ledger)
    other = f.community(ledger, name="东四社区")
    first, second = (f.volunteer(ledger, community, name=n) for n in ("王小明", "李春花"))
    asked = [ask(ledger, first, community), ask(ledger, second, community)]
    ask(ledger, first, other)
    runner.catch_up()
    page = requests_to(views, [str(community)], "open", limit=10, after=None)
    assert [row["id"] for row in page.items] == [str(r) for r in asked]
    assert page.items[0]["volunteer_name"] == "王小明"
    assert (page.items[0]["period_start"], page.items[0]["period_end"]) == (
        "2026-01-01",
        "2026-02-28",
    )


def test_a_declined_request_leaves_the_open_ones_with_its_reason(ledger, runner, views):
    community = f.community(ledger)
    request = ask(ledger, f.volunteer(ledger, community), community)
    ledger.decline_certificate_request(request, "时段内无已审核记录", f.ORGANISER)
    runner.catch_up()
    assert requests_to(views, [str(community)], "open", limit=10, after=None).items == []
    [row] = requests_to(views, None, "declined", limit=10, after=None).items
    assert (row["status"], row["reason"]) == ("declined", "时段内无已审核记录")
