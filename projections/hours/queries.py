"""Queries over the hours read model: a volunteer's summary, leaderboards, organisation rankings.

They join the directory (names, home organisations, listing preferences) and walk the
organisation tree with a recursive query; both SQLite and PostgreSQL run them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from domain.periods import Period, periods_of
from domain.policy import place_organisations, star_level
from projections.hours.totals import EVERY_CATEGORY
from projections.stores.protocol import ViewStore

SUBTREE = (
    "subtree(id) AS (SELECT id FROM dir_organisations WHERE id = ? "
    "UNION ALL SELECT o.id FROM dir_organisations o JOIN subtree s ON o.parent_id = s.id)"
)


def _period_filter(period: Period) -> tuple[str, list[Any]]:
    if period.kind == "all":
        return "", []
    return f" AND r.{period.kind} = ?", [period.text]


def volunteer_summary(
    views: ViewStore, volunteer_id: str, today: date, star_minutes: Sequence[int]
) -> dict[str, Any]:
    """Approved minutes in total, this year and this bi-month, by category; pending apart."""
    periods = periods_of(today)
    [(total, year, bimonth, pending, pending_count)] = views.query(
        "SELECT "
        "COALESCE(SUM(CASE WHEN status = 'approved' THEN minutes END), 0), "
        "COALESCE(SUM(CASE WHEN status = 'approved' AND year = ? THEN minutes END), 0), "
        "COALESCE(SUM(CASE WHEN status = 'approved' AND bimonth = ? THEN minutes END), 0), "
        "COALESCE(SUM(CASE WHEN status = 'pending' THEN minutes END), 0), "
        "COUNT(CASE WHEN status = 'pending' THEN 1 END) "
        "FROM hours_records WHERE volunteer_id = ?",
        (periods["year"], periods["bimonth"], volunteer_id),
    )
    categories = views.query(
        "SELECT category, SUM(minutes) FROM hours_records "
        "WHERE volunteer_id = ? AND status = 'approved' GROUP BY category ORDER BY category",
        (volunteer_id,),
    )
    return {
        "approved_minutes": int(total),
        "this_year": {"period": periods["year"], "approved_minutes": int(year)},
        "this_bimonth": {"period": periods["bimonth"], "approved_minutes": int(bimonth)},
        "by_category": [{"category": c, "approved_minutes": int(m)} for c, m in categories],
        "pending_minutes": int(pending),
        "pending_records": int(pending_count),
        **star_level(int(total), star_minutes),
    }


@dataclass(frozen=True)
class Board:
    entries: list[dict[str, Any]]
    next_after: tuple[str, str] | None


def leaderboard(
    views: ViewStore,
    organisation_id: str,
    period: Period,
    *,
    category: str | None,
    public_as_of: date | None,
    adult_born_by: date | None,
    limit: int,
    after: tuple[str, str] | None,
) -> Board:
    """Volunteers whose home organisation is in the subtree, ranked by approved minutes.

    Competition ranking (1, 2, 2, 4); equal minutes are listed by volunteer number. The
    minutes are the totals the projection keeps (``projections.hours.totals``). With
    ``public_as_of`` only those shown publicly are ranked: active, not opted out, and adults
    (born by ``adult_born_by``, ``domain.policy.adult_born_by``) unless a guardian consented.
    """
    visible = ""
    visible_params: list[Any] = []
    if public_as_of is not None:
        visible = (
            " AND v.status = 'active' AND v.listed_publicly = 1"
            " AND (v.birth_date <= ? OR v.guardian_listing_consent = 1)"
        )
        visible_params = [(adult_born_by or public_as_of).isoformat()]
    # The ranked rows, read in the order of the index on (period, category, minutes DESC):
    # a page reads its own rows and stops, instead of ranking the whole district first (at
    # 1,000,000 events a ranking of every volunteer took 160 ms a request; docs/benchmarks.md).
    ranked = (
        f"WITH RECURSIVE {SUBTREE} SELECT {{columns}} "
        "FROM hours_totals t JOIN dir_volunteers v ON v.id = t.volunteer_id "
        "WHERE t.period = ? AND t.category = ? AND t.minutes >= {least} "
        f"AND v.organisation_id IN (SELECT id FROM subtree){visible}"
    )
    params = [
        organisation_id,
        period.text,
        EVERY_CATEGORY if category is None else category,
        *visible_params,
    ]
    page = ""
    page_params: list[Any] = []
    if after is not None:
        # ``t.minutes <= ?`` keeps the read on the index's range; the rest is the tie-break.
        page = " AND t.minutes <= ? AND (t.minutes < ? OR v.volunteer_number > ?)"
        page_params = [int(after[0]), int(after[0]), after[1]]
    rows = views.query(
        ranked.format(columns="v.id, v.volunteer_number, v.name, t.minutes", least="1")
        + f"{page} ORDER BY t.minutes DESC, v.volunteer_number LIMIT ?",
        [*params, *page_params, limit + 1],
    )
    # Competition ranking: one more than the ranked volunteers with more minutes. Before a
    # page after the first, two counts: those with more minutes than the cursor's, and those
    # listed before the page (the cursor's ties up to it as well). A volunteer on the page tied
    # with the cursor ranks after the first count; any other after the second, plus those on
    # the page above their own minutes.
    greater = before = 0
    if rows and after is not None:
        [(greater, before)] = views.query(
            # One lower bound on the index's range (minutes are whole and above 0): with two,
            # SQLite would range over one and check the other row by row.
            ranked.format(
                columns="COALESCE(SUM(CASE WHEN t.minutes > ? THEN 1 END), 0), COUNT(*)",
                least=str(max(int(after[0]), 1)),
            )
            + " AND (t.minutes > ? OR v.volunteer_number <= ?)",
            # The subtree's parameter comes first in the text, then the column's.
            [params[0], int(after[0]), *params[1:], int(after[0]), after[1]],
        )
    ranks: list[int] = []
    for place, (_, _, _, minutes) in enumerate(rows):
        if place and minutes == rows[place - 1][3]:
            ranks.append(ranks[-1])
        elif after is not None and minutes == int(after[0]):
            ranks.append(int(greater) + 1)
        else:
            ranks.append(int(before) + place + 1)
    rows = [(*row, rank) for row, rank in zip(rows, ranks, strict=True)]
    entries = [
        {
            "rank": int(rank),
            "volunteer_id": vid,
            "volunteer_number": number,
            "name": name,
            "approved_minutes": int(minutes),
        }
        for vid, number, name, minutes, rank in rows
    ]
    next_after = None
    if len(entries) > limit:
        entries = entries[:limit]
        next_after = (str(entries[-1]["approved_minutes"]), entries[-1]["volunteer_number"])
    return Board(entries, next_after)


def organisation_standing(views: ViewStore, organisation_id: str, period: Period) -> dict[str, Any]:
    """One organisation's subtree: active volunteers, approved minutes, participants.

    The minutes of volunteers erased since count too (their service stays the organisation's);
    they are no longer among its active volunteers or participants."""
    where, params = _period_filter(period)
    [(active,)] = views.query(
        f"WITH RECURSIVE {SUBTREE} SELECT COUNT(*) FROM dir_volunteers "
        "WHERE status = 'active' AND organisation_id IN (SELECT id FROM subtree)",
        (organisation_id,),
    )
    [(participants, minutes)] = views.query(
        f"WITH RECURSIVE {SUBTREE} SELECT "
        "COUNT(DISTINCT CASE WHEN v.status = 'active' THEN r.volunteer_id END), "
        "COALESCE(SUM(r.minutes), 0) FROM hours_records r "
        "JOIN dir_volunteers v ON v.id = r.volunteer_id "
        "WHERE r.status = 'approved' AND v.status IN ('active', 'erased') "
        f"AND v.organisation_id IN (SELECT id FROM subtree){where}",
        [organisation_id, *params],
    )
    return {
        "active_volunteers": int(active),
        "participants": int(participants),
        "approved_minutes": int(minutes),
    }


def rank_children(
    views: ViewStore, children: Sequence[tuple[str, str]], period: Period, flagged: int
) -> list[dict[str, Any]]:
    """Child organisations by approved minutes per active volunteer, then participation.

    ``domain.policy.place_organisations`` is the rule: a child with no approved service in
    the period is unranked; equal scores share a rank and a class; the top ``flagged`` are
    the red list, the bottom ``flagged`` (not already red) the black list. Ratios are
    compared exactly and shown as whole minutes and whole percent. Ranked children come
    first, by rank then name; the unranked follow by name.
    """
    rows, scores = [], []
    for child_id, name in children:
        standing = organisation_standing(views, child_id, period)
        active = standing["active_volunteers"]
        per_volunteer = Fraction(standing["approved_minutes"], active) if active else Fraction(0)
        participation = Fraction(standing["participants"], active) if active else Fraction(0)
        scores.append((per_volunteer, participation) if standing["approved_minutes"] else None)
        rows.append(
            {
                "organization_id": child_id,
                "name": name,
                **standing,
                "minutes_per_active_volunteer": int(per_volunteer),
                "participation_percent": int(participation * 100),
            }
        )
    placed = [
        {**row, "rank": placing.rank, "list": placing.list, "standing": placing.standing}
        for row, placing in zip(rows, place_organisations(scores, flagged), strict=True)
    ]
    return sorted(placed, key=lambda row: (row["rank"] is None, row["rank"] or 0, row["name"]))


def certifiable_records(
    views: ViewStore, volunteer_id: str, issuer_id: str, first_day: date, last_day: date
) -> list[str]:
    """Approved records of the volunteer in the date range that the issuer's subtree organised."""
    rows = views.query(
        f"WITH RECURSIVE {SUBTREE} SELECT r.id FROM hours_records r "
        "WHERE r.volunteer_id = ? AND r.status = 'approved' "
        "AND r.service_date >= ? AND r.service_date <= ? "
        "AND r.organisation_id IN (SELECT id FROM subtree) ORDER BY r.service_date, r.id",
        (issuer_id, volunteer_id, first_day.isoformat(), last_day.isoformat()),
    )
    return [row[0] for row in rows]
