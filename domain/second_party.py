"""Why a pending service record needs a second party, told from who made its minutes.

The rule itself is ``ServiceRecord``'s (``lacks_second_party``): whoever recorded minutes by
hand, and whoever corrected them, may not approve them alone, until the volunteer confirms
the minutes as they stand. This module says the same from facts a read model keeps (the
record's source, who recorded it, who corrected it, whether a confirmation stands), so that
an approval queue can show it; a test holds the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.service_record import RecordSource


class SecondPartyReason(StrEnum):
    """What stands as the second party of a record's minutes, or who lacks one."""

    CONFIRMED_BY_VOLUNTEER = "confirmed_by_volunteer"
    """The volunteer confirmed the minutes as they stand: any organiser may approve."""
    FROM_ATTENDANCE = "from_attendance"
    """Made from the volunteer's own check-in or signed sheet: any organiser may approve."""
    RECORDED_BY_HAND = "recorded_by_hand"
    """Entered by hand: its recorder needs another organiser, or the volunteer's confirmation."""
    CORRECTED = "corrected"
    """Corrected: whoever corrected it needs someone else, or the volunteer's confirmation."""


@dataclass(frozen=True)
class SecondParty:
    reason: SecondPartyReason
    makers: tuple[str, ...]
    """The actors (``account:<id>`` …) who may not approve the minutes alone now."""

    def may_approve_alone(self, actor: str) -> bool:
        return actor not in self.makers


def second_party(
    source: str, recorded_by: str, corrected_by: Iterable[str], *, confirmed: bool
) -> SecondParty:
    """The second-party standing of a pending record: ``confirmed`` is whether the volunteer's
    confirmation of the current minutes stands (a correction ends it)."""
    correctors = tuple(dict.fromkeys(corrected_by))
    if confirmed:
        return SecondParty(SecondPartyReason.CONFIRMED_BY_VOLUNTEER, ())
    by_hand = (recorded_by,) if source == RecordSource.MANUAL else ()
    makers = tuple(dict.fromkeys((*by_hand, *correctors)))
    if correctors:
        return SecondParty(SecondPartyReason.CORRECTED, makers)
    if by_hand:
        return SecondParty(SecondPartyReason.RECORDED_BY_HAND, makers)
    return SecondParty(SecondPartyReason.FROM_ATTENDANCE, ())
