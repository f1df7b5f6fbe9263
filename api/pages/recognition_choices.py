"""What the recognition page offers to pick: periods in the API's syntax, and an
organisation's newest published lists."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from api.deps import Services
from api.pages.choices import Choice
from api.pages.period_names import period_name
from api.routes.recognition_lists import RecognitionListSummary, list_lists
from domain.periods import CURRENT, Period

#: How many of an organisation's newest lists the page shows.
LISTS_SHOWN = 20


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
    services: Services, organisation_id: UUID, category: str | None
) -> list[RecognitionListSummary]:
    """The newest lists the organisation published, for any period (of the category when one
    is picked), as the API lists them."""
    return list_lists(
        services,
        organization_id=organisation_id,
        year=None,
        period=None,
        category=category,
        final=None,
        limit=LISTS_SHOWN,
        cursor=None,
        min_position=None,
    ).items
