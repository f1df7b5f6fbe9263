"""A small, realistic data set: a district's streets and communities, a few weeks of service."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from api.personal_data import ledger_for
from api.security import hash_password
from api.settings import Settings
from domain.ledger import Ledger
from domain.policy import Policy
from domain.values import Actor, WeeklyRecurrence

ADMIN = Actor.account("demo-admin")

STREETS = {"和平里街道": ["和平里社区", "青年湖社区"], "东四街道": ["东四社区", "钱粮胡同社区"]}
NAMES = [
    "王秀英",
    "李建国",
    "张桂兰",
    "刘志强",
    "陈丽华",
    "杨明",
    "赵淑珍",
    "黄伟",
    "周晓燕",
    "吴海涛",
    "徐静",
    "孙磊",
    "马玉梅",
    "朱文斌",
    "胡欣怡",
    "郭子轩",
]
ACTIVITIES = [
    ("文明劝导", "早高峰文明交通劝导", "和平里北街路口", [0, 2, 4], time(7, 30), time(9, 0)),
    ("义诊", "社区义诊：量血压、测血糖", "社区卫生服务站", [5], time(9, 0), time(11, 30)),
    ("爱心理发", "为高龄老人上门理发", "社区活动室", [3], time(14, 0), time(16, 0)),
    ("理论宣讲", "新时代文明实践理论宣讲", "新时代文明实践站", [1], time(19, 0), time(20, 30)),
]
#: Who to call about each of the activities above (invented names and numbers).
CONTACTS = [
    "李老师 010-6401 2345",
    "王医生 010-6402 1188",
    "张阿姨 010-6403 5520",
    "赵书记 010-6404 7766",
]


class DemoRefusedError(Exception):
    """The demo only fills an empty store."""


class DemoClock:
    """The demo replays a few weeks of history, so it moves its own clock forward."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class DemoSummary:
    organisations: int = 0
    volunteers: int = 0
    shifts: list[str] = field(default_factory=list)
    approved_records: int = 0
    pending_records: int = 0
    approved: dict[UUID, list[UUID]] = field(default_factory=dict)
    """Approved record ids by volunteer."""
    certificate: str | None = None
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    """(role, login, password) of the demo accounts, each its own password: printed once,
    stored only hashed. The demo volunteer comes last."""
    open_shifts: int = 0
    """Shifts still to come with places left, so a new volunteer can sign up at once."""


