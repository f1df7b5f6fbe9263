"""The audit trail's one-line summaries: a template per event class, and what fills it in.

A template names roles (``{volunteer}``, ``{shift}`` …), shown by the label the audit trail
keeps for that aggregate, and a few event fields chosen one by one. Personal details an event
carries (a phone number, a birth date, a guardian, a password hash) have no placeholder, so
no summary can show them.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from domain.values import zone
from projections.events import LedgerEvent

RECORD = "{volunteer} at {service_record}"

TEMPLATES: dict[str, str] = {
    "Organisation.Created": "organisation {organisation} ({kind}) created",
    "Organisation.ChildAttached": "{child} placed under {organisation}",
    "Organisation.Renamed": "organisation {organisation} renamed to {name}",
    "Organisation.Closed": "organisation {organisation} closed",
    "Volunteer.Registered": (
        "{volunteer} registered as volunteer {volunteer_number} at {organisation}"
    ),
    "Volunteer.ProfileChanged": "profile of {volunteer} changed",
    "Volunteer.Moved": "{volunteer} moved to {organisation}",
    "Volunteer.Suspended": "{volunteer} suspended",
    "Volunteer.Reinstated": "{volunteer} reinstated",
    "Volunteer.Withdrew": "{volunteer} withdrew",
    "Volunteer.Erased": "{volunteer} erased: personal data removed",
    "Volunteer.ListingPreferencesChanged": (
        "public listing of {volunteer}: {public}; guardian's consent: {guardian_consent}"
    ),
    "UniqueKey.Created": "{namespace} key opened",
    "UniqueKey.Claimed": "{namespace} claimed by {owner}",
    "UniqueKey.Released": "{namespace} released by {owner}",
    "Receipt.Issued": "keyed request carried out: {command}",
    "Activity.Created": "activity {activity} ({category}) created at {organisation}",
    "Activity.ShiftAdded": "a shift was added to {activity}",
    "Activity.Closed": "activity {activity} closed",
    "Shift.Scheduled": "shift {shift} scheduled with {capacity} places",
    "Shift.VolunteerSignedUp": "{volunteer} signed up for {shift} (confirmed)",
    "Shift.VolunteerWaitlisted": "{volunteer} signed up for {shift} (waitlisted)",
    "Shift.VolunteerPromoted": "{volunteer} moved from the waitlist to a place on {shift}",
    "Shift.SignUpCancelled": "{volunteer} cancelled the sign-up for {shift}",
    "Shift.CapacityChanged": "places on {shift} changed to {capacity}",
    "Shift.Rescheduled": "{shift} moved to {starts_at} – {ends_at}",
    "Shift.Cancelled": "{shift} cancelled",
    "Series.Scheduled": "weekly series of {activity} scheduled with {capacity} places",
    "Series.CapacityChanged": (
        "places on the weekly series of {activity} changed to {capacity} from {from_day}"
    ),
    "Series.TimesChanged": "weekly series of {activity} moved from {from_day}",
    "Series.CancelledFrom": "weekly series of {activity} cancelled from {from_day}",
    "Timesheet.Opened": "timesheet of {volunteer} opened",
    "Timesheet.ShiftHeld": "{shift} held on the timesheet of {volunteer}",
    "Timesheet.ShiftReleased": "{shift} released from the timesheet of {volunteer}",
    "Timesheet.TimeCounted": "{minutes} minutes of " + RECORD + " counted",
    "Timesheet.CountedMinutesChanged": "counted minutes of " + RECORD + " changed to {minutes}",
    "Timesheet.TimeUncounted": "minutes of " + RECORD + " no longer counted",
    "Attendance.Opened": "attendance of {volunteer} at {shift} opened",
    "Attendance.CheckedIn": "{volunteer} checked in at {shift} at {at}",
    "Attendance.CheckedOut": "{volunteer} checked out of {shift} at {at}",
    "Attendance.ClosedAutomatically": (
        "check-in of {volunteer} at {shift} closed automatically at {at}, for review"
    ),
    "Attendance.RecordedFromSheet": (
        "attendance of {volunteer} at {shift} recorded from the sign-in sheet: "
        "{checked_in_at} – {checked_out_at}"
    ),
    "Attendance.NoShowMarked": "{volunteer} marked as a no-show at {shift}",
    "Attendance.NoShowUndone": "no-show of {volunteer} at {shift} undone",
    "ServiceRecord.Recorded": "{minutes} minutes of " + RECORD + " recorded from {source}{review}",
    "ServiceRecord.Approved": "record of " + RECORD + " approved{alone}",
    "ServiceRecord.Confirmed": "{volunteer} confirmed {minutes} minutes of {service_record}",
    "ServiceRecord.Rejected": "record of " + RECORD + " rejected",
    "ServiceRecord.Corrected": (
        "record of " + RECORD + " corrected from {previous_minutes} to {minutes} minutes{alone}"
    ),
    "ServiceRecord.Revoked": "record of " + RECORD + " revoked",
    "ServiceRecord.CorrectionRequested": "{volunteer} asked to correct {service_record} to "
    "{minutes} minutes",
    "ServiceRecord.CorrectionRequestAccepted": "correction request of " + RECORD + " accepted: "
    "{minutes} minutes",
    "ServiceRecord.CorrectionRequestDeclined": "correction request of " + RECORD + " declined",
    "Account.Created": "{account_kind} account {account} created",
    "Account.OrganiserAppointed": "{account} appointed organiser of {organisation}",
    "Account.OrganiserDismissed": "{account} no longer organiser of {organisation}",
    "Account.PasswordChanged": "password of {account} changed",
    "Account.Disabled": "account {account} disabled",
    "Account.Enabled": "account {account} enabled again",
    "Account.LoggedOut": "{account} logged out everywhere",
    "Account.PasswordResetIssued": "a password-reset code for {account} was issued",
    "Account.PasswordReset": "password of {account} reset with a code",
    "Account.CalendarFeedRotated": "calendar feed address of {account} replaced",
    "Account.Erased": "account {account} closed for good (its volunteer was erased)",
    "RecognitionList.Published": (
        "recognition list {recognition_list} ({period}) published with {entry_count} entries"
    ),
    "RecognitionList.ObjectionFiled": "objection about {volunteer} filed on {recognition_list}",
    "RecognitionList.ObjectionResolved": (
        "objection about {volunteer} on {recognition_list} {outcome}"
    ),
    "RecognitionList.Finalised": "recognition list {recognition_list} final",
    "Certificate.Issued": (
        "certificate {number} issued to {volunteer} by {organisation}: {total_minutes} minutes"
    ),
    "Certificate.Revoked": "certificate {certificate} revoked",
    "CertificateRequest.Requested": (
        "{volunteer} asked {organisation} for a certificate of {period_start} – {period_end}"
    ),
    "CertificateRequest.Fulfilled": "certificate request of {volunteer} fulfilled: {certificate}",
    "CertificateRequest.Declined": "certificate request of {volunteer} declined",
}

#: Event fields a summary may show as they are.
PLAIN_FIELDS = frozenset(
    {
        "minutes",
        "previous_minutes",
        "capacity",
        "name",
        "kind",
        "category",
        "period",
        "volunteer_number",
        "source",
        "number",
        "total_minutes",
        "period_start",
        "period_end",
        "from_day",
    }
)
TIME_FIELDS = frozenset({"at", "starts_at", "ends_at", "checked_in_at", "checked_out_at"})
YES_NO_FIELDS = frozenset({"public", "guardian_consent"})

COMPUTED: dict[str, Callable[[Any], str]] = {
    "review": lambda e: ", needs review" if e.needs_review else "",
    "account_kind": lambda e: "admin" if e.is_admin else "volunteer" if e.volunteer_id else "staff",
    "entry_count": lambda e: str(len(e.entries)),
    "outcome": lambda e: "upheld" if e.upheld else "dismissed",
    "alone": lambda e: (
        " with no second party (single-organiser setting)" if e.single_organiser else ""
    ),
}


def local_minute(moment: datetime, timezone: str) -> str:
    """A moment as people read it there: ``2026-03-03 08:00``."""
    return moment.astimezone(zone(timezone)).strftime("%Y-%m-%d %H:%M")


def kind_of(event_class: type) -> str:
    """The kind of aggregate an event class belongs to, ``service_record`` for
    ``ServiceRecord.Approved``; it is also the role that aggregate plays in a template."""
    kind = _KINDS.get(event_class)
    if kind is None:
        kind = re.sub(r"(?<!^)(?=[A-Z])", "_", event_class.__qualname__.split(".")[0]).lower()
        _KINDS[event_class] = kind
    return kind


_KINDS: dict[type, str] = {}


#: Between the facts of a row, as stored: no id, figure or time holds it.
SEPARATOR = "\x1f"


def facts_text(event: LedgerEvent, refs: dict[str, str], as_was: str | None) -> str:
    """What the event's line needs besides labels, as its row stores it: for each name in its
    template (once, in order), the field it shows (a time in UTC, rendered in local time when
    read) or, for a role, the id ``refs`` gives it (empty text for none); then the aggregate's
    label as it was before the event, when given (a renaming, a rescheduling); all joined by
    ``SEPARATOR``. Labels (names, titles) are never stored: they are looked up when the row
    is read, so a name changed or erased since is never shown from here. Text rather than
    JSON: the trail writes one per event, and encoding JSON cost as much as the summary it
    replaced."""
    values = []
    for key, how in _keys_of(type(event)):
        if how is None:
            values.append(refs.get(key) or "")
        elif how is COMPUTED:
            values.append(COMPUTED[key](event))
        elif how is PLAIN_FIELDS:  # free text (a name) may hold anything: not the separator
            values.append(str(getattr(event, key)).replace(SEPARATOR, " "))
        elif how is TIME_FIELDS:
            values.append(utc_text(getattr(event, key)))
        else:
            values.append("yes" if getattr(event, key) else "no")
    if as_was:
        values.append(as_was.replace(SEPARATOR, " "))
    return SEPARATOR.join(values)


def facts_from(event_type: str, text: str | None) -> dict[str, str | None]:
    """The facts of a row by name (None for a role with no id), and its label as it was
    (``AS_WAS``)."""
    names = list(dict.fromkeys(key for _, key in _parts_of_type(event_type) if key is not None))
    values = (text or "").split(SEPARATOR) if names or text else []
    facts: dict[str, str | None] = {
        name: value if value or not _is_role(name) else None
        for name, value in zip(names, values, strict=False)
    }
    if len(values) > len(names):
        facts[AS_WAS] = values[-1]
    return facts


#: The key of the facts read back holding the aggregate's label as it was.
AS_WAS = "as_was"


def render(
    event_type: str,
    facts: dict[str, str | None],
    label: Callable[[str, str | None], str],
    timezone: str,
) -> str:
    """The line of an event of ``event_type`` from its ``facts``; ``label(role, id)`` names
    the aggregate playing that role, and times are shown in ``timezone``."""
    parts = []
    for literal, key in _parts_of_type(event_type):
        parts.append(literal)
        if key is None:
            continue
        if key in TIME_FIELDS:
            parts.append(local_minute(datetime.fromisoformat(str(facts.get(key))), timezone))
        elif key in COMPUTED or key in PLAIN_FIELDS or key in YES_NO_FIELDS:
            parts.append(str(facts.get(key)))
        else:
            parts.append(label(key, facts.get(key)))
    return "".join(parts)


def _is_role(key: str) -> bool:
    return _kind_of_key(key) is None


def _keys_of(event_class: type) -> list[tuple[str, object]]:
    """The names an event class's template fills in, each with what it is: a computed
    value, a plain field, a time, a yes/no, or (None) a role."""
    keys = _KEYS.get(event_class)
    if keys is None:
        keys = [(key, _kind_of_key(key)) for _, key in _template_of(event_class) if key is not None]
        _KEYS[event_class] = keys
    return keys


def _kind_of_key(key: str) -> object:
    for group in (COMPUTED, PLAIN_FIELDS, TIME_FIELDS, YES_NO_FIELDS):
        if key in group:
            return group
    return None


_KEYS: dict[type, list[tuple[str, object]]] = {}


def _parts_of_type(event_type: str) -> list[tuple[str, str | None]]:
    parts = _TYPE_PARTS.get(event_type)
    if parts is None:
        template = TEMPLATES.get(event_type)
        if template is None:  # an event class without a template yet
            kind = re.sub(r"(?<!^)(?=[A-Z])", "_", event_type.split(".")[0]).lower()
            template = event_type + " of {" + kind + "}"
        parts = [(literal, key) for literal, key, _, _ in string.Formatter().parse(template)]
        _TYPE_PARTS[event_type] = parts
    return parts


_TYPE_PARTS: dict[str, list[tuple[str, str | None]]] = {}


def _template_of(event_class: type) -> list[tuple[str, str | None]]:
    """An event class's template taken apart once: each literal text and the name after it."""
    return _parts_of_type(event_class.__qualname__)


def utc_text(moment: datetime) -> str:
    """A moment as the audit trail stores it: UTC, always to the microsecond, so that text order
    is time order."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")
