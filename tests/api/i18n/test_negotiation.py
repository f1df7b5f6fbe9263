"""The language an Accept-Language header prefers, by its q-values."""

from __future__ import annotations

import pytest

from api.i18n import ENGLISH, SIMPLIFIED_CHINESE, preferred_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-CN,zh;q=0.9", SIMPLIFIED_CHINESE),
        ("zh-Hans", SIMPLIFIED_CHINESE),
        ("zh-TW", SIMPLIFIED_CHINESE),
        ("ZH-cn", SIMPLIFIED_CHINESE),
        ("en", ENGLISH),
        ("en-US,en;q=0.9,zh-CN;q=0.8", ENGLISH),
        ("en;q=0.5, zh;q=0.8", SIMPLIFIED_CHINESE),
        ("fr-FR, zh;q=0.5, en;q=0.3", SIMPLIFIED_CHINESE),
        ("zh;q=0.8, en;q=0.8", SIMPLIFIED_CHINESE),
        ("en;q=0.8, zh;q=0.8", ENGLISH),
    ],
)
def test_the_language_with_the_highest_q_value_is_preferred(header, language):
    assert preferred_language(header) == language


@pytest.mark.parametrize("header", [None, "", "*", "fr", "de, ja;q=0.9", "zh;q=0", "zh;q=2"])
def test_english_when_chinese_is_not_asked_for(header):
    assert preferred_language(header) == ENGLISH


def test_an_unreadable_q_value_drops_its_language_only():
    assert preferred_language("zh;q=high, en;q=0.1") == ENGLISH
