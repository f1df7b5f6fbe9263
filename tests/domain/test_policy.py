from datetime import date, timedelta
from fractions import Fraction

import pytest

from domain.errors import InvalidInputError
from domain.policy import (
    Policy,
    adult_born_by,
    age_on,
    mask_name,
    mask_volunteer_number,
    place_organisations,
    star_level,
)

STARS = [100 * 60, 300 * 60]


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


def test_star_levels_say_what_the_next_star_needs():
    assert star_level(150 * 60, STARS) == {
        "stars": 1,
        "next_star_at_minutes": 300 * 60,
        "minutes_to_next_star": 150 * 60,
    }
    assert star_level(300 * 60, STARS)["next_star_at_minutes"] is None


def test_the_default_stars_are_100_300_600_1000_and_1500_hours():
    assert Policy().star_level(99 * 60 + 59)["stars"] == 0
    assert Policy().star_level(1500 * 60)["stars"] == 5


@pytest.mark.parametrize(
    ("today", "born_by"),
    [
        (date(2026, 3, 10), date(2008, 3, 10)),
        (date(2024, 2, 29), date(2006, 2, 28)),
    ],
)
def test_an_adult_today_was_born_by_this_date(today, born_by):
    assert adult_born_by(today, 18) == born_by
    assert Policy().adult_born_by(today) == born_by


@pytest.mark.parametrize(
    ("name", "shown"),
    [("张三明", "张*明"), ("李四", "李*"), ("欧阳小明", "欧**明"), ("王", "王")],
)
def test_a_public_list_masks_all_but_the_first_and_last_characters(name, shown):
    assert mask_name(name) == shown


@pytest.mark.parametrize(
    ("number", "shown"),
    [("123456782", "*****6782"), ("12345", "*2345"), ("1234", "****")],
)
def test_a_public_list_shows_a_volunteer_numbers_last_four_digits_only(number, shown):
    assert mask_volunteer_number(number) == shown


def score(minutes_per_volunteer, participation=1):
    return (Fraction(minutes_per_volunteer), Fraction(participation))


def classes(placings):
    return [(p.rank, p.standing) for p in placings]


def test_an_organisation_with_no_service_in_the_period_is_unranked():
    placings = place_organisations([None, None], flagged=1)
    assert classes(placings) == [(None, "unranked"), (None, "unranked")]
    assert [p.list for p in placings] == [None, None]


def test_the_top_and_bottom_form_the_red_and_black_lists():
    placings = place_organisations([score(40), score(120), score(60)], flagged=1)
    assert classes(placings) == [(3, "black"), (1, "red"), (2, "between")]
    assert [p.list for p in placings] == ["black", "red", None]


def test_equal_scores_share_a_rank_and_a_class():
    placings = place_organisations([score(60), score(120), score(60), score(60)], flagged=1)
    assert classes(placings) == [(2, "black"), (1, "red"), (2, "black"), (2, "black")]


def test_ties_at_the_top_are_all_red_and_not_black():
    assert classes(place_organisations([score(60), score(60)], flagged=1)) == [
        (1, "red"),
        (1, "red"),
    ]


def test_participation_breaks_a_tie_in_minutes():
    placings = place_organisations([score(60, Fraction(1, 2)), score(60, 1)], flagged=1)
    assert classes(placings) == [(2, "black"), (1, "red")]


def test_unranked_organisations_do_not_push_others_off_the_black_list():
    placings = place_organisations([score(120), None, score(30), None], flagged=1)
    assert classes(placings) == [(1, "red"), (None, "unranked"), (2, "black"), (None, "unranked")]


def test_a_negative_list_size_is_invalid():
    with pytest.raises(InvalidInputError):
        place_organisations([score(1)], flagged=-1)
