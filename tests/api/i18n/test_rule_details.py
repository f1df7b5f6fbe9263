"""Details of the domain's rules and the API's checks reach a Chinese reader in Chinese."""

from __future__ import annotations

import pytest

from api.i18n import SIMPLIFIED_CHINESE, catalogue
from api.i18n.details import translate_detail

ZH = catalogue(SIMPLIFIED_CHINESE)

#: Details as domain/ and api/ make them, with their parameters, and what a Chinese reader sees.
SAMPLES = [
    (
        "the volunteer is marked as a no-show; undo that first",
        "该志愿者已被标记为缺席；请先撤销该标记",
    ),
    (
        "the series has no shift still to come from 2026-12-14 on",
        "自 2026-12-14 起该系列没有尚未到来的班次",
    ),
    (
        "every shift of the series still to come from 2026-12-14 on has capacity 8 already, "
        "or there is none",
        "自 2026-12-14 起该系列尚未到来的班次名额均已是 8，或者没有这样的班次",
    ),
    (
        "480 minutes on 2026-12-02 would pass the daily cap of 600 minutes",
        "2026-12-02 的 480 分钟将超过每日 600 分钟的上限",
    ),
    ("volunteers must be at least 14 years old", "志愿者必须年满 14 岁"),
    (
        "only a suspended volunteer can be reinstated; this one is withdrawn",
        "只有已暂停的志愿者才能恢复；该志愿者的状态为“已退出”",
    ),
    ("the shift must end after it starts", "班次的结束时间必须晚于开始时间"),
    (
        "unknown activity category 'knitting'; use one of: elderly care, environment",
        "未知的活动类别 'knitting'；请使用以下之一：elderly care, environment",
    ),
    (
        "the phone number must be a mobile number: 11 digits starting with 13-19",
        "手机号码须为以 13-19 开头的 11 位数字",
    ),
    ("the password needs at least 8 characters", "密码至少需要 8 个字符"),
    ("leaf 7 is not in a tree of size 5", "叶节点 7 不在大小为 5 的树中"),
]


@pytest.mark.parametrize(("english", "chinese"), SAMPLES, ids=lambda text: text[:40])
def test_a_detail_of_a_rule_or_check_is_translated_with_its_parameters(english, chinese):
    assert translate_detail(english, ZH) == chinese
