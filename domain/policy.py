"""The configurable rules of a deployment: ages, categories, rounding, caps and grace periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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
    corrected a record approve it without a second party, for a station with one worker (the
    approval event says so); off, the second-party rule holds (see ``ServiceRecord``).
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
