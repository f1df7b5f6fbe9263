from datetime import date, timedelta

import pytest

from domain.account import Account
from domain.errors import (
    NotFoundError,
    PhoneInUseError,
    SignUpRefusedError,
    VolunteerInactiveError,
)
from domain.shift import SignUpStatus
from domain.values import Actor, is_volunteer_number
from tests import factories as f
from tests.factories import ORGANISER


def test_a_registered_volunteer_gets_a_volunteer_number(ledger):
    volunteer_id = f.volunteer(ledger, f.community(ledger))
    assert is_volunteer_number(ledger.volunteer(volunteer_id).volunteer_number)


def test_registration_under_an_unknown_organisation_is_not_found(ledger):
    from uuid import uuid4

    with pytest.raises(NotFoundError, match="organisation"):
        f.volunteer(ledger, uuid4())


def test_a_phone_number_belongs_to_one_active_volunteer(ledger):
    community = f.community(ledger)
    f.volunteer(ledger, community, phone="13911112222")
    with pytest.raises(PhoneInUseError):
        f.volunteer(ledger, community, name="王小红", phone="+86 139 1111 2222")


def test_a_withdrawn_volunteers_phone_number_can_be_registered_again(ledger):
    community = f.community(ledger)
    first = f.volunteer(ledger, community, phone="13911112222")
    ledger.withdraw_volunteer(first, "搬离本市", Actor.volunteer(first))
    second = f.volunteer(ledger, community, name="王小红", phone="13911112222")
    assert ledger.volunteer_id_for_login("13911112222") == second


def test_a_volunteer_logs_in_with_phone_or_volunteer_number(ledger):
    volunteer_id = f.volunteer(ledger, f.community(ledger), phone="13911112222")
    number = ledger.volunteer(volunteer_id).volunteer_number
    assert ledger.volunteer_id_for_login(number) == volunteer_id
    assert ledger.volunteer_id_for_login("139 1111 2222") == volunteer_id


def test_an_unknown_login_is_not_found(ledger):
    with pytest.raises(NotFoundError):
        ledger.volunteer_id_for_login("13911112222")


def test_changing_phone_frees_the_old_number(ledger):
    community = f.community(ledger)
    first = f.volunteer(ledger, community, phone="13911112222")
    ledger.change_volunteer_profile(first, phone="13933334444", actor=Actor.volunteer(first))
    second = f.volunteer(ledger, community, name="王小红", phone="13911112222")
    assert ledger.volunteer_id_for_login("13933334444") == first
    assert ledger.volunteer_id_for_login("13911112222") == second


def test_changing_to_a_phone_number_in_use_is_refused(ledger):
    community = f.community(ledger)
    f.volunteer(ledger, community, phone="13911112222")
    second = f.volunteer(ledger, community, name="王小红")
    with pytest.raises(PhoneInUseError):
        ledger.change_volunteer_profile(second, phone="13911112222", actor=ORGANISER)


def test_sign_ups_past_capacity_are_waitlisted_in_order(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=1)
    first, second, third = (f.volunteer(ledger, community, name=n) for n in ("甲", "乙", "丙"))
    statuses = [ledger.sign_up(shift, v, Actor.volunteer(v)) for v in (first, second, third)]
    assert statuses == [SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.WAITLISTED]
    assert ledger.shift(shift).waitlist == [second, third]


def test_cancelling_a_confirmed_place_promotes_the_first_waitlisted(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=1)
    first, second, third = (f.volunteer(ledger, community, name=n) for n in ("甲", "乙", "丙"))
    for v in (first, second, third):
        ledger.sign_up(shift, v, Actor.volunteer(v))
    ledger.cancel_sign_up(shift, first, "临时有事", Actor.volunteer(first))
    assert (ledger.shift(shift).confirmed, ledger.shift(shift).waitlist) == ([second], [third])
    assert ledger.timesheet(second).holds(shift)


