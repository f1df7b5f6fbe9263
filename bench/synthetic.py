"""A realistic event stream made fast, for the projection benchmark and the crash tests.

Commands store a few hundred events a second; a million that way takes the better part of an
hour. This drives the aggregates in memory instead — a district's streets and communities,
volunteers, activities, shifts with sign-ups, a waitlist and cancellations, attendance, and
service records recorded, approved, rejected and corrected — and stores their events in large
batches. The events are those the commands would store, in an order they could have stored
them; the rules that span aggregates (no overlapping shifts, no time counted twice) hold by
construction rather than by checking.

Longer than 300 lines on purpose: it is one story, told by one ``_World`` whose steps share its
random stream and the aggregates still in play; cut into files, a reader would follow a shift
from sign-up to approval across them. It is a benchmark tool, not part of the service.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.activity import Activity
from domain.attendance import Attendance
from domain.ledger import Ledger
from domain.organisation import Organisation
from domain.policy import Policy
from domain.service_record import RecordSource, ServiceRecord
from domain.shift import Shift, SignUpStatus
from domain.timesheet import Timesheet
from domain.unique_key import UniqueKey
from domain.values import (
    Actor,
    TimeRange,
    derived_id,
    local_date,
    volunteer_number_from,
)
from domain.volunteer import Volunteer

ADMIN = Actor.account("synthetic-admin")
ORGANISER = Actor.account("synthetic-organiser")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_NAMES = ("秀英", "桂英", "建国", "志强", "丽娟", "海燕", "春花", "国庆", "小明", "晓红")
ACTIVITIES = (
    ("早高峰文明交通劝导", "文明劝导"),
    ("社区义诊", "义诊"),
    ("敬老院助老服务", "助老助残"),
    ("河道环境清洁", "环境保护"),
    ("法律咨询进社区", "法律援助"),
    ("独居老人走访慰问", "走访慰问"),
)
SHIFT_SPACING = timedelta(minutes=40)
SHIFT_LENGTH = timedelta(hours=2)


@dataclass
class _Community:
    organisation: Organisation
    volunteers: list[UUID] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


class _World:
    """The aggregates still in play, and the stories that change them."""

    def __init__(self, seed: int | None, expected_events: int) -> None:
        self.rng = random.Random(seed)
        self.policy = Policy()
        self.expected_events = expected_events
        self.next_start = datetime(2025, 1, 6, 0, 30, tzinfo=UTC)
        self.communities: list[_Community] = []
        self.volunteers: dict[UUID, Volunteer] = {}
        self.timesheets: dict[UUID, Timesheet] = {}
        self.pending: deque[ServiceRecord] = deque()
        self.numbers: set[str] = set()
        self.phones: set[str] = set()

    def stories(self) -> Iterator[list[Aggregate]]:
        """Each item: the aggregates one command would save together."""
        yield from self._organisations()
        per_community = max(10, self.expected_events // 400 // len(self.communities))
        for community in self.communities:
            for title, category in ACTIVITIES[: self.rng.randint(2, len(ACTIVITIES))]:
                yield [self._activity(community, title, category)]
            for _ in range(per_community):
                yield self._register(community)
        while True:
            community = self.rng.choice(self.communities)
            if self.rng.random() < 0.05:
                yield self._register(community)
            if self.rng.random() < 0.02:
                yield from self._profile_change()
            yield from self._shift(community, self.rng.choice(community.activities))
            while len(self.pending) > 40:
                yield from self._decide(self.pending.popleft())

    def _organisations(self) -> Iterator[list[Aggregate]]:
        district = Organisation.create(
            id=uuid4(), name="东城区", kind="district", parent=None, actor=ADMIN
        )
        yield [district]
        for s in range(4):
            street = Organisation.create(
                id=uuid4(), name=f"第{s + 1}街道", kind="street", parent=district, actor=ADMIN
            )
            yield [street, district]
            for c in range(5):
                community = Organisation.create(
                    id=uuid4(),
                    name=f"第{s + 1}街道第{c + 1}社区",
                    kind="community",
                    parent=street,
                    actor=ADMIN,
                )
                self.communities.append(_Community(community))
                yield [community, street]

    def _activity(self, community: _Community, title: str, category: str) -> Activity:
        activity = Activity.create(
            id=uuid4(),
            title=title,
            category=category,
            organisation=community.organisation,
            location=f"{community.organisation.name}活动室",
            description=title,
            policy=self.policy,
            actor=ORGANISER,
        )
        community.activities.append(activity)
        return activity

    def _register(self, community: _Community) -> list[Aggregate]:
        volunteer_id = uuid4()
        actor = Actor.volunteer(volunteer_id)
        phone = _fresh(
            self.phones, lambda: f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"
        )
        number = _fresh(self.numbers, lambda: volunteer_number_from(self.rng.randrange(10**8)))
        phone_key = UniqueKey.open("phone", phone, actor)
        number_key = UniqueKey.open("volunteer-number", number, actor)
        volunteer = Volunteer.register(
            id=volunteer_id,
            volunteer_number=number,
            name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES),
            phone=phone,
            birth_date=date(self.rng.randint(1950, 2005), self.rng.randint(1, 12), 1),
            home_organisation_id=community.organisation.id,
            skills=self.rng.sample(
                ["急救", "摄影", "驾驶", "手语", "外语"], self.rng.randint(0, 2)
            ),
            privacy_consent=True,
            guardian_name=None,
            guardian_consent=False,
            today=date(2025, 1, 1),
            policy=self.policy,
            actor=actor,
        )
        phone_key.claim(volunteer_id, actor)
        number_key.claim(volunteer_id, actor)
        self.volunteers[volunteer_id] = volunteer
        community.volunteers.append(volunteer_id)
        return [volunteer, phone_key, number_key]

    def _profile_change(self) -> Iterator[list[Aggregate]]:
        volunteer = self.volunteers[self.rng.choice(list(self.volunteers))]
        if self.rng.random() < 0.5:
            volunteer.change_listing(
                public=not volunteer.listed_publicly, guardian_consent=False, actor=ORGANISER
            )
        else:
            skills = [*volunteer.skills, f"技能{self.rng.randrange(1000)}"]
            volunteer.change_profile(name=None, phone=None, skills=skills, actor=ORGANISER)
        yield [volunteer]

    def _timesheet(self, volunteer_id: UUID) -> tuple[Timesheet, bool]:
        timesheet = self.timesheets.get(volunteer_id)
        if timesheet is None:
            timesheet = Timesheet.open(volunteer_id, ORGANISER)
            self.timesheets[volunteer_id] = timesheet
            return timesheet, True
        return timesheet, False

    def _shift(self, community: _Community, activity: Activity) -> Iterator[list[Aggregate]]:
        start = self.next_start
        self.next_start += SHIFT_SPACING
        time = TimeRange(start, start + SHIFT_LENGTH)
        now = start - timedelta(days=3)
        shift = Shift.schedule(
            id=uuid4(),
            activity=activity,
            time=time,
            capacity=self.rng.randint(3, 6),
            location=None,
            required_skills=[],
            now=now,
            actor=ORGANISER,
        )
        yield [activity, shift]
        candidates = self.rng.sample(community.volunteers, min(8, len(community.volunteers)))
        for volunteer_id in candidates[: self.rng.randint(3, 8)]:
            timesheet, _ = self._timesheet(volunteer_id)
            if timesheet.clashing_shift(time) is not None:
                continue
            actor = Actor.volunteer(volunteer_id)
            if shift.sign_up(volunteer_id, now=now, actor=actor) == SignUpStatus.CONFIRMED:
                timesheet.hold_shift(shift.id, time, actor)
                yield [shift, timesheet]
            else:
                yield [shift]
        if shift.confirmed and self.rng.random() < 0.15:
            yield self._cancel_sign_up(shift, self.rng.choice(shift.confirmed), now)
        if self.rng.random() < 0.02:
            confirmed = list(shift.confirmed)
            shift.cancel(reason="天气原因取消", now=now, actor=ORGANISER)
            for volunteer_id in confirmed:
                self.timesheets[volunteer_id].release_shift(shift.id, ORGANISER)
            yield [shift, *(self.timesheets[v] for v in confirmed)]
            return
        for volunteer_id in list(shift.confirmed):
            yield from self._attend(community, activity, shift, volunteer_id)

    def _cancel_sign_up(self, shift: Shift, volunteer_id: UUID, now: datetime) -> list[Aggregate]:
        actor = Actor.volunteer(volunteer_id)
        shift.cancel_sign_up(volunteer_id, reason="临时有事", now=now, actor=actor)
        timesheet = self.timesheets[volunteer_id]
        timesheet.release_shift(shift.id, actor)
        changed: list[Aggregate] = [shift, timesheet]
        for waiting in list(shift.waitlist):
            if shift.places_left == 0:
                break
            other = self.timesheets[waiting]
            if other.clashing_shift(shift.time, apart_from=shift.id) is None:
                shift.promote(waiting, ORGANISER)
                other.hold_shift(shift.id, shift.time, ORGANISER)
                changed.append(other)
        return changed

    def _attend(
        self, community: _Community, activity: Activity, shift: Shift, volunteer_id: UUID
    ) -> Iterator[list[Aggregate]]:
        actor = Actor.volunteer(volunteer_id)
        attendance = Attendance.open(shift.id, volunteer_id, actor)
        arrived = shift.starts_at + timedelta(minutes=self.rng.randint(-20, 15))
        attendance.check_in(arrived, actor)
        yield [attendance]
        left = shift.ends_at + timedelta(minutes=self.rng.randint(-15, 20))
        attendance.check_out(
            left, deadline=shift.ends_at + self.policy.check_out_grace, actor=actor
        )
        served = attendance.attended
        time = TimeRange(max(served.start, shift.starts_at), min(served.end, shift.ends_at))
        record = ServiceRecord.record(
            id=derived_id("attendance-record", attendance.id),
            volunteer_id=volunteer_id,
            activity_id=activity.id,
            organisation_id=community.organisation.id,
            shift_id=shift.id,
            source=RecordSource.ATTENDANCE,
            time=time,
            service_date=local_date(time.start, community.organisation.timezone),
            minutes=self.policy.rounded(served.intersection_minutes(shift.time)),
            description=activity.title,
            beneficiary=None,
            needs_review=attendance.needs_review,
            actor=actor,
        )
        timesheet = self.timesheets[volunteer_id]
        timesheet.count(
            record.id,
            time,
            record.service_date,
            record.minutes,
            self.policy.daily_cap_minutes,
            actor,
        )
        self.pending.append(record)
        yield [attendance, record, timesheet]

    def _decide(self, record: ServiceRecord) -> Iterator[list[Aggregate]]:
        roll = self.rng.random()
        timesheet = self.timesheets[record.volunteer_id]
        if roll < 0.05:
            record.reject("未按要求签到", ORGANISER)
            timesheet.uncount(record.id, ORGANISER)
            yield [record, timesheet]
            return
        record.approve(ORGANISER)
        yield [record]
        if roll > 0.92:
            minutes = max(record.minutes - self.rng.randint(10, 40), 30)
            if minutes < record.minutes:  # a raise needs the volunteer's request (below)
                record.correct(minutes, "核对签到表后更正", ORGANISER)
                timesheet.recount(
                    record.id, record.minutes, self.policy.daily_cap_minutes, ORGANISER
                )
                yield [record, timesheet]
        elif roll > 0.90:
            volunteer = Actor.volunteer(record.volunteer_id)
            record.request_correction(record.minutes + 30, "实际服务时间更长", volunteer)
            yield [record]
            record.accept_correction_request(None, "核实无误", ORGANISER)
            timesheet.recount(record.id, record.minutes, self.policy.daily_cap_minutes, ORGANISER)
            yield [record, timesheet]


def _fresh(used: set[str], draw: Callable[[], str]) -> str:
    value = draw()
    while value in used:
        value = draw()
    used.add(value)
    return value


def synthetic_events(expected: int, *, seed: int | None = None) -> Iterator[list[Any]]:
    """The events of one command at a time, endlessly; ``expected`` sizes the population.

    Each seed gives the same stream (but for ids and timestamps); without one, phone and
    volunteer numbers are drawn afresh, so that streams can be added to a store that has some.
    """
    world = _World(seed, expected)
    for aggregates in world.stories():
        events: list[Any] = []
        for aggregate in aggregates:
            events += aggregate.collect_events()
        if events:
            yield events


def generate(
    ledger: Ledger,
    events: int,
    *,
    seed: int | None = None,
    batch: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Store at least ``events`` events (whole commands only) in batches; returns how many."""
    stored = 0
    pending: list[Any] = []
    for command_events in synthetic_events(events, seed=seed):
        pending += command_events
        if len(pending) >= batch or stored + len(pending) >= events:
            ledger.events.put(pending)
            stored += len(pending)
            pending = []
            if progress is not None:
                progress(stored)
            if stored >= events:
                break
    return stored
