from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.attendance import Attendance
from domain.errors import AttendanceError
from domain.values import Actor, TimeRange

START = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
DEADLINE = END + timedelta(minutes=30)
VOLUNTEER = Actor.volunteer(uuid4())
ORGANISER = Actor.account("organiser")


def checked_in(at: datetime = START) -> Attendance:
    attendance = Attendance.open(uuid4(), uuid4(), ORGANISER)
    attendance.check_in(at, VOLUNTEER)
    return attendance


def test_checking_in_twice_is_refused():
    attendance = checked_in()
    with pytest.raises(AttendanceError, match="already checked in"):
        attendance.check_in(START, VOLUNTEER)


def test_checking_out_without_checking_in_is_refused():
    with pytest.raises(AttendanceError, match="not checked in"):
        Attendance.open(uuid4(), uuid4(), ORGANISER).check_out(
            END, deadline=DEADLINE, actor=VOLUNTEER
        )


def test_a_check_out_before_the_check_in_is_refused():
    attendance = checked_in(START + timedelta(minutes=10))
    with pytest.raises(AttendanceError, match="before check-in"):
        attendance.check_out(START, deadline=DEADLINE, actor=ORGANISER)


def test_a_check_out_in_time_is_not_flagged():
    attendance = checked_in()
    attendance.check_out(END, deadline=DEADLINE, actor=VOLUNTEER)
    assert (attendance.checked_out_at, attendance.needs_review) == (END, False)


def test_a_late_check_out_is_closed_at_the_deadline_and_flagged():
    attendance = checked_in()
    attendance.check_out(END + timedelta(hours=9), deadline=DEADLINE, actor=VOLUNTEER)
    assert (attendance.checked_out_at, attendance.needs_review) == (DEADLINE, True)


def test_an_open_check_in_is_closed_once_overdue():
    attendance = checked_in()
    assert attendance.close_if_overdue(DEADLINE + timedelta(seconds=1), DEADLINE)
    assert attendance.needs_review


def test_an_open_check_in_is_left_alone_before_its_deadline():
    attendance = checked_in()
    assert not attendance.close_if_overdue(DEADLINE, DEADLINE)
    assert attendance.checked_out_at is None


def test_a_no_show_cannot_check_in_until_it_is_undone():
    attendance = Attendance.open(uuid4(), uuid4(), ORGANISER)
    attendance.mark_no_show("未到岗", ORGANISER, has_record=False)
    with pytest.raises(AttendanceError, match="no-show"):
        attendance.check_in(START, ORGANISER)
    attendance.undo_no_show("误标，实际到岗", ORGANISER)
    attendance.check_in(START, ORGANISER)
    assert attendance.checked_in_at == START


def test_someone_who_served_time_cannot_be_marked_a_no_show():
    with pytest.raises(AttendanceError, match="served time"):
        checked_in().mark_no_show("未到岗", ORGANISER, has_record=True)


def test_undoing_a_no_show_that_was_never_marked_is_refused():
    with pytest.raises(AttendanceError):
        Attendance.open(uuid4(), uuid4(), ORGANISER).undo_no_show("误操作", ORGANISER)


def test_a_sign_in_sheet_cannot_overwrite_attendance_that_made_a_service_record():
    attendance = checked_in()
    attendance.check_out(END, deadline=DEADLINE, actor=VOLUNTEER)
    with pytest.raises(AttendanceError, match="correct the service record"):
        attendance.record_from_sheet(TimeRange(START, END), ORGANISER, has_record=True)


def test_a_sign_in_sheet_replaces_attendance_that_made_no_record():
    attendance = checked_in(END - timedelta(seconds=30))
    attendance.check_out(END, deadline=DEADLINE, actor=VOLUNTEER)
    attendance.record_from_sheet(TimeRange(START, END), ORGANISER, has_record=False)
    assert attendance.attended == TimeRange(START, END)


def test_a_sign_in_sheet_closes_an_open_check_in():
    attendance = checked_in()
    attendance.record_from_sheet(TimeRange(START, END), ORGANISER, has_record=False)
    assert attendance.is_complete


def test_attendance_that_made_no_record_can_become_a_no_show():
    attendance = checked_in(END - timedelta(seconds=30))
    attendance.check_out(END, deadline=DEADLINE, actor=VOLUNTEER)
    attendance.mark_no_show("签到后即离开", ORGANISER, has_record=False)
    assert attendance.is_no_show


def test_an_open_check_in_cannot_become_a_no_show():
    with pytest.raises(AttendanceError, match="sign-in sheet"):
        checked_in().mark_no_show("未到岗", ORGANISER, has_record=False)


def test_checking_in_twice_says_to_check_out():
    with pytest.raises(AttendanceError, match="check out when"):
        checked_in().check_in(START, VOLUNTEER)


def test_checking_out_without_a_check_in_says_to_check_in_first():
    attendance = Attendance.open(uuid4(), uuid4(), ORGANISER)
    with pytest.raises(AttendanceError, match="check in first"):
        attendance.check_out(END, deadline=DEADLINE, actor=VOLUNTEER)
