"""The rules of a deployment: ages, categories, rounding, caps, grace periods, stars, and who
appears on a public list and how."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import TypedDict

from domain.errors import InvalidInputError

DEFAULT_CATEGORIES = (
    "文明劝导",
    "理论宣讲",
    "义诊",
    "法律援助",
    "爱心理发",
    "走访慰问",
    "环境保护",
    "助老助残",
    "应急救援",
    "文化服务",
    "其他",
)

DEFAULT_ORGANISATION_KINDS = (
    "district",
    "street",
    "community",
    "station",
    "grid",
    "building",
    "school",
    "department",
    "team",
    "ngo",
)


@dataclass(frozen=True)
class Policy:
    """Rules that differ between deployments; the defaults follow common practice in China.

    ``rounding_minutes`` rounds each record's minutes down to a multiple of it (1: whole
    minutes). ``daily_cap_minutes`` caps one volunteer's counted minutes per service date.
    ``check_out_grace`` is how long after a shift's end an open check-in is closed
    automatically (and flagged for review). ``check_in_early`` is how long before a shift a
    volunteer may check in themselves. ``single_organiser_approval`` lets whoever recorded or
    corrected a record approve it without a second party, and an organiser raise approved
    minutes without one, for a station with one worker (the approval or correction event says
    so); off, the second-party rule holds (see ``ServiceRecord``). ``star_minutes`` are the
    cumulative approved minutes for one star, two stars, and so on.
    """

    minimum_age: int = 14
    adult_age: int = 18
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    organisation_kinds: tuple[str, ...] = DEFAULT_ORGANISATION_KINDS
    rounding_minutes: int = 1
    daily_cap_minutes: int = 24 * 60
    check_out_grace: timedelta = timedelta(minutes=30)
    check_in_early: timedelta = timedelta(minutes=30)
    retry_attempts: int = 40
    single_organiser_approval: bool = False
    star_minutes: tuple[int, ...] = tuple(hours * 60 for hours in (100, 300, 600, 1000, 1500))

    def __post_init__(self) -> None:
        if not 0 < self.minimum_age <= self.adult_age:
            raise InvalidInputError("minimum age must be positive and not above the adult age")
        if not 1 <= self.rounding_minutes <= 60:
            raise InvalidInputError("rounding must be between 1 and 60 minutes")
        if not 1 <= self.daily_cap_minutes <= 24 * 60:
            raise InvalidInputError("the daily cap must be between 1 minute and 24 hours")
        if self.check_out_grace < timedelta(0) or self.check_in_early < timedelta(0):
            raise InvalidInputError("check-in and check-out windows cannot be negative")
        for name, values in (
            ("activity categories", self.categories),
            ("organisation kinds", self.organisation_kinds),
        ):
            if not values or any(not value.strip() for value in values):
                raise InvalidInputError(f"the {name} must be a list of non-empty names")

    def rounded(self, minutes: int) -> int:
        """Minutes rounded down to the deployment's increment."""
        return minutes - minutes % self.rounding_minutes

    def star_level(self, total_minutes: int) -> StarLevel:
        """The stars earned by a volunteer's cumulative approved minutes."""
        return star_level(total_minutes, self.star_minutes)

    def adult_born_by(self, today: date) -> date:
        """The latest birth date of someone who is an adult today."""
        return adult_born_by(today, self.adult_age)

    def require_category(self, category: str) -> None:
        if category not in self.categories:
            raise InvalidInputError(
                f"unknown activity category {category!r}; use one of: {', '.join(self.categories)}",
                category=category,
            )

    def require_organisation_kind(self, kind: str) -> None:
        if kind not in self.organisation_kinds:
            raise InvalidInputError(
                f"unknown organisation kind {kind!r}; use one of: "
                + ", ".join(self.organisation_kinds),
                kind=kind,
            )


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day`` (someone born on 29 February turns a year older on 1 March)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


class StarLevel(TypedDict):
    stars: int
    next_star_at_minutes: int | None
    minutes_to_next_star: int | None


def star_level(total_minutes: int, star_minutes: Sequence[int]) -> StarLevel:
    """Stars earned by cumulative approved minutes, and what the next star needs."""
    level = sum(1 for threshold in star_minutes if total_minutes >= threshold)
    next_threshold = star_minutes[level] if level < len(star_minutes) else None
    return {
        "stars": level,
        "next_star_at_minutes": next_threshold,
        "minutes_to_next_star": None if next_threshold is None else next_threshold - total_minutes,
    }


def adult_born_by(today: date, adult_age: int) -> date:
    """The latest birth date of someone who is an adult today (29 February → 28 February).

    A public list shows a volunteer who is active, has not opted out, and was born by this
    date, or whose guardian consented to the listing.
    """
    try:
        return today.replace(year=today.year - adult_age)
    except ValueError:
        return today.replace(year=today.year - adult_age, day=28)


def mask_name(name: str) -> str:
    """How a name shows in public: 张*明, 李*, 欧**明 (the first and last characters, the
    rest masked)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


#: How many of a volunteer number's last digits a public list shows.
SHOWN_NUMBER_DIGITS = 4


def mask_volunteer_number(number: str) -> str:
    """How a volunteer number shows in public: *****6782, the last four digits only. The
    whole number is a login, so a public list must not hand it out."""
    shown = number[-SHOWN_NUMBER_DIGITS:] if len(number) > SHOWN_NUMBER_DIGITS else ""
    return "*" * (len(number) - len(shown)) + shown


RED, BLACK, BETWEEN, UNRANKED = "red", "black", "between", "unranked"


@dataclass(frozen=True)
class Placing:
    """Where one organisation stands among its siblings: its rank (none when unranked) and its
    class: ``red`` (the red list), ``black`` (the black list), ``between`` or ``unranked``."""

    rank: int | None
    standing: str

    @property
    def list(self) -> str | None:
        """The list it is on, ``red`` or ``black``, if any."""
        return self.standing if self.standing in (RED, BLACK) else None


def place_organisations(
    scores: Sequence[tuple[Fraction, Fraction] | None], flagged: int
) -> list[Placing]:
    """The rule of the red and black lists, for sibling organisations' scores in a period.

    A score is (approved minutes per active volunteer, share of active volunteers who served);
    ``None`` means no approved service at all in the period: such an organisation is
    ``unranked``, on neither list, for there is nothing to compare. The others are ranked by
    score, higher first, with competition ranking (1, 2, 2, 4): equal scores share a rank and a
    class. The red list is those ranked within the top ``flagged`` (ties at the edge included),
    the black list those within the bottom ``flagged`` counted from below the same way, unless
    already red. Placings come back in the order of ``scores``.
    """
    if flagged < 0:
        raise InvalidInputError("the size of the red and black lists cannot be negative")
    ranked = [score for score in scores if score is not None]
    placings = []
    for score in scores:
        if score is None:
            placings.append(Placing(None, UNRANKED))
            continue
        rank = 1 + sum(1 for other in ranked if other > score)
        from_bottom = 1 + sum(1 for other in ranked if other < score)
        standing = RED if rank <= flagged else BLACK if from_bottom <= flagged else BETWEEN
        placings.append(Placing(rank, standing))
    return placings