def test_promotion_passes_over_someone_now_busy_at_that_time(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    full = f.shift(ledger, activity, capacity=1)
    same_time = f.shift(ledger, activity, capacity=5)
    holder, busy, free = (f.volunteer(ledger, community, name=n) for n in ("甲", "乙", "丙"))
    for v in (holder, busy, free):
        ledger.sign_up(full, v, Actor.volunteer(v))
    ledger.sign_up(same_time, busy, Actor.volunteer(busy))
    ledger.cancel_sign_up(full, holder, "临时有事", Actor.volunteer(holder))
    assert (ledger.shift(full).confirmed, ledger.shift(full).waitlist) == ([free], [busy])


def test_a_sign_up_overlapping_a_confirmed_shift_is_refused(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    morning = f.shift(ledger, activity, starts_in=timedelta(days=1), hours=2)
    overlapping = f.shift(ledger, activity, starts_in=timedelta(days=1, hours=1), hours=2)
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(morning, volunteer, Actor.volunteer(volunteer))
    with pytest.raises(SignUpRefusedError, match="overlaps"):
        ledger.sign_up(overlapping, volunteer, Actor.volunteer(volunteer))


def test_back_to_back_shifts_can_both_be_taken(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    morning = f.shift(ledger, activity, starts_in=timedelta(days=1), hours=2)
    next_one = f.shift(ledger, activity, starts_in=timedelta(days=1, hours=2), hours=2)
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(morning, volunteer, Actor.volunteer(volunteer))
    assert ledger.sign_up(next_one, volunteer, Actor.volunteer(volunteer)) == "confirmed"


def test_a_suspended_volunteer_cannot_sign_up(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community))
    volunteer = f.volunteer(ledger, community)
    ledger.suspend_volunteer(volunteer, "多次无故缺席", ORGANISER)
    with pytest.raises(VolunteerInactiveError):
        ledger.sign_up(shift, volunteer, ORGANISER)


def test_a_sign_up_without_the_required_skills_is_refused(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), required_skills=["急救", "驾驶"])
    volunteer = f.volunteer(ledger, community, skills=["急救"])
    with pytest.raises(SignUpRefusedError, match="驾驶"):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))


def test_a_sign_up_after_the_shift_started_is_refused(ledger, clock):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community))
    volunteer = f.volunteer(ledger, community)
    clock.set(ledger.shift(shift).starts_at)
    with pytest.raises(SignUpRefusedError, match="started"):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))


def test_raising_capacity_promotes_from_the_waitlist(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=1)
    volunteers = [f.volunteer(ledger, community, name=n) for n in ("甲", "乙", "丙")]
    for v in volunteers:
        ledger.sign_up(shift, v, Actor.volunteer(v))
    ledger.change_capacity(shift, 2, ORGANISER)
    assert ledger.shift(shift).confirmed == volunteers[:2]


def test_a_minor_registers_with_a_guardian(ledger):
    volunteer = ledger.register_volunteer(
        name="刘小雨",
        phone=f.next_phone(),
        birth_date=date(2011, 9, 1),
        home_organisation_id=f.community(ledger),
        privacy_consent=True,
        guardian_name="刘建国",
        guardian_consent=True,
    )
    assert ledger.volunteer(volunteer).guardian_name == "刘建国"


def test_a_cancelled_shift_says_it_is_cancelled_before_any_overlap(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    held = f.shift(ledger, activity, starts_in=timedelta(days=1), hours=2)
    cancelled = f.shift(ledger, activity, starts_in=timedelta(days=1, hours=1), hours=2)
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(held, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_shift(cancelled, "暴雨预警", ORGANISER)
    with pytest.raises(SignUpRefusedError, match="cancelled"):
        ledger.sign_up(cancelled, volunteer, Actor.volunteer(volunteer))


def test_a_started_shift_says_it_started_before_any_missing_skill(ledger, clock):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), required_skills=["急救"])
    volunteer = f.volunteer(ledger, community)
    clock.set(ledger.shift(shift).starts_at)
    with pytest.raises(SignUpRefusedError, match="started"):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))


def test_an_erased_volunteers_phone_number_can_be_registered_again(ledger):
    community = f.community(ledger)
    first = f.volunteer(ledger, community, phone="13911112222")
    ledger.erase_volunteer(first, "本人申请注销", ORGANISER)
    second = f.volunteer(ledger, community, name="王小红", phone="13911112222")
    assert ledger.volunteer_id_for_login("13911112222") == second


def test_erasure_closes_the_volunteers_own_account_under_the_pseudonym(ledger):
    community = f.community(ledger)
    volunteer_id = ledger.register_volunteer(
        name="李春花",
        phone=f.next_phone(),
        birth_date=date(1990, 5, 4),
        home_organisation_id=community,
        privacy_consent=True,
        password_hash="hash",
    )
    pseudonym = ledger.erase_volunteer(volunteer_id, "", Actor.volunteer(volunteer_id))
    account = ledger.account(Account.id_for_volunteer(volunteer_id))
    assert (account.is_disabled, account.display_name, account.password_hash) == (
        True,
        pseudonym,
        "",
    )
