"""The details of the domain's rules and of the API's own checks, as templates of the catalogue.

Kept apart from ``details.py`` only for length: the same kind of template (a msgid with
``{name}`` where a parameter goes), joined into ``details.DETAILS`` and matched the same way.
Each is the English a ``raise`` in domain/ or api/ makes; when one of those changes, change
its template here and run ``python -m api.i18n.extract``.
"""

from __future__ import annotations

#: Details the domain raises: its rules, the values it checks, and the policy.
RULE_DETAILS = (
    "a username has 2 to 32 letters (Chinese or Latin), digits or _.- and at least one letter",
    "a volunteer's own account cannot organise; create a staff one",
    "the account does not organise that organisation",
    "the account is not disabled",
    "the volunteer has been erased",
    "the volunteer has been erased already",
    "only a volunteer's account has a calendar feed",
    "the volunteer has already checked in and out; to change those times an organiser "
    "records them from the sign-in sheet, or corrects the service record they made",
    "attendance is not complete",
    "the volunteer has not checked in; check in first, or an organiser records the times "
    "served from the sign-in sheet",
    "check-out cannot be before check-in; give a later time",
    "this attendance already made a service record; correct the service record instead",
    "the volunteer served time on this shift, so cannot be a no-show; reject or correct the "
    "service record instead",
    "the volunteer is checked in, so cannot be a no-show; they check out, or an organiser "
    "records the times served from the sign-in sheet",
    "the volunteer is not marked as a no-show; nothing to undo",
    "the volunteer is marked as a no-show; undo that first",
    "the volunteer has already checked in; check out when leaving",
    "a certificate counts at least one approved record",
    "a certificate counts one volunteer's records",
    "the period ends before it starts",
    "the request is for {period_start} to {period_end}; {name} {given} differs: leave it out "
    "to use the request's period",
    "a record is listed twice",
    "whoever organises records, certifies them: this record was organised outside the "
    "issuer's organisations",
    "the request is for another volunteer or issuer",
    "an organiser records hours only for a volunteer with a place on a shift of the "
    "activity, or one of an organisation they organise",
    "check-in is open from shortly before the shift starts until it ends; outside that, an "
    "organiser records the times served from the sign-in sheet",
    "the shift has not started yet, so no time can be served; check out once it has started "
    "(an organiser can later record the times from the sign-in sheet)",
    "no attendance is recorded for the volunteer on this shift; check in first, or an "
    "organiser records the times from the sign-in sheet",
    "the volunteer holds no confirmed place on this shift; sign them up first (a waitlisted "
    "volunteer waits for a place)",
    "{field} is in the future",
    "{name} already has this name here ({owner_id}): choose another name",
    "a list for this organisation, period and category is already published",
    "this weekly series exists already; change its capacity or times from a date on, or "
    "cancel it from a date on",
    "no day of this series is still to come",
    "every shift of the series still to come from {date} on has capacity {capacity} already, "
    "or there is none",
    "every shift of the series still to come from {date} on has these times already, or "
    "there is none",
    "the series has no shift still to come from {date} on",
    "the shift overlaps another shift the volunteer is confirmed for; cancel that sign-up "
    "first, or choose another shift",
    "the new name is the current name",
    "{text} is not a period: use all, current, 2026, 2026-B1 … 2026-B6 or 2026-11",
    "the size of the red and black lists cannot be negative",
    "minimum age must be positive and not above the adult age",
    "rounding must be between 1 and 60 minutes",
    "the daily cap must be between 1 minute and 24 hours",
    "check-in and check-out windows cannot be negative",
    "unknown activity category {category}; use one of: {categories}",
    "unknown organisation kind {kind}; use one of: {kinds}",
    "the {name} must be a list of non-empty names",
    "a recognition list needs at least one entry",
    "the publicity window of this list has closed",
    "that volunteer is not on this list",
    "no open objection with that id",
    "the list is already final",
    "the publicity window is still open",
    "objections are still open",
    "the service time rounds to no minutes at all",
    "whoever recorded or corrected these minutes may not approve them alone: another "
    "organiser approves them, or the volunteer confirms them first",
    "the volunteer has already confirmed these minutes",
    "raising approved minutes needs a second party: the volunteer asks for the correction, "
    "and an organiser accepts it",
    "accepting more minutes than the volunteer asked for ({requested}) raises approved "
    "minutes with no second party: accept the requested minutes or fewer",
    "minutes must be positive; revoke or reject a record that should not count",
    "the record already counts these minutes",
    "capacity must be between 1 and {maximum}",
    "the shift has already started",
    "the shift is cancelled; choose another shift of the activity",
    "the shift already has that capacity",
    "the shift already has these times",
    "unsupported store URL {url}: use memory:, sqlite:///FILE or postgresql://…",
    "the SQLite store URL {url} names no file",
    "{minutes} minutes on {date} would pass the daily cap of {cap} minutes",
    "this time overlaps service already recorded for the volunteer",
    "the phone number must be a mobile number: 11 digits starting with 13-19",
    "{field} must carry a time zone offset",
    "{field} must have 1 to {max_length} characters",
    "unknown actor kind {kind}",
    "{name} is not a known time zone",
    "the {what} must end after it starts",
    "weekdays must be numbers from 0 (Monday) to 6 (Sunday)",
    "the last day comes before the first",
    "a recurrence spans at most {days} days",
    "the date of birth is in the future",
    "volunteers must be at least {minimum_age} years old",
    "volunteers under {adult_age} need a guardian's name and consent",
    "the profile already has these values",
    "the volunteer already belongs to that organisation",
    "only a suspended volunteer can be reinstated; this one is {state}",
    "the listing preferences already have these values",
)

#: Details the API raises itself: its routes, permissions and input checks.
INPUT_DETAILS = (
    "an organiser names the volunteer they act for: give volunteer_id",
    "{field} {text} is not a date, a local time or an instant",
    "the password is too easy to guess. {reason}",
    "the password needs at least {min_length} characters",
    "the password has more than {max_length} characters",
    "give either starts_at and ends_at, or a recurrence",
    "activity {activity_id} is not in the read models yet (position {position})",
    "only admins, organisers and volunteers themselves read the audit trail",
    "only a volunteer asks for their own certificate",
    "give organization_id and volunteer_id, or a request_id",
    "give a period (period_start and period_end) or record_ids",
    "this service keeps no transparency log",
    "leaf {index} is not in a tree of size {size}",
    "a consistency proof goes from a smaller size to a larger one",
    "the log has {log_size} leaves, not {size}",
    "this is a volunteer's own list; the account is not a volunteer's",
    "this feed's address carries a token: use calendar_url",
    "there is no calendar feed at this address",
    "only organisers have queues",
    "no entry with that volunteer number on this list",
    "several entries show that volunteer number; give the rank too",
    "the day range ends before it starts",
    "volunteers check in and out at the time; only organisers give a time",
    "a guardian's consent is recorded by an organiser",
    "The access token claims a longer life than is given.",
)

#: Words that stand in these details as a parameter (``the {what} must end after it starts``).
RULE_TERMS = (
    "leaf",
    "time range",
    "service",
    "activity categories",
    "organisation kinds",
)