def load_demo(
    settings: Settings, *, weeks: int = 3, seed: int = 7, progress: Callable[[str], None] = print
) -> DemoSummary:
    """Fill an empty store with ``weeks`` of past service and a week of shifts to come."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    clock = DemoClock(today - timedelta(weeks=weeks, days=1))
    ledger = ledger_for(settings, clock=clock, policy=Policy())
    rng = random.Random(seed)
    summary = DemoSummary()
    try:
        if ledger.recorder.max_notification_id():
            raise DemoRefusedError(
                "the store already holds events; the demo fills only an empty one"
            )
        district = ledger.create_organisation(name="东城区", kind="district", actor=ADMIN)
        communities = []
        for street_name, community_names in STREETS.items():
            street = ledger.create_organisation(
                name=street_name, kind="street", parent_id=district, actor=ADMIN
            )
            for name in community_names:
                communities.append(
                    ledger.create_organisation(
                        name=name, kind="community", parent_id=street, actor=ADMIN
                    )
                )
        summary.organisations = 1 + len(STREETS) + len(communities)
        progress(f"organisations: {summary.organisations}")
        passwords = {role: secrets.token_urlsafe(9) for role in ("admin", "organiser", "volunteer")}
        ledger.create_staff_account(
            username="demo.admin",
            display_name="演示管理员",
            password_hash=hash_password(passwords["admin"]),
            is_admin=True,
            actor=ADMIN,
        )
        organiser = ledger.create_staff_account(
            username="demo.organiser",
            display_name="东城区组织员",
            password_hash=hash_password(passwords["organiser"]),
            organisation_id=district,
            actor=ADMIN,
        )
        # The organiser acts as the real account, so the audit trail and supervision ledger
        # name it; it approves records made from attendance, whose second party is the
        # volunteer's own check-in (see ServiceRecord).
        as_organiser = Actor.account(organiser)
        summary.logins += [
            ("admin", "demo.admin", passwords["admin"]),
            ("organiser of 东城区", "demo.organiser", passwords["organiser"]),
        ]
        # The other volunteers fill the rosters; their password is printed nowhere.
        others_hash = hash_password(secrets.token_urlsafe(12))

        volunteers = []
        for i, name in enumerate(NAMES):
            volunteers.append(
                ledger.register_volunteer(
                    name=name,
                    phone=f"139{10000000 + i * 7919:08d}",
                    birth_date=date(1950 + (i * 3) % 50, 1 + i % 12, 1 + i % 27),
                    home_organisation_id=communities[i % len(communities)],
                    skills=["急救"] if i % 3 == 0 else [],
                    privacy_consent=True,
                    password_hash=hash_password(passwords["volunteer"]) if i == 0 else others_hash,
                )
            )
        summary.volunteers = len(volunteers)
        summary.logins.append(
            (
                "volunteer " + NAMES[0],
                ledger.volunteer(volunteers[0]).live_phone,
                passwords["volunteer"],
            )
        )
        progress(f"volunteers: {summary.volunteers}")

        first_day = clock.now.date() + timedelta(days=1)
        last_day = today.date() + timedelta(days=7)
        for index, (category, title, location, weekdays, start, end) in enumerate(ACTIVITIES):
            organiser_community = communities[index % len(communities)]
            activity = ledger.create_activity(
                title=title,
                category=category,
                organisation_id=organiser_community,
                location=location,
                description=title,
                actor=as_organiser,
                contact=CONTACTS[index],
            )
            shifts = ledger.add_recurring_shifts(
                activity,
                WeeklyRecurrence(frozenset(weekdays), first_day, last_day, start, end),
                capacity=CAPACITY,
                actor=as_organiser,
            )
            for shift in shifts:
                for volunteer in _sign_ups(ledger.shift(shift).starts_at, today, volunteers, rng):
                    ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
            summary.shifts += [str(s) for s in shifts]
        summary.open_shifts = _open_shifts(ledger, summary.shifts)
        progress(f"shifts: {len(summary.shifts)}, {summary.open_shifts} to come with places left")
        _serve_past_shifts(ledger, clock, today, rng, summary, as_organiser)
        progress(
            f"service records: {summary.approved_records} approved, "
            f"{summary.pending_records} pending"
        )
        if summary.approved.get(volunteers[0]):
            certificate = ledger.issue_certificate(
                issuer_id=district,
                volunteer_id=volunteers[0],
                record_ids=summary.approved[volunteers[0]],
                person_in_charge="张主任",
                handler="李干事",
                contact="010-64000000",
                actor=as_organiser,
            )
            summary.certificate = ledger.certificate_number_of(certificate)
            progress(f"certificate: {summary.certificate} for {NAMES[0]}")
    finally:
        ledger.close()
    return summary


#: Places on each demo shift; past shifts had one more sign-up (a waitlist), shifts to come
#: have places left, so whoever tries the demo can sign up at once.
CAPACITY = 4
FUTURE_SIGN_UPS = 2


def _sign_ups(
    starts_at: datetime, today: datetime, volunteers: list[UUID], rng: random.Random
) -> list[UUID]:
    """Who signs up for a shift: a full roster and a waitlist for a past one; for one still to
    come two others, which leaves places, the demo volunteer's among them (it is first)."""
    if starts_at < today + timedelta(days=1):
        return rng.sample(volunteers, CAPACITY + 1)
    return rng.sample(volunteers[1:], FUTURE_SIGN_UPS)


def _open_shifts(ledger: Ledger, shift_ids: list[str]) -> int:
    now = datetime.now(UTC)
    shifts = (ledger.shift(UUID(s)) for s in shift_ids)
    return sum(1 for s in shifts if s.starts_at > now and s.places_left)


def _serve_past_shifts(
    ledger: Ledger,
    clock: DemoClock,
    today: datetime,
    rng: random.Random,
    summary: DemoSummary,
    organiser: Actor,
) -> None:
    """Walk the clock through the past shifts: check-ins, sheets, no-shows and approvals."""
    shifts = sorted((ledger.shift(UUID(s)) for s in summary.shifts), key=lambda s: s.starts_at)
    for shift in shifts:
        if shift.ends_at > today:
            break
        for volunteer in shift.confirmed:
            roll = rng.random()
            if roll < 0.1:
                clock.now = shift.starts_at + timedelta(minutes=30)
                ledger.mark_no_show(shift.id, volunteer, "未到岗且未请假", organiser)
                continue
            clock.now = shift.starts_at - timedelta(minutes=rng.randint(0, 15))
            ledger.check_in(shift.id, volunteer, Actor.volunteer(volunteer))
            clock.now = shift.ends_at + timedelta(minutes=rng.randint(-10, 10))
            record = ledger.check_out(shift.id, volunteer, Actor.volunteer(volunteer))
            if record is None:
                continue
            if shift.ends_at < today - timedelta(days=3):
                clock.now = shift.ends_at + timedelta(days=1)
                ledger.approve_record(record, organiser)
                summary.approved_records += 1
                summary.approved.setdefault(volunteer, []).append(record)
            else:
                summary.pending_records += 1
    clock.now = datetime.now(UTC)
