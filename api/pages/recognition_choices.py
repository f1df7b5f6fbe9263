"""What the recognition page offers to pick: periods in the API's syntax, and the published
lists of a year (found by their derived ids: one list per organisation, period, category)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from api.deps import Services
from api.pages.choices import Choice
from api.pages.period_names import period_name
from api.routes.recognition_lists import RecognitionListPublic, get_list
from domain.errors import NotFoundError
from domain.periods import CURRENT, Period
from domain.recognition import RecognitionList


def period_choices(
    today: date, picked: Period, language: str, current_label: str, all_label: str
) -> list[Choice]:
    """The current two-month cycle, all time, then this year and last year, each followed by
    its two-month cycles (those begun by today); the picked period too if it is not there.
    Each is named in ``language``."""
    choices = [Choice(CURRENT, current_label), Choice("all", all_label)]
    for year in (today.year, today.year - 1):
        periods = [Period.parse(str(year))] + [
            Period.parse(f"{year}-B{n}") for n in range(1, 7) if date(year, 2 * n - 1, 1) <= today
        ]
        choices += [Choice(p.text, period_name(p, language)) for p in periods]
    if picked.text not in {c.value for c in choices} and picked.kind != "all":
        choices.append(Choice(picked.text, period_name(picked, language)))
    return choices


def published_lists(
    services: Services, organisation_id: UUID, year: int, category: str | None
) -> list[RecognitionListPublic]:
    """The lists published for the organisation and category for all time, the year, its
    two-month cycles and its months, newest period first, each as the API shows it."""
    texts = ["all", str(year)]
    texts += [f"{year}-B{n}" for n in range(1, 7)]
    texts += [f"{year}-{n:02d}" for n in range(1, 13)]
    found = []
    for text in texts:
        try:
            found.append(
                get_list(RecognitionList.id_for(organisation_id, text, category), services)
            )
        except NotFoundError:
            continue
    return sorted(found, key=lambda published: published.publicity_ends_at, reverse=True)
