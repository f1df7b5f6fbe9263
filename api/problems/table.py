"""The one table: every error, the ledger's and the API's, to a status, a type and a title."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.exceptions import RequestValidationError

from api.problems.errors import (
    ApiError,
    Forbidden,
    InvalidIdempotencyKey,
    NotFound,
    PayloadTooLarge,
    PdfUnavailable,
    TooManyRequests,
    Unauthenticated,
)
from domain import errors as ledger
from domain.storage import StoreUnavailableError


@dataclass(frozen=True)
class Problem:
    """How one kind of error is shown to clients: its status, its type slug and its title."""

    status: int
    slug: str
    title: str

    @property
    def type(self) -> str:
        return f"/problems/{self.slug}"


_RULE = 409
PROBLEMS: dict[type[Exception], Problem] = {
    ledger.LedgerError: Problem(400, "ledger-error", "The ledger refused the request"),
    ledger.NotFoundError: Problem(404, "not-found", "Not found"),
    ledger.InvalidInputError: Problem(422, "invalid-input", "Invalid input"),
    ledger.RuleViolationError: Problem(_RULE, "rule-violation", "Refused by a ledger rule"),
    ledger.OrganisationClosedError: Problem(_RULE, "organisation-closed", "Organisation closed"),
    ledger.ActivityClosedError: Problem(_RULE, "activity-closed", "Activity closed"),
    ledger.RegistrationRefusedError: Problem(422, "registration-refused", "Registration refused"),
    ledger.PhoneInUseError: Problem(_RULE, "phone-in-use", "Phone number already in use"),
    ledger.VolunteerInactiveError: Problem(_RULE, "volunteer-inactive", "Volunteer inactive"),
    ledger.SignUpRefusedError: Problem(_RULE, "sign-up-refused", "Sign-up refused"),
    ledger.NotSignedUpError: Problem(_RULE, "not-signed-up", "Not signed up for this shift"),
    ledger.CapacityError: Problem(_RULE, "capacity", "Shift capacity cannot change that way"),
    ledger.ShiftStateError: Problem(_RULE, "shift-state", "Shift not in a state for this"),
    ledger.AttendanceError: Problem(_RULE, "attendance", "Attendance out of order"),
    ledger.RecordStateError: Problem(_RULE, "record-state", "Record not in a state for this"),
    ledger.TimeAlreadyCountedError: Problem(
        _RULE, "time-already-counted", "Service time already counted"
    ),
    ledger.DailyCapExceededError: Problem(_RULE, "daily-cap-exceeded", "Daily cap exceeded"),
    ledger.UsernameTakenError: Problem(_RULE, "username-taken", "Username taken"),
    ledger.AccountDisabledError: Problem(_RULE, "account-disabled", "Account disabled"),
    ledger.ResetCodeRefusedError: Problem(_RULE, "reset-code-refused", "Reset code refused"),
    ledger.OrganisationNameTakenError: Problem(
        _RULE, "organisation-name-taken", "Organisation name taken"
    ),
    ledger.SeriesExistsError: Problem(_RULE, "series-exists", "The series exists already"),
    ledger.RecognitionListError: Problem(
        _RULE, "recognition-list", "Not allowed for this recognition list now"
    ),
    ledger.PermissionDeniedError: Problem(403, "permission-denied", "Permission denied"),
    ledger.SelfApprovalError: Problem(403, "self-approval", "Nobody approves their own record"),
    ledger.NotOwnRecordError: Problem(403, "not-own-record", "Not your service record"),
    ledger.SecondPartyRequiredError: Problem(
        403, "second-party-required", "Approval needs a second party"
    ),
    ledger.VolunteerOutOfReachError: Problem(
        403, "volunteer-out-of-reach", "Volunteer outside the organiser's reach"
    ),
    ledger.ConcurrentUpdateError: Problem(409, "concurrent-update", "Concurrent update"),
    ledger.RequestKeyReusedError: Problem(422, "idempotency-key-reused", "Idempotency-Key reused"),
    ApiError: Problem(400, "bad-request", "Bad request"),
    Unauthenticated: Problem(401, "unauthenticated", "Authentication required"),
    Forbidden: Problem(403, "forbidden", "Forbidden"),
    PdfUnavailable: Problem(503, "pdf-unavailable", "PDF rendering unavailable"),
    NotFound: Problem(404, "resource-not-found", "Not found"),
    PayloadTooLarge: Problem(413, "payload-too-large", "Request body too large"),
    InvalidIdempotencyKey: Problem(422, "invalid-idempotency-key", "Invalid Idempotency-Key"),
    TooManyRequests: Problem(429, "too-many-requests", "Too many requests"),
    RequestValidationError: Problem(422, "validation", "The request is not valid"),
    StoreUnavailableError: Problem(503, "store-unavailable", "Store unavailable"),
    Exception: Problem(500, "internal", "Internal server error"),
}


def problem_for(exc_type: type[BaseException]) -> Problem:
    """The row of the nearest class in the error's MRO that has one."""
    for cls in exc_type.__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return PROBLEMS[Exception]
