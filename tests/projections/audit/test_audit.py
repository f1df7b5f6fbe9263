"""The audit trail holds one readable row per event, about the right volunteer and organisation."""

from datetime import datetime, timedelta
from functools import partial

import pytest

from domain.attendance import Attendance
from domain.ledger import Ledger
from domain.policy import Policy
from domain.service_record import ServiceRecord
from domain.timesheet import Timesheet
from domain.unique_key import UniqueKey
from domain.values import Actor
from projections.audit.queries import AuditFilter, audit_page, audit_rows
from projections.audit.text import TEMPLATES, utc_text
from projections.audit.view import AuditTrail, Subjects
from projections.directory.names import names_of
from projections.directory.view import Directory
from projections.running.runner import ProjectionRunner
from tests import factories as f
from tests.domain.test_events import all_event_classes
from tests.projections.activity_stats.test_activity_stats import all_events, served_activity
from tests.projections.read_models import other_views


@pytest.fixture
def served(ledger, clock, views):
    served = served_activity(ledger, clock)
    ProjectionRunner(ledger, views, trail_and_directory(), batch_size=50).catch_up()
    return served


def trail_and_directory():
    """The audit trail, and the directory its summaries name people and places from."""
    return [Directory(), AuditTrail()]


def rows(views, **where):
    found = audit_rows(views, AuditFilter(**where), names=partial(names_of, views), page_size=40)
    return list(found)


def test_every_event_class_has_a_summary_template():
    assert {cls.__qualname__ for cls in all_event_classes()} <= set(TEMPLATES)


def numbered(ledger):
    notifications = ledger.recorder.select_notifications(start=1, limit=1_000_000)
    return [(n.id, ledger.mapper.to_domain_event(n)) for n in notifications]


def test_there_is_one_row_per_event_in_order(ledger, views, served):
    assert [
        (row["position"], row["event_type"], row["at"], row["actor"]) for row in rows(views)
    ] == [
        (position, type(e).__qualname__, utc_text(e.timestamp), e.actor)
        for position, e in numbered(ledger)
    ]


def test_the_rows_about_a_volunteer_are_their_aggregates_and_the_events_naming_them(
    ledger, views, served
):
    events = numbered(ledger)
    for volunteer in served.volunteers:
        own = {volunteer, Timesheet.id_for(volunteer)} | {
            e.originator_id
            for _, e in events
            if isinstance(e, Attendance.Opened | ServiceRecord.Recorded)
            and e.volunteer_id == volunteer
        }
        expected = [
            position
            for position, e in events
            if e.originator_id in own
            or volunteer in (getattr(e, "volunteer_id", None), getattr(e, "owner_id", None))
        ]
        found = rows(views, volunteer_id=str(volunteer))
        assert [row["position"] for row in found] == expected


def test_every_row_names_the_organisation_it_happened_in(ledger, views, served):
    [district] = ledger.organisation_and_ancestors(served.community)[1:]
    found = {(row["organisation_id"], row["aggregate_kind"]) for row in rows(views)}
    # An account is created before it is appointed organiser of an organisation.
    assert {kind for organisation, kind in found if organisation is None} == {
        "unique_key",
        "account",
    }
    assert {organisation for organisation, _ in found} == {
        str(served.community),
        str(district),
        None,
    }
    unowned = rows(views, event_type="UniqueKey.Created")
    assert {row["organisation_id"] for row in unowned} == {None}


def test_summaries_say_who_did_what_without_phones_or_birth_dates(ledger, views, served):
    wang = str(served.volunteers[0])
    signed_up = rows(views, volunteer_id=wang, event_type="Shift.VolunteerSignedUp")[0]
    assert (
        signed_up["summary"] == "王小明 signed up for 文明劝导进社区 (2026-03-03 08:00) (confirmed)"
    )
    [corrected, accepted] = [
        row
        for row in rows(views, event_type="ServiceRecord.Corrected")
        if row["aggregate_id"] in {str(served.records[k]) for k in ("checked out", "visit")}
    ]
    assert corrected["summary"].endswith("corrected from 90 to 80 minutes")
    assert corrected["reason"] == "按实际服务时间核减"
    assert accepted["summary"].endswith("corrected from 60 to 75 minutes")
    secrets = {ledger.volunteer(v).phone for v in served.volunteers} | {"1990-05-04"}
    assert not [row for row in rows(views) if any(s in row["summary"] for s in secrets)]


def test_the_key_of_a_phone_number_is_not_named(ledger, views, served):
    phone = ledger.volunteer(served.volunteers[0]).phone
    key = str(UniqueKey.id_for("phone", phone))
    assert key not in {row["aggregate_id"] for row in rows(views)}
    claims = rows(views, volunteer_id=str(served.volunteers[0]), event_type="UniqueKey.Claimed")
    assert [row["summary"] for row in claims] == [
        "phone claimed by 王小明",
        "volunteer-number claimed by 王小明",
    ]


