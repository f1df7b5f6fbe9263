from datetime import date, timedelta

import pytest

from domain.errors import InvalidInputError
from domain.policy import Policy, age_on


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2010, 6, 1), date(2026, 5, 31), 15),
        (date(2010, 6, 1), date(2026, 6, 1), 16),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_counts_whole_years(born, day, age):
    assert age_on(born, day) == age


def test_minutes_round_down_to_the_configured_increment():
    assert Policy(rounding_minutes=15).rounded(59) == 45


def test_whole_minutes_are_the_default():
    assert Policy().rounded(59) == 59


def test_an_unknown_category_is_refused_with_the_choices():
    with pytest.raises(InvalidInputError, match="义诊"):
        Policy().require_category("打麻将")


@pytest.mark.parametrize(
    "settings",
    [
        {"minimum_age": 0},
        {"minimum_age": 20},
        {"rounding_minutes": 0},
        {"daily_cap_minutes": 0},
        {"daily_cap_minutes": 24 * 60 + 1},
        {"check_out_grace": timedelta(minutes=-1)},
        {"check_in_early": timedelta(minutes=-1)},
        {"categories": ()},
        {"categories": ("义诊", " ")},
        {"organisation_kinds": ()},
    ],
)
def test_an_impossible_policy_is_refused(settings):
    with pytest.raises(InvalidInputError):
        Policy(**settings)
