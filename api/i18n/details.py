"""The English details of common errors, and their translation with the parameters they carry.

An error's detail is English text made where the error is raised, often with parameters in it
(``"the volunteer is already waitlisted on this shift"``). Each template below is a msgid of
the catalogue with ``{name}`` where a parameter goes; a detail is translated by finding the
template it was made from and putting its parameters into the translation. A parameter that is
itself a word of the catalogue (context ``term``: ``shift``, ``waitlisted`` …) is translated too.
A detail made from no template here stays English. The domain is left as it is: it raises
English and knows nothing of languages.
"""

from __future__ import annotations

import re
from functools import cache

from api.i18n.catalogue import MessageCatalogue
from api.i18n.rule_details import INPUT_DETAILS, RULE_DETAILS, RULE_TERMS

#: The context of words that stand in a detail as a parameter.
TERM = "term"

#: Details of the API's own problems, in problems.py and its middlewares.
API_DETAILS = (
    "The request cannot be served.",
    "A valid bearer token is required.",
    "Your account may not do this.",
    "Nothing is available at this address.",
    "The request body is too large.",
    "An Idempotency-Key is 1 to 255 visible ASCII characters.",
    "Too many attempts; try again later.",
    "PDF certificates cannot be rendered here (no CJK font is available); "
    "the JSON certificate at the same address without .pdf still works.",
    "Some fields are missing or not valid; see errors.",
    "Something went wrong on our side. Quote the request id if you report it.",
    "The database cannot be reached just now. Try again shortly.",
    "Not Found",
    "Method Not Allowed",
    "The request body is larger than {limit} bytes.",
    "Too many failed logins; try again later.",
    "Too many registrations from this address; try again later.",
    "This Idempotency-Key was already used with a different request.",
    "log in first: send Authorization: Bearer <token>",
    "the token does not name an account",
    "the token's account does not exist",
    "the token was revoked (log-out, new password or new role)",
    "The access token is not valid.",
    "The access token has expired.",
    "wrong login or password",
    "the current password is wrong",
    "the password is wrong",
    "confirm with your password to erase yourself",
    "an admin gives a reason to erase a volunteer",
    "only the volunteer themself or an admin may erase a volunteer",
    "wrong login or reset code",
    "only an admin may do this",
    "only an organiser of this organisation or one above it may do this",
    "the cursor is not one this service gave out",
)

#: Details the ledger raises most: not found, permissions, and the conflicts of its rules.
LEDGER_DETAILS = (
    "{kind} {id} was not found",
    "the shift is cancelled",
    "the shift has already started; sign-ups close at its start",
    "the volunteer is already {state} on this shift; nothing to do",
    "the volunteer is not signed up for this shift",
    "the shift overlaps another shift the volunteer is confirmed for",
    "the shift needs skills the volunteer has not registered: {skills}",
    "no place to promote this volunteer to",
    "capacity cannot go below the {count} confirmed volunteers",
    "a shift must start in the future",
    "this phone number belongs to another registered volunteer",
    "the username {username} is taken",
    "the account is disabled",
    "volunteer {number} is {state}",
    "volunteer {number} has withdrawn",
    "activity {title} is closed",
    "organisation {name} is closed",
    "the reset code is wrong, used or replaced by a newer one",
    "the reset code has expired; ask for a new one",
    "check-in is open from shortly before the shift starts until it ends",
    "the volunteer has already checked in",
    "the volunteer has already checked out",
    "the volunteer has not checked in",
    "a no-show can only be marked once the shift has started",
    "the volunteer holds no confirmed place on this shift",
    "cannot {action} a record that is {state}",
    "nobody may {action} their own service record",
    "only approved records count; this one is {state}",
    "the certificate is already revoked",
    "the request is already {state}",
    "service cannot be recorded for times still to come",
    "attendance cannot be recorded for times still to come",
    "only the volunteer the record belongs to can ask for its correction",
    "only the volunteer the record belongs to can confirm it",
    "a correction request for this record is already open",
    "there is no open correction request for this record",
    "consent to the privacy notice is required to register",
    "gave up after {attempts} attempts collided with concurrent changes; try again",
    "this request key was already used for a different request",
)

#: Words that appear in details as parameters: kinds of thing, and states.
TERMS = (
    "account",
    "activity",
    "attendance",
    "certificate",
    "certificate request",
    "organisation",
    "recognition list",
    "service record",
    "shift",
    "status list",
    "volunteer",
    "confirmed",
    "waitlisted",
    "suspended",
    "withdrawn",
    "pending",
    "approved",
    "rejected",
    "revoked",
    "fulfilled",
    "declined",
    "approve",
    "confirm",
    "reject",
    "ask for a correction of",
    "correct",
    "revoke",
    *RULE_TERMS,
)

DETAILS = API_DETAILS + LEDGER_DETAILS + RULE_DETAILS + INPUT_DETAILS
_FIELD = re.compile(r"\{(\w+)\}")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """A regular expression for each template with parameters, the most literal text first."""
    found = []
    for template in DETAILS:
        if "{" not in template:
            continue
        parts = _FIELD.split(template)  # literal, name, literal, name, …, literal
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        found.append((re.compile(regex + r"\Z", re.DOTALL), template))
    return tuple(sorted(found, key=lambda item: len(_FIELD.sub("", item[1])), reverse=True))


def translate_detail(detail: str, catalogue: MessageCatalogue) -> str:
    """The detail in the catalogue's language, or as it is when no template made it."""
    if catalogue.has(detail):
        return catalogue.gettext(detail)
    for pattern, template in _patterns():
        match = pattern.match(detail)
        if match is None or not catalogue.has(template):
            continue
        values = {name: catalogue.gettext(value, TERM) for name, value in match.groupdict().items()}
        return catalogue.gettext(template).format(**values)
    return detail
