"""Finding volunteers in a subtree by name, phone digits or volunteer number."""

import pytest

from projections.directory.search import digits_of, volunteers_of
from tests import factories as f


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("139-1000-7919", "13910007919"),
        ("+86 139 1000 7919", "13910007919"),
        ("7919", "7919"),
        ("791", None),
        ("王小明", None),
        ("139x", None),
    ],
)
def test_digits_are_what_was_typed_for_a_phone_or_number(typed, digits):
    assert digits_of(typed) == digits


def test_a_search_finds_by_name_or_phone_within_the_subtree_only(ledger, runner, views):
    district = f.district(ledger)
    inside = f.community(ledger, district)
    outside = f.community(ledger, name="东四社区")
    wang = f.volunteer(ledger, inside, name="王小明", phone="13910007919")
    f.volunteer(ledger, inside, name="赵刚", phone="13910000001")
    f.volunteer(ledger, outside, name="王大明", phone="13910007918")
    runner.catch_up()

    def names(q):
        page = volunteers_of(views, str(district), q, limit=10, after=None)
        return sorted(row["name"] for row in page.items)

    assert names("王") == ["王小明"]
    assert names("7919") == ["王小明"]
    assert names(None) == ["王小明", "赵刚"]
    assert names(ledger.volunteer(wang).volunteer_number) == ["王小明"]
