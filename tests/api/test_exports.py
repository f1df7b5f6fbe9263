"""Exports an organiser hands upward: the hours report, service records, the leaderboard and
the audit trail as files, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from api.exports import XLSX
from api.settings import Settings
from projections.audit.bookkeeping import BOOKKEEPING_EVENT_TYPES
from tests.api.conftest import Api
from tests.conftest import Clock

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: 07:30 in Beijing on 2 December 2026, in bi-month 2026-B6.
MORNING = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request, tmp_path) -> Iterator[Api]:
    store = f"sqlite:///{tmp_path}/data/ledger.db"
    if request.param == "postgres":
        store = str(request.getfixturevalue("postgres_schema"))
    clock = Clock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    settings = Settings(data_dir=tmp_path / "data", store=store, follow_projections=False)
    with TestClient(create_app(settings, clock=clock)) as client:
        yield Api(client, client.app.state.services, clock)  # type: ignore[attr-defined]


def record(api, world, organiser, checker, volunteer, activity, start, minutes):
    created = api.client.post(
        "/v1/service-records",
        headers=world.tokens[organiser],
        json={
            "volunteer_id": str(volunteer),
            "activity_id": str(activity),
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
            "description": "文明劝导",
        },
    )
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    approved = api.client.post(
        f"/v1/service-records/{record_id}/approve", headers=world.tokens[checker]
    )
    assert approved.status_code == 200, approved.text
    return record_id


@pytest.fixture
def served(api, world):
    """王小明 served twice at 和平里社区 (120 + 135 minutes), 李春花 once at 东四社区 (60)."""
    ledger = api.services.ledger
    record(api, world, "organiser", "checker", world.volunteer, world.activity, MORNING, 120)
    later = MORNING + timedelta(days=1)
    record(api, world, "organiser", "checker", world.volunteer, world.activity, later, 135)
    east = ledger.create_activity(
        title="垃圾分类宣传",
        category="环境保护",
        organisation_id=world.community_b,
        location="东四北大街",
        actor=ledger.account_for_login("organiser.wang").as_actor(),
    )
    record(api, world, "other organiser", "admin", world.other_volunteer, east, MORNING, 60)


def get(api, world, role, path, accept=None, **params):
    head = api.services.ledger.recorder.max_notification_id()
    headers = dict(world.tokens[role])
    if accept:
        headers["Accept"] = accept
    return api.client.get(path, params={"min_position": head, **params}, headers=headers)


def rows_of(response) -> list[dict[str, str]]:
    """The CSV's rows by header, after checking it starts with a BOM."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def number_of(api, volunteer):
    return api.services.ledger.volunteer(volunteer).volunteer_number