def test_pages_filters_and_time_windows_select_the_same_rows_as_a_scan(ledger, views, served):
    everything = rows(views)
    pages, after = [], None
    while True:
        items, after = audit_page(
            views, AuditFilter(), names=partial(names_of, views), limit=7, after=after
        )
        pages += items
        if after is None:
            break
    assert pages == everything
    middle = everything[len(everything) // 2]["at"]
    since = datetime.fromisoformat(middle)
    window = {"since": since, "until": since + timedelta(microseconds=1)}
    assert rows(views, **window) == [row for row in everything if row["at"] == middle]
    assert rows(views, actor_id="organiser-li") == [
        row for row in everything if row["actor"] == "account:organiser-li"
    ]
    records = rows(views, event_type="ServiceRecord.Recorded")
    assert len(records) == sum(isinstance(e, ServiceRecord.Recorded) for e in all_events(ledger))


def test_a_trail_built_with_little_memory_reads_as_one_built_with_plenty(
    ledger, views, served, store_url, tmp_path, monkeypatch
):
    monkeypatch.setattr(Subjects, "limit", 4)  # most subjects are read back from the table
    with other_views(store_url, tmp_path) as forgetful:
        ProjectionRunner(ledger, forgetful, trail_and_directory(), batch_size=7).catch_up()
        assert rows(forgetful) == rows(views)


def record_confirm_approve(ledger, clock, views):
    """An organiser records 王小明's home visit by hand, he confirms it, and she approves it."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    wang = f.volunteer(ledger, community)
    organiser = f.organiser(ledger, community)
    record = f.record_by_hand(ledger, wang, activity, organiser)
    ledger.confirm_record(record, Actor.volunteer(wang))
    ledger.approve_record(record, organiser)
    ProjectionRunner(ledger, views, trail_and_directory()).catch_up()
    trail = [row for row in rows(views) if row["aggregate_id"] == str(record)]
    return trail, organiser, wang


def test_the_trail_says_who_recorded_confirmed_and_approved_a_record(ledger, clock, views):
    trail, organiser, wang = record_confirm_approve(ledger, clock, views)
    assert [(row["event_type"], row["actor"]) for row in trail] == [
        ("ServiceRecord.Recorded", str(organiser)),
        ("ServiceRecord.Confirmed", f"volunteer:{wang}"),
        ("ServiceRecord.Approved", str(organiser)),
    ]
    assert trail[1]["summary"].startswith("王小明 confirmed 120 minutes of 文明劝导进社区 on ")
    assert trail[2]["summary"].endswith(" approved")


@pytest.mark.parametrize("store_url", ["memory"], indirect=True)
def test_the_trail_says_when_an_approval_had_no_second_party(store_url, clock, views):
    ledger = Ledger(store_url, clock=clock, policy=Policy(single_organiser_approval=True))
    try:
        community = f.community(ledger)
        activity = f.activity(ledger, community)
        organiser = f.organiser(ledger, community)
        record = f.record_by_hand(ledger, f.volunteer(ledger, community), activity, organiser)
        ledger.approve_record(record, organiser)
        ProjectionRunner(ledger, views, trail_and_directory()).catch_up()
        [approved] = rows(views, event_type="ServiceRecord.Approved")
        assert approved["summary"].endswith(
            " approved with no second party (single-organiser setting)"
        )
    finally:
        ledger.close()


@pytest.mark.parametrize("store_url", ["memory"], indirect=True)
def test_the_trail_says_when_a_correction_had_no_second_party(store_url, clock, views):
    ledger = Ledger(store_url, clock=clock, policy=Policy(single_organiser_approval=True))
    try:
        community = f.community(ledger)
        organiser = f.organiser(ledger, community)
        record = f.record_by_hand(
            ledger, f.volunteer(ledger, community), f.activity(ledger, community), organiser
        )
        ledger.approve_record(record, organiser)
        ledger.correct_record(record, 100, "提前离开", organiser)
        ledger.correct_record(record, 150, "补录漏记时间", organiser)
        ProjectionRunner(ledger, views, trail_and_directory()).catch_up()
        lowered, raised = rows(views, event_type="ServiceRecord.Corrected")
        assert lowered["summary"].endswith(" corrected from 120 to 100 minutes")
        assert raised["summary"].endswith(
            " corrected from 100 to 150 minutes with no second party (single-organiser setting)"
        )
    finally:
        ledger.close()


def test_a_series_and_its_changes_read_as_the_activitys(ledger, views):
    from datetime import date, time

    from domain.values import WeeklyRecurrence

    activity = f.activity(ledger, f.community(ledger))
    rule = WeeklyRecurrence(frozenset({5}), date(2026, 3, 2), date(2026, 3, 15), time(9), time(11))
    series = ledger.schedule_series(activity, rule, capacity=2, actor=f.ORGANISER)
    ledger.cancel_series(series, from_day=date(2026, 3, 9), reason="场地施工", actor=f.ORGANISER)
    ProjectionRunner(ledger, views, trail_and_directory()).catch_up()
    summaries = [row["summary"] for row in rows(views) if row["aggregate_kind"] == "series"]
    assert summaries == [
        "weekly series of 文明劝导进社区 scheduled with 2 places",
        "weekly series of 文明劝导进社区 cancelled from 2026-03-09",
    ]


def test_an_erased_volunteer_reads_under_the_pseudonym_and_no_row_keeps_the_name(ledger, views):
    community = f.community(ledger)
    wang = f.volunteer(ledger, community)
    name = ledger.volunteer(wang).name
    ProjectionRunner(ledger, views, trail_and_directory()).catch_up()
    pseudonym = ledger.erase_volunteer(wang, "本人申请", f.ORGANISER)
    ProjectionRunner(ledger, views, trail_and_directory()).catch_up()
    stored = views.query("SELECT * FROM audit_entries")
    kept = views.query("SELECT * FROM audit_subjects")
    assert not [row for row in stored + kept if any(name in str(value) for value in row)]
    [registered] = rows(views, event_type="Volunteer.Registered")
    assert registered["summary"].startswith(f"{pseudonym} registered as volunteer")


def test_a_renaming_reads_from_the_old_name_to_the_new(ledger, views):
    community = f.community(ledger)
    ledger.rename_organisation(community, "安定门社区", f.ORGANISER, reason="区划调整")
    ProjectionRunner(ledger, views, trail_and_directory()).catch_up()
    [renamed] = rows(views, event_type="Organisation.Renamed")
    assert renamed["summary"] == "organisation 和平里社区 renamed to 安定门社区"
