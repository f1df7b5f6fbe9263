from datetime import date, time, timedelta
from uuid import uuid4

import pytest

from domain.errors import (
    InvalidInputError,
    NotFoundError,
    OrganisationClosedError,
    OrganisationNameTakenError,
    SignUpRefusedError,
)
from domain.values import Actor, WeeklyRecurrence
from tests import factories as f
from tests.factories import ADMIN, ORGANISER


def test_an_organisation_knows_its_parent_and_children(ledger):
    district = f.district(ledger)
    street = ledger.create_organisation(
        name="和平里街道", kind="street", parent_id=district, actor=ADMIN
    )
    assert ledger.organisation(district).children == [street]
    assert ledger.organisation(street).parent_id == district


def test_an_unknown_organisation_kind_is_refused(ledger):
    with pytest.raises(InvalidInputError, match="kind"):
        ledger.create_organisation(name="某某", kind="castle", actor=ADMIN)


def test_a_closed_organisation_takes_no_new_activities(ledger):
    community = f.community(ledger)
    ledger.close_organisation(community, "并入相邻社区", ADMIN)
    with pytest.raises(OrganisationClosedError):
        f.activity(ledger, community)


def test_a_closed_organisation_keeps_its_history(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    ledger.close_organisation(community, "并入相邻社区", ADMIN)
    assert ledger.activity(activity).organisation_id == community


def test_loading_an_id_of_another_kind_is_not_found(ledger):
    community = f.community(ledger)
    with pytest.raises(NotFoundError, match="shift"):
        ledger.shift(community)


def test_an_unknown_id_is_not_found(ledger):
    with pytest.raises(NotFoundError, match="volunteer"):
        ledger.volunteer(uuid4())


def weekly(first: date, last: date) -> WeeklyRecurrence:
    return WeeklyRecurrence(frozenset({5, 6}), first, last, time(9, 0), time(11, 30))


def test_recurring_shifts_are_created_once_per_matching_day(ledger):
    activity = f.activity(ledger, f.community(ledger))
    created = ledger.add_recurring_shifts(
        activity, weekly(date(2026, 3, 2), date(2026, 3, 15)), capacity=5, actor=ORGANISER
    )
    starts = [ledger.shift(s).starts_at.date() for s in created]
    assert starts == [date(2026, 3, d) for d in (7, 8, 14, 15)]


def test_running_a_recurrence_again_creates_nothing_new(ledger):
    activity = f.activity(ledger, f.community(ledger))
    rule = weekly(date(2026, 3, 2), date(2026, 3, 15))
    first = ledger.add_recurring_shifts(activity, rule, capacity=5, actor=ORGANISER)
    again = ledger.add_recurring_shifts(activity, rule, capacity=5, actor=ORGANISER)
    assert (len(first), again, len(ledger.activity(activity).shift_ids)) == (4, [], 4)


def test_rescheduling_keeps_confirmed_volunteers_and_reports_new_overlaps(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    moving = f.shift(ledger, activity, starts_in=timedelta(days=1))
    other = f.shift(ledger, activity, starts_in=timedelta(days=2))
    busy, free = (
        f.volunteer(ledger, community, name="甲"),
        f.volunteer(ledger, community, name="乙"),
    )
    for v in (busy, free):
        ledger.sign_up(moving, v, Actor.volunteer(v))
    ledger.sign_up(other, busy, Actor.volunteer(busy))
    new_start = ledger.shift(other).starts_at + timedelta(hours=1)
    clashes = ledger.reschedule_shift(
        moving,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
        reason="场地调整",
        actor=ORGANISER,
    )
    assert [(c.volunteer_id, c.overlapping_shift_id) for c in clashes] == [(busy, other)]
    assert ledger.shift(moving).confirmed == [busy, free]


def test_cancelling_a_shift_frees_its_volunteers_time(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    cancelled = f.shift(ledger, activity)
    same_time = f.shift(ledger, activity)
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(cancelled, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_shift(cancelled, "暴雨预警", ORGANISER)
    assert ledger.sign_up(same_time, volunteer, Actor.volunteer(volunteer)) == "confirmed"


def test_closing_an_activity_cancels_its_shifts_to_come(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    shift = f.shift(ledger, activity)
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    ledger.close_activity(activity, "项目结项", ORGANISER)
    assert ledger.shift(shift).is_cancelled
    assert not ledger.timesheet(volunteer).holds(shift)


def test_a_cancelled_shift_refuses_sign_ups(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community))
    ledger.cancel_shift(shift, "暴雨预警", ORGANISER)
    volunteer = f.volunteer(ledger, community)
    with pytest.raises(SignUpRefusedError, match="cancelled"):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))


def test_a_naive_shift_time_is_refused(ledger):
    from datetime import datetime

    activity = f.activity(ledger, f.community(ledger))
    with pytest.raises(InvalidInputError, match="time zone"):
        ledger.add_shift(
            activity,
            starts_at=datetime(2026, 3, 3, 9),  # noqa: DTZ001
            ends_at=datetime(2026, 3, 3, 11),  # noqa: DTZ001
            capacity=3,
            actor=ORGANISER,
        )


def test_two_children_of_one_organisation_may_not_share_a_name(ledger):
    district = f.district(ledger)
    first = ledger.create_organisation(
        name="和平里街道", kind="street", parent_id=district, actor=ADMIN
    )
    with pytest.raises(OrganisationNameTakenError) as taken:
        ledger.create_organisation(
            name="和平里街道 ", kind="street", parent_id=district, actor=ADMIN
        )
    assert taken.value.context["existing_id"] == str(first)
    assert ledger.organisation(district).children == [first]


def test_children_of_different_organisations_may_share_a_name(ledger):
    district = f.district(ledger)
    streets = [
        ledger.create_organisation(name=name, kind="street", parent_id=district)
        for name in ("和平里街道", "东四街道")
    ]
    for street in streets:
        ledger.create_organisation(name="第一社区", kind="community", parent_id=street, actor=ADMIN)


def test_a_rename_takes_a_free_name_and_frees_the_old_one(ledger):
    district = f.district(ledger)
    street = ledger.create_organisation(name="和平里街道", kind="street", parent_id=district)
    other = ledger.create_organisation(name="东四街道", kind="street", parent_id=district)
    with pytest.raises(OrganisationNameTakenError):
        ledger.rename_organisation(other, "和平里街道", ADMIN, reason="合并")
    ledger.rename_organisation(street, "和平里新街道", ADMIN, reason="更名")
    ledger.rename_organisation(other, "和平里街道", ADMIN, reason="沿用旧名")
    assert ledger.organisation(other).name == "和平里街道"


def test_a_closed_organisations_name_is_free_for_a_successor(ledger):
    district = f.district(ledger)
    old = ledger.create_organisation(name="和平里街道", kind="street", parent_id=district)
    ledger.close_organisation(old, "区划调整", ADMIN)
    ledger.create_organisation(name="和平里街道", kind="street", parent_id=district)


def test_a_closed_organisation_takes_no_new_shifts(ledger, clock):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    ledger.close_organisation(community, "并入相邻社区", ADMIN)
    with pytest.raises(OrganisationClosedError):
        ledger.add_shift(
            activity,
            starts_at=clock.now + timedelta(days=1),
            ends_at=clock.now + timedelta(days=1, hours=2),
            capacity=3,
            actor=ORGANISER,
        )


def test_an_activity_keeps_its_contact(ledger):
    community = f.community(ledger)
    activity = ledger.create_activity(
        title="爱心义诊",
        category="义诊",
        organisation_id=community,
        location="社区卫生服务站",
        actor=ORGANISER,
        contact="李老师 010-6401 2345",
    )
    assert ledger.activity(activity).contact == "李老师 010-6401 2345"


def test_an_activity_stored_before_contacts_existed_loads_without_one(ledger):
    community = f.community(ledger)
    mapper = ledger.mapper
    [stored] = ledger.recorder.select_events(f.activity(ledger, community), limit=1)
    state = mapper.transcoder.decode(_plain(mapper, stored.state, decrypt=True))
    assert (state.pop("class_version"), state.pop("contact")) == (2, None)
    old = type(stored)(
        originator_id=uuid4(),
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=_plain(mapper, mapper.transcoder.encode(state), decrypt=False),
    )
    ledger.recorder.insert_events([old])
    assert ledger.activity(old.originator_id).contact is None


def _plain(mapper, state: bytes, *, decrypt: bool) -> bytes:
    """The stored bytes without (``decrypt``) or with the store's cipher and compression."""
    if decrypt:
        state = mapper.cipher.decrypt(state) if mapper.cipher else state
        return mapper.compressor.decompress(state) if mapper.compressor else state
    state = mapper.compressor.compress(state) if mapper.compressor else state
    return mapper.cipher.encrypt(state) if mapper.cipher else state
