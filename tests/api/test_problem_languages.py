"""Problem titles and details follow Accept-Language: 简体中文 when it prefers zh, else English."""

from __future__ import annotations

from uuid import uuid4

import pytest

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
ENGLISH = {"Accept-Language": "en"}


def test_a_missing_shift_is_not_found_in_chinese_or_english(api, world):
    missing = uuid4()
    token = world.tokens["volunteer"]
    zh = api.client.get(f"/v1/shifts/{missing}", headers={**token, **CHINESE}).json()
    en = api.client.get(f"/v1/shifts/{missing}", headers={**token, **ENGLISH}).json()
    assert (zh["title"], zh["detail"]) == ("未找到", f"未找到班次 {missing}")
    assert (en["title"], en["detail"]) == ("Not found", f"shift {missing} was not found")
    assert zh["type"] == en["type"] == "/problems/not-found"


def test_a_conflict_is_told_in_chinese(api, world):
    path = f"/v1/shifts/{world.shift}/signups"
    body = {"volunteer_id": str(world.volunteer)}
    token = world.tokens["volunteer"]
    assert api.client.post(path, json=body, headers=token).status_code == 201
    zh = api.client.post(path, json=body, headers={**token, **CHINESE})
    en = api.client.post(path, json=body, headers={**token, **ENGLISH})
    assert zh.status_code == en.status_code == 409
    assert zh.json()["title"] == "报名被拒绝"
    assert zh.json()["detail"] == "该志愿者在此班次的状态已是“已确认”，无需再操作"
    assert en.json()["detail"] == "the volunteer is already confirmed on this shift; nothing to do"


def test_a_forbidden_request_is_told_in_chinese(api, world):
    response = api.client.post(
        "/v1/organizations",
        json={"name": "新社区", "kind": "community", "parent_id": str(world.community_b)},
        headers={**world.tokens["organiser"], **CHINESE},
    )
    assert response.status_code == 403
    assert response.json()["title"] == "禁止访问"
    assert response.json()["detail"] == "只有本组织或上级组织的组织者可以进行此操作"


def test_the_validation_summary_is_in_chinese_and_the_field_errors_stay(api, world):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        json={"volunteer_id": "not a uuid"},
        headers={**world.tokens["volunteer"], **CHINESE},
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["title"], body["detail"]) == ("请求无效", "部分字段缺失或无效，详见 errors。")
    assert body["errors"][0]["field"] == "body.volunteer_id"


def test_no_token_is_told_in_chinese(api):
    response = api.client.get(f"/v1/volunteers/{uuid4()}", headers=CHINESE)
    assert response.status_code == 401
    assert response.json()["title"] == "需要登录"


def test_an_unknown_address_is_told_in_chinese(api):
    body = api.client.get("/v1/no-such-thing", headers=CHINESE).json()
    assert (body["title"], body["detail"]) == ("未找到", "未找到")


@pytest.mark.parametrize(("header", "tag"), [(CHINESE, "zh-Hans"), (ENGLISH, "en"), ({}, "en")])
def test_a_problem_says_its_language(api, header, tag):
    response = api.client.get(f"/v1/volunteers/{uuid4()}", headers=header)
    assert response.headers["content-language"] == tag
    assert "Accept-Language" in response.headers["vary"]


def test_without_accept_language_problems_are_english(api):
    assert api.client.get(f"/v1/volunteers/{uuid4()}").json()["title"] == (
        "Authentication required"
    )


def test_a_rule_detail_is_told_in_chinese_under_a_chinese_title(api, world):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/capacity",
        json={"capacity": 5},
        headers={**world.tokens["organiser"], **CHINESE},
    )
    assert response.status_code == 422, response.text
    assert response.json()["title"] == "输入无效"
    assert response.json()["detail"] == "班次的名额已是这个数"


def test_a_problem_answered_by_a_middleware_is_told_in_chinese_too(api):
    limit = api.services.settings.max_body_bytes
    response = api.client.post("/v1/volunteers", content=b"x" * (limit + 1), headers=CHINESE)
    assert response.status_code == 413
    body = response.json()
    assert (body["title"], body["detail"]) == ("请求内容过大", f"请求内容超过 {limit} 字节。")


def test_a_wrong_password_is_told_in_chinese(api, world):
    response = api.client.post(
        "/v1/auth/token",
        data={"username": "organiser.li", "password": "not the password"},
        headers=CHINESE,
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "账号或密码错误"