def test_the_hours_report_gives_each_volunteer_of_the_subtree_with_hours(api, world, served):
    response = get(
        api,
        world,
        "organiser",
        "/v1/reports/hours",
        **{"organization_id": str(world.street_a), "period": "2026-B6"},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["period"]["label"] == "2026年11–12月"
    assert (report["period"]["from"], report["period"]["to"]) == ("2026-11-01", "2026-12-31")
    assert report["totals"] == {
        "volunteers": 1,
        "records": 2,
        "approved_minutes": 255,
        "hours": "4.25",
        "approved_hours": "4.25",
    }
    [row] = report["items"]
    assert row["name"] == "王小明"
    assert row["volunteer_number"] == number_of(api, world.volunteer)
    assert row["home_organization"] == "和平里社区"
    assert (row["approved_minutes"], row["hours"], row["records"]) == (255, "4.25", 2)
    assert row["approved_hours"] == "4.25"


def test_the_hours_report_of_another_period_is_empty(api, world, served):
    response = get(
        api,
        world,
        "admin",
        "/v1/reports/hours",
        **{"organization_id": str(world.district), "period": "2026-B5"},
    )
    assert response.json()["items"] == []
    assert response.json()["totals"]["approved_minutes"] == 0


@pytest.mark.parametrize("how", ["format", "accept"])
def test_the_hours_report_as_csv_has_a_bom_chinese_names_and_every_row(api, world, served, how):
    params = {"organization_id": str(world.district), "period": "2026-B6", "limit": 1}
    if how == "format":
        response = get(api, world, "admin", "/v1/reports/hours", format="csv", **params)
    else:
        response = get(api, world, "admin", "/v1/reports/hours", accept="text/csv", **params)
    rows = rows_of(response)
    assert [(row["name"], row["home_organization"], row["hours"]) for row in rows] == sorted(
        [("王小明", "和平里社区", "4.25"), ("李春花", "东四社区", "1")],
        key=lambda row: number_of(
            api, world.volunteer if row[0] == "王小明" else world.other_volunteer
        ),
    )
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="hours-2026-B6.csv"')
    assert f"filename*=UTF-8''{quote('hours-东城区-2026-B6.csv')}" in disposition


def test_the_hours_report_as_xlsx_opens_with_its_rows(api, world, served):
    for response in (
        get(
            api,
            world,
            "organiser",
            "/v1/reports/hours",
            format="xlsx",
            organization_id=str(world.street_a),
            period="2026-B6",
        ),
        get(
            api,
            world,
            "organiser",
            "/v1/reports/hours",
            accept=XLSX,
            organization_id=str(world.street_a),
            period="2026-B6",
        ),
    ):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == XLSX
        sheet = load_workbook(io.BytesIO(response.content)).active
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert header[:2] == ("volunteer_number", "name")
        assert rows == [(number_of(api, world.volunteer), "王小明", "和平里社区", 255, "4.25", 2)]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
@pytest.mark.parametrize(("role", "status"), [("other organiser", 403), ("volunteer", 403)])
def test_the_hours_report_is_for_organisers_of_the_subtree_only(
    api, world, served, fmt, role, status
):
    response = get(
        api,
        world,
        role,
        "/v1/reports/hours",
        format=fmt,
        organization_id=str(world.street_a),
        period="2026-B6",
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_a_volunteers_records_as_csv_are_in_local_time_with_names(api, world, served):
    response = get(
        api,
        world,
        "organiser",
        f"/v1/volunteers/{world.volunteer}/service-records",
        format="csv",
        limit=1,
    )
    rows = rows_of(response)
    assert [row["started_at_local"] for row in rows] == [
        "2026-12-03 07:30:00",
        "2026-12-02 07:30:00",
    ]
    assert rows[1]["ended_at_local"] == "2026-12-02 09:30:00"
    assert rows[1]["service_date"] == "2026-12-02"
    assert {row["volunteer"] for row in rows} == {"王小明"}
    assert {row["activity"] for row in rows} == {"早高峰文明交通劝导"}
    assert {row["organization"] for row in rows} == {"和平里社区"}
    assert [row["hours"] for row in rows] == ["2.25", "2"]
    assert not UUID_TEXT.search(response.text)


def test_records_of_a_volunteer_out_of_scope_are_not_found_as_csv_too(api, world, served):
    response = get(
        api,
        world,
        "other organiser",
        f"/v1/volunteers/{world.volunteer}/service-records",
        accept="text/csv",
    )
    assert response.status_code == 404


def test_the_leaderboard_as_csv_is_every_entry_masked_for_the_public(api, world, served):
    params = {"organization_id": str(world.district), "period": "2026-B6", "limit": 1}
    full = rows_of(get(api, world, "admin", "/v1/leaderboards", format="csv", **params))
    public = rows_of(get(api, world, "anonymous", "/v1/leaderboards", format="csv", **params))
    assert [(row["rank"], row["name"], row["hours"]) for row in full] == [
        ("1", "王小明", "4.25"),
        ("2", "李春花", "1"),
    ]
    assert [row["name"] for row in public] == ["王*明", "李*花"]
    numbers = [number_of(api, v) for v in (world.volunteer, world.other_volunteer)]
    assert [row["volunteer_number"] for row in full] == numbers
    assert [row["volunteer_number"] for row in public] == ["*****" + n[-4:] for n in numbers]


def test_the_audit_trail_as_csv_names_people_in_local_time_without_bookkeeping(api, world, served):
    everything = rows_of(get(api, world, "admin", "/v1/audit", format="csv"))
    assert everything, "the trail has rows"
    types = {row["event_type"] for row in everything}
    assert "ServiceRecord.Approved" in types
    assert not types & BOOKKEEPING_EVENT_TYPES
    approvals = [row for row in everything if row["event_type"] == "ServiceRecord.Approved"]
    assert approvals[0]["actor"] == "organiser.zhou"  # the checker's display name
    assert approvals[0]["volunteer"] == "王小明"
    assert approvals[0]["volunteer_number"] == number_of(api, world.volunteer)
    assert approvals[0]["organization"] == "和平里社区"
    [entry] = [
        item
        for item in get(api, world, "admin", "/v1/audit", limit=200).json()["items"]
        if item["position"] == int(approvals[0]["position"])
    ]
    beijing = datetime.fromisoformat(entry["at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert approvals[0]["at_local"] == beijing.strftime("%Y-%m-%d %H:%M:%S")
    for row in everything:
        assert not UUID_TEXT.search(row["actor"]), row
        assert not row["actor"].startswith("account:"), row


def test_the_audit_trail_as_csv_keeps_to_the_organisers_subtree(api, world, served):
    rows = rows_of(get(api, world, "other organiser", "/v1/audit", accept="text/csv"))
    assert {row["organization"] for row in rows} <= {"东四街道", "东四社区", ""}
    assert "王小明" not in {row["volunteer"] for row in rows}
    refused = get(
        api,
        world,
        "other organiser",
        "/v1/audit",
        format="csv",
        organization_id=str(world.street_a),
    )
    assert refused.status_code == 403


def test_the_json_audit_trail_still_answers_by_default(api, world, served):
    response = get(api, world, "admin", "/v1/audit", accept="text/html,*/*")
    assert response.headers["content-type"] == "application/json"


def test_a_list_is_no_workbook(api, world):
    response = get(api, world, "admin", "/v1/audit", format="xlsx")
    assert response.status_code == 422


def test_the_openapi_document_declares_the_files_and_the_format(api):
    document = api.client.get("/openapi.json").json()
    for path, media in (
        ("/v1/reports/hours", {"text/csv", XLSX}),
        ("/v1/volunteers/{volunteer_id}/service-records", {"text/csv"}),
        ("/v1/leaderboards", {"text/csv"}),
        ("/v1/audit", {"text/csv"}),
    ):
        operation = document["paths"][path]["get"]
        assert media <= set(operation["responses"]["200"]["content"]), path
        [fmt] = [p for p in operation["parameters"] if p["name"] == "format"]
        schema = fmt["schema"]
        enum = schema.get("enum") or next(s for s in schema["anyOf"] if "$ref" in s or "enum" in s)
        assert enum, path
