"""What makes a password acceptable: a minimum length, and not easy to guess.

Guessability is zxcvbn's estimate, which knows common passwords, words, keyboard patterns and
dates, and is told the account's own login and phone so that a password close to them fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

from domain.errors import InvalidInputError

STAFF_MIN_LENGTH = 10
VOLUNTEER_MIN_LENGTH = 8
MAX_LENGTH = 128
#: zxcvbn scores 0 (guessed at once) to 4; staff accounts can do more harm, so need more.
STAFF_MIN_SCORE = 3
VOLUNTEER_MIN_SCORE = 2
#: zxcvbn's own bound: past it the estimate is slow and no more telling.
_ESTIMATED_LENGTH = 72


def check_password(
    password: str, *, staff: bool, related: Iterable[str | None] = (), field: str = "password"
) -> None:
    """Raise ``InvalidInputError`` naming ``field``, saying why, unless the password is good.

    ``related`` are the account's login, phone and names: a password close to one is refused.
    """
    min_length = STAFF_MIN_LENGTH if staff else VOLUNTEER_MIN_LENGTH
    if len(password) < min_length:
        raise InvalidInputError(f"the password needs at least {min_length} characters", field=field)
    if len(password) > MAX_LENGTH:
        raise InvalidInputError(f"the password has more than {MAX_LENGTH} characters", field=field)
    inputs = _variants(value for value in related if value)
    estimate = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=inputs)
    if estimate["score"] >= (STAFF_MIN_SCORE if staff else VOLUNTEER_MIN_SCORE):
        return
    feedback = estimate["feedback"]
    advice = [feedback["warning"], *feedback["suggestions"]]
    if any(match.get("dictionary_name") == "user_inputs" for match in estimate["sequence"]):
        advice.insert(0, "It is too close to your login, name or phone number.")
    reason = " ".join(text for text in advice if text) or (
        "Add another word or two; avoid your name, login, phone number and common passwords."
    )
    raise InvalidInputError(f"the password is too easy to guess. {reason}", field=field)


def _variants(related: Iterable[str]) -> list[str]:
    """Each value as given, without its punctuation, and its words: zxcvbn matches them only
    as they are spelt, so ``li.wei`` alone would not catch ``liwei2026``."""
    found: list[str] = []
    for value in related:
        words = [word for word in re.split(r"[\W_]+", value.lower()) if word]
        found += [value.lower(), "".join(words), *(word for word in words if len(word) >= 3)]
    return list(dict.fromkeys(found))
