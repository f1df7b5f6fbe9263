"""The domain's event classes grouped by aggregate, spelt out for ``ignores`` declarations.

Spelt out on purpose: a new event class appears in none of these groups, so every projection's
completeness test fails until someone decides whether it handles or ignores it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.account import Account
from domain.activity import Activity
from domain.attendance import Attendance
from domain.certificate import Certificate
from domain.certificate_request import CertificateRequest
from domain.organisation import Organisation
from domain.receipt import Receipt
from domain.recognition import RecognitionList
from domain.series import Series
from domain.service_record import ServiceRecord
from domain.shift import Shift
from domain.timesheet import Timesheet
from domain.unique_key import UniqueKey
from domain.volunteer import Volunteer


class LedgerEvent(Protocol):
    """What every event class of the ledger carries, for a handler of all of them (the audit
    trail): its aggregate, that aggregate's version after it, when, and who acted."""

    @property
    def originator_id(self) -> UUID: ...
    @property
    def originator_version(self) -> int: ...
    @property
    def timestamp(self) -> datetime: ...
    @property
    def actor(self) -> str: ...


ORGANISATION_EVENTS: frozenset[type] = frozenset(
    {Organisation.Created, Organisation.ChildAttached, Organisation.Renamed, Organisation.Closed}
)
VOLUNTEER_EVENTS: frozenset[type] = frozenset(
    {
        Volunteer.Registered,
        Volunteer.ProfileChanged,
        Volunteer.Moved,
        Volunteer.Suspended,
        Volunteer.Reinstated,
        Volunteer.Withdrew,
        Volunteer.ListingPreferencesChanged,
        Volunteer.Erased,
    }
)
UNIQUE_KEY_EVENTS: frozenset[type] = frozenset(
    {UniqueKey.Created, UniqueKey.Claimed, UniqueKey.Released}
)
ACTIVITY_EVENTS: frozenset[type] = frozenset(
    {Activity.Created, Activity.ShiftAdded, Activity.Closed}
)
SHIFT_EVENTS: frozenset[type] = frozenset(
    {
        Shift.Scheduled,
        Shift.VolunteerSignedUp,
        Shift.VolunteerWaitlisted,
        Shift.VolunteerPromoted,
        Shift.SignUpCancelled,
        Shift.CapacityChanged,
        Shift.Rescheduled,
        Shift.Cancelled,
    }
)
SERIES_EVENTS: frozenset[type] = frozenset(
    {Series.Scheduled, Series.CapacityChanged, Series.TimesChanged, Series.CancelledFrom}
)
TIMESHEET_EVENTS: frozenset[type] = frozenset(
    {
        Timesheet.Opened,
        Timesheet.ShiftHeld,
        Timesheet.ShiftReleased,
        Timesheet.TimeCounted,
        Timesheet.CountedMinutesChanged,
        Timesheet.TimeUncounted,
    }
)
ATTENDANCE_EVENTS: frozenset[type] = frozenset(
    {
        Attendance.Opened,
        Attendance.CheckedIn,
        Attendance.CheckedOut,
        Attendance.ClosedAutomatically,
        Attendance.RecordedFromSheet,
        Attendance.NoShowMarked,
        Attendance.NoShowUndone,
    }
)
SERVICE_RECORD_EVENTS: frozenset[type] = frozenset(
    {
        ServiceRecord.Recorded,
        ServiceRecord.Approved,
        ServiceRecord.Rejected,
        ServiceRecord.Corrected,
        ServiceRecord.Revoked,
        ServiceRecord.CorrectionRequested,
        ServiceRecord.CorrectionRequestDeclined,
        ServiceRecord.CorrectionRequestAccepted,
        ServiceRecord.Confirmed,
    }
)
ACCOUNT_EVENTS: frozenset[type] = frozenset(
    {
        Account.Created,
        Account.OrganiserAppointed,
        Account.OrganiserDismissed,
        Account.PasswordChanged,
        Account.Disabled,
        Account.Enabled,
        Account.LoggedOut,
        Account.PasswordResetIssued,
        Account.PasswordReset,
        Account.CalendarFeedRotated,
        Account.Erased,
    }
)
RECOGNITION_EVENTS: frozenset[type] = frozenset(
    {
        RecognitionList.Published,
        RecognitionList.ObjectionFiled,
        RecognitionList.ObjectionResolved,
        RecognitionList.Finalised,
    }
)
CERTIFICATE_EVENTS: frozenset[type] = frozenset(
    {
        Certificate.Issued,
        Certificate.Revoked,
        CertificateRequest.Requested,
        CertificateRequest.Fulfilled,
        CertificateRequest.Declined,
    }
)
#: Receipts of keyed requests: bookkeeping of "carried out once", not a fact of service.
RECEIPT_EVENTS: frozenset[type] = frozenset({Receipt.Issued})
#: A person erased: read models that hold their personal data handle these, the rest ignore
#: them (both are also in the aggregate groups above).
ERASURE_EVENTS: frozenset[type] = frozenset({Volunteer.Erased, Account.Erased})
