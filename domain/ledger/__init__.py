"""The ledger's application service: every command and by-id query, over one event store."""

from domain.ledger.accounts import AccountCommands
from domain.ledger.approval import ApprovalCommands
from domain.ledger.base import LedgerBase
from domain.ledger.certificates import CertificateCommands, CertificateStatus
from domain.ledger.command import Written, command, command_issuing_a_secret
from domain.ledger.hours import HoursCommands
from domain.ledger.organising import OrganisingCommands
from domain.ledger.recognition import RecognitionCommands
from domain.ledger.series import SeriesCommands
from domain.ledger.volunteering import VolunteeringCommands
from domain.values import Clash


class Ledger(
    SeriesCommands,
    OrganisingCommands,
    VolunteeringCommands,
    HoursCommands,
    ApprovalCommands,
    AccountCommands,
    RecognitionCommands,
    CertificateCommands,
):
    """Commands return the new id or nothing (or the outcome a caller must show, such as a
    sign-up's status). ``ledger.sign_up.written(...)`` returns that value with the global
    position of the last event the command stored (a ``Written``), for readers that want to
    wait until projections have caught up.
    """

    name = "Ledger"


__all__ = [
    "CertificateStatus",
    "Clash",
    "Ledger",
    "LedgerBase",
    "Written",
    "command",
    "command_issuing_a_secret",
]
