"""Periods named in the page's language."""

import pytest

from api.i18n.catalogue import ENGLISH, SIMPLIFIED_CHINESE
from api.pages.period_names import period_name


@pytest.mark.parametrize(
    ("period", "english"),
    [
        ("all", "All time"),
        ("2026", "2026"),
        ("2026-B1", "Jan–Feb 2026"),
        ("2026-B6", "Nov–Dec 2026"),
        ("2026-03", "March 2026"),
    ],
)
def test_english_names(period, english):
    assert period_name(period, ENGLISH) == english


@pytest.mark.parametrize(
    ("period", "chinese"),
    [("all", "全部"), ("2026", "2026年"), ("2026-B6", "2026年11–12月"), ("2026-03", "2026年3月")],
)
def test_chinese_names_are_the_apis_labels(period, chinese):
    assert period_name(period, SIMPLIFIED_CHINESE) == chinese
