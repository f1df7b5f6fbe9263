"""A realistic ledger built through the application's commands, deterministic from a seed.

Unlike ``bench/synthetic.py`` (aggregates driven in memory, events stored in bulk), every event
here is made by a ``Ledger`` command, opened with the store's vault and id secret as
``ledger_for`` opens it, so personal data is sealed and ids of unique values are derived
exactly as in production. The commands' saves are written a few thousand events at a time
(``bench.batched``): the same events in the same order, a million in minutes, not hours.

A clock walks through the past year: a district's streets and communities, volunteers whose
activity is long-tailed (a few sign up for almost everything, most now and then), shifts with
sign-ups, waitlists, cancellations, check-ins and no-shows, and records approved, rejected and
corrected. It then schedules the shifts the HTTP load signs up for (see ``LoadPlan``), in the
days to come.

The same seed gives the same commands in the same order, so the same mix of events (ids and
timestamps aside).
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from api.security import hash_password
from api.settings import Settings
from bench.batched import BatchedLedger, batched_ledger_for
from bench.synthetic import ACTIVITIES, GIVEN_NAMES, SURNAMES
from domain.errors import SignUpRefusedError
from domain.policy import Policy
from domain.shift import MAX_CAPACITY
from domain.values import Actor

ADMIN = Actor.account("bench-admin")
ORGANISER_LOGIN = "bench.organiser"
#: Events a past shift stores on average (sign-ups, attendance, records, decisions).
EVENTS_PER_SHIFT = 24


@dataclass(frozen=True)
class LoadPlan:
    """The shifts to come that the HTTP load signs up for: per run, ``spread`` shifts with room
    for everyone, and one hot shift whose few places fill at once (the rest is waitlisted)."""

    runs: int = 3
    spread: int = 30
    hot_capacity: int = 20
    #: The least number of volunteers the loads sign up. A hot round sends one sign-up per
    #: volunteer, so it lasts its whole time only with more volunteers than the service signs
    #: up in that time (a few hundred a second): with fewer, its rate would be a count.
    volunteers: int = 1_500


@dataclass
class BuiltLedger:
    """What the benchmark needs to know about the ledger it built."""

    store: str
    events: int
    commands: Counter[str]
    organiser_login: str
    organiser_password: str
    district: UUID
    volunteers: list[UUID]
    #: Per run of the load: the spread shifts and the hot shift.
    spread_shifts: list[list[UUID]] = field(default_factory=list)
    hot_shifts: list[UUID] = field(default_factory=list)
    #: Shifts for the memory soak's write phases, as many as the spread ones of a run.
    soak_shifts: list[UUID] = field(default_factory=list)


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class _Builder:
    def __init__(self, ledger: BatchedLedger, clock: _Clock, seed: int, target: int) -> None:
        self.ledger, self.clock, self.rng, self.target = ledger, clock, random.Random(seed), target
        self.commands: Counter[str] = Counter()
        self.pending: deque[tuple[UUID, UUID]] = deque()  # (record, volunteer)
        self.communities: list[tuple[UUID, list[UUID], list[float], list[UUID]]] = []
        self.volunteers: list[UUID] = []
        self.organiser = ADMIN

    def count(self, name: str) -> None:
        self.commands[name] += 1

    def organisations(self, organiser_password: str) -> UUID:
        ledger, streets = self.ledger, max(2, min(6, self.target // 40_000 + 2))
        district = ledger.create_organisation(name="东城区", kind="district", actor=ADMIN)
        organiser = ledger.create_staff_account(
            username=ORGANISER_LOGIN,
            display_name="东城区组织员",
            password_hash=hash_password(organiser_password),
            organisation_id=district,
            actor=ADMIN,
        )
        self.organiser = Actor.account(organiser)
        for s in range(streets):
            street = ledger.create_organisation(
                name=f"第{s + 1}街道", kind="street", parent_id=district, actor=ADMIN
            )
            for c in range(3):
                community = ledger.create_organisation(
                    name=f"第{s + 1}街道第{c + 1}社区",
                    kind="community",
                    parent_id=street,
                    actor=ADMIN,
                )
                self.communities.append((community, [], [], []))
        self.commands["create_organisation"] += 1 + streets * 4
        return district

    def people(self) -> None:
        per_community = max(12, self.target // 60 // len(self.communities))
        for community, volunteers, weights, activities in self.communities:
            for title, category in ACTIVITIES[: self.rng.randint(2, len(ACTIVITIES))]:
                activities.append(
                    self.ledger.create_activity(
                        title=title,
                        category=category,
                        organisation_id=community,
                        location="社区活动室",
                        description=title,
                        actor=self.organiser,
                    )
                )
                self.count("create_activity")
            for _ in range(per_community):
                volunteers.append(self.register(community))
                weights.append(self.rng.paretovariate(1.2))  # long-tailed activity

    def register(self, community: UUID) -> UUID:
        number = len(self.volunteers)
        volunteer = self.ledger.register_volunteer(
            name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES),
            phone=f"139{number:08d}",
            birth_date=date(self.rng.randint(1950, 2005), self.rng.randint(1, 12), 1),
            home_organisation_id=community,
            skills=self.rng.sample(["急救", "摄影", "驾驶", "手语"], self.rng.randint(0, 2)),
            privacy_consent=True,
        )
        self.count("register_volunteer")
        self.volunteers.append(volunteer)
        if self.rng.random() < 0.3:  # listed publicly unless they say otherwise
            self.ledger.change_listing(
                volunteer, public=False, guardian_consent=False, actor=Actor.volunteer(volunteer)
            )
            self.count("change_listing")
        return volunteer

    def past_shift(self, start: datetime) -> None:
        ledger, rng, organiser = self.ledger, self.rng, self.organiser
        _, volunteers, weights, activities = rng.choice(self.communities)
        self.clock.now = start - timedelta(days=3)
        capacity = rng.randint(3, 6)
        shift = ledger.add_shift(
            rng.choice(activities),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
            actor=organiser,
        )
        self.count("add_shift")
        wanted = min(len(volunteers), capacity + rng.randint(-1, 3))
        candidates = list(dict.fromkeys(rng.choices(volunteers, weights, k=wanted * 2)))
        for volunteer in candidates[:wanted]:
            try:
                ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
                self.count("sign_up")
            except SignUpRefusedError:
                self.count("sign_up refused (overlap)")
        confirmed = list(ledger.shift(shift).confirmed)
        if confirmed and rng.random() < 0.15:
            leaving = rng.choice(confirmed)
            ledger.cancel_sign_up(shift, leaving, "临时有事", Actor.volunteer(leaving))
            self.count("cancel_sign_up")
        if rng.random() < 0.02:
            ledger.cancel_shift(shift, "天气原因取消", organiser)
            self.count("cancel_shift")
            return
        self.attend(shift, start)

    def attend(self, shift: UUID, start: datetime) -> None:
        ledger, rng = self.ledger, self.rng
        for volunteer in ledger.shift(shift).confirmed:
            if rng.random() < 0.06:
                self.clock.now = start + timedelta(minutes=30)
                ledger.mark_no_show(shift, volunteer, "未到岗且未请假", self.organiser)
                self.count("mark_no_show")
                continue
            self.clock.now = start - timedelta(minutes=rng.randint(0, 15))
            ledger.check_in(shift, volunteer, Actor.volunteer(volunteer))
            self.clock.now = start + timedelta(hours=2, minutes=rng.randint(-15, 10))
            record = ledger.check_out(shift, volunteer, Actor.volunteer(volunteer))
            self.count("check_in and check_out")
            if record is not None:
                self.pending.append((record, volunteer))
        self.clock.now = start + timedelta(hours=3)
        while len(self.pending) > 20:
            self.decide(*self.pending.popleft())

    def decide(self, record: UUID, volunteer: UUID) -> None:
        ledger, organiser, roll = self.ledger, self.organiser, self.rng.random()
        if roll < 0.05:
            ledger.reject_record(record, "未按要求签到", organiser)
            self.count("reject_record")
            return
        ledger.approve_record(record, organiser)
        self.count("approve_record")
        minutes = ledger.service_record(record).minutes
        if roll > 0.93 and minutes > 60:
            ledger.correct_record(record, minutes - 30, "核对签到表后更正", organiser)
            self.count("correct_record")
        elif roll > 0.91:
            ledger.request_correction(
                record, minutes + 30, "实际服务时间更长", Actor.volunteer(volunteer)
            )
            ledger.accept_correction_request(record, "核实无误", organiser)
            self.count("request_correction and accept")

    def events(self) -> int:
        return self.ledger.made

    def load_volunteers(self, least: int) -> None:
        """Volunteers who joined lately and have served nowhere yet, in turn in each community,
        until there are ``least`` in all (the loads sign every one up)."""
        while len(self.volunteers) < least:
            self.register(self.communities[len(self.volunteers) % len(self.communities)][0])

    def load_shifts(self, plan: LoadPlan, built: BuiltLedger) -> None:
        """Shifts in the days to come, none overlapping another, capacity for everyone (spread)
        or a few places (hot)."""
        activities = self.communities[0][3]
        start = _hour(datetime.now(UTC)) + timedelta(days=2)
        self.clock.now = datetime.now(UTC)

        def shift(capacity: int) -> UUID:
            nonlocal start
            start += timedelta(hours=3)
            self.count("add_shift (load)")
            return self.ledger.add_shift(
                activities[0],
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=capacity,
                actor=self.organiser,
            )

        # Room for everyone, up to the most a shift may have (at 1,000,000 events there are
        # more volunteers than that; a load never sends that many sign-ups to one shift).
        everyone = min(len(self.volunteers), MAX_CAPACITY)
        for _ in range(plan.runs):
            built.spread_shifts.append([shift(everyone) for _ in range(plan.spread)])
            built.hot_shifts.append(shift(plan.hot_capacity))
        built.soak_shifts = [shift(everyone) for _ in range(plan.spread)]


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def build_ledger(
    settings: Settings,
    events: int,
    *,
    seed: int = 2025,
    plan: LoadPlan | None = None,
    organiser_password: str = "bench-organiser-密码-2026",
    progress: Callable[[int, int], None] | None = None,
) -> BuiltLedger:
    """Fill the (empty) store of ``settings`` with about ``events`` events through commands."""
    plan = plan or LoadPlan()
    shifts = max(10, events // EVENTS_PER_SHIFT)
    year_ago = _hour(datetime.now(UTC)) - timedelta(days=366)
    clock = _Clock(year_ago)
    ledger = batched_ledger_for(settings, clock=clock, policy=Policy())
    try:
        builder = _Builder(ledger, clock, seed, events)
        district = builder.organisations(organiser_password)
        builder.people()
        spacing = timedelta(days=360) / shifts
        start = year_ago + timedelta(days=4)
        while builder.events() < events:
            builder.past_shift(start)
            start += spacing
            if progress is not None:
                progress(builder.events(), events)
        while builder.pending:
            builder.decide(*builder.pending.popleft())
        built = BuiltLedger(
            store=settings.store_url(),
            events=0,
            commands=builder.commands,
            organiser_login=ORGANISER_LOGIN,
            organiser_password=organiser_password,
            district=district,
            volunteers=list(builder.volunteers),
        )
        builder.load_volunteers(plan.volunteers)
        built.volunteers = list(builder.volunteers)
        builder.load_shifts(plan, built)
        ledger.write()
        built.events = ledger.recorder.max_notification_id() or 0
        if progress is not None:
            progress(built.events, events)
        return built
    finally:
        ledger.close()
