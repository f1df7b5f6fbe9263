"""The API's verdict on a certificate, shaped for a person: what each check is about (the
template puts it in words), and the facts the certificate itself shows (masked).

Nothing here checks anything: the verdict comes from the API's verify route, this only says
which of its checks is which, so ``verify_macros.html`` can name it in the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from api.routes.certificates import CheckPublic, VerdictPublic
from certificates import format_hours
from domain.policy import mask_name, mask_volunteer_number
from trust.credential import CertificateFacts

#: A certificate number as printed: VC, the year, nine digits.
NUMBER = re.compile(r"VC\d{13}")
#: How much of a long or odd number typed is echoed back on the not-found page.
SHOWN_CHARACTERS = 40
#: ``inclusion[3] record:…``, ``opening[0] issuance``, ``signature[eddsa-jcs-2022]``.
_BRACKETED = re.compile(r"(?P<kind>[a-z_]+)\[(?P<inner>[^\]]*)\](?: (?P<about>\S+))?")


@dataclass(frozen=True)
class CheckLine:
    """One check of the verdict: its kind (``signature``, ``record`` …), what it is about
    (a suite, ``issuance``, a record's place in the certificate), the log entry it concerns
    (``inclusion`` and ``opening``), and its outcome."""

    kind: str
    about: str
    entry: str
    passed: bool | None
    name: str
    detail: str


@dataclass(frozen=True)
class ShownFacts:
    """What the certificate itself shows, as a public page may: a masked name and the
    volunteer number's last four digits."""

    number: str
    holder: str
    volunteer_number: str
    hours: str
    issuer: str
    issued_on: date


def shown_facts(facts: CertificateFacts) -> ShownFacts:
    return ShownFacts(
        number=facts.number,
        holder=mask_name(facts.volunteer_name),
        volunteer_number=mask_volunteer_number(facts.volunteer_number),
        hours=format_hours(facts.total_minutes),
        issuer=facts.issuer_name,
        issued_on=facts.issued_on,
    )


def check_lines(verdict: VerdictPublic) -> list[CheckLine]:
    """Each check, in the verdict's order; records are named by their place (1, 2 …) in the
    order they first appear, not by their internal id."""
    places: dict[str, str] = {}
    return [_line(check, places) for check in verdict.checks]


def _line(check: CheckPublic, places: dict[str, str]) -> CheckLine:
    name = check.name
    bracketed = _BRACKETED.fullmatch(name)
    if bracketed is not None:
        kind, inner, about = bracketed["kind"], bracketed["inner"], bracketed["about"]
        if kind in ("inclusion", "opening"):
            return CheckLine(kind, _subject(about or "", places), inner, *_rest(check))
        return CheckLine(kind, inner, "", *_rest(check))
    if name.startswith("record "):
        return CheckLine("record", _place(name[len("record ") :], places), "", *_rest(check))
    return CheckLine(name, "", "", *_rest(check))


def _rest(check: CheckPublic) -> tuple[bool | None, str, str]:
    return check.passed, check.name, check.detail


def _subject(about: str, places: dict[str, str]) -> str:
    """``issuance``, or the place of the record a leaf is of (``record:<id>`` → ``2``)."""
    if about.startswith("record:"):
        return _place(about[len("record:") :], places)
    return about


def _place(record_id: str, places: dict[str, str]) -> str:
    return places.setdefault(record_id, str(len(places) + 1))


def shown_typed(typed: str) -> str:
    """A number as typed, cut short when it is long (it is echoed back, escaped)."""
    return typed if len(typed) <= SHOWN_CHARACTERS else typed[:SHOWN_CHARACTERS] + "…"


def canonical_number(typed: str) -> str | None:
    """The certificate number typed, in capitals (``vc…`` is ``VC…``), or None if it is not
    one."""
    canonical = typed.strip().upper()
    return canonical if NUMBER.fullmatch(canonical) else None
