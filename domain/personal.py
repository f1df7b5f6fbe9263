"""Which fields of which events hold personal data, and whose: what the ledger seals.

The event store keeps personal data only sealed, each value under a data key of the person it
is about (its *subject*), so that destroying that person's keys erases it everywhere while the
events themselves stay (crypto-shredding, see docs/privacy.md). This module is the whole
declaration, in domain terms and without cryptography: the ledger's mapper
(``domain.sealing``) reads it and asks a ``Sealer`` to do the sealing.

Whose data a field is (its subject):

- ``OWN``: the aggregate's own id (a volunteer's own events; an activity's or a
  certificate's contact person, each under a key of its own);
- ``NamedBy("volunteer_id")``: the id in that field of the event (the aggregate's own id when
  the field is empty, as for a staff account);
- ``LINKED``: events that do not name the person (``ServiceRecord.Corrected`` carries no
  volunteer id) use the subject their aggregate was linked to when it was created
  (``LINKS``: the record's ``Recorded`` event links the record to its volunteer); the link is
  kept in the key table beside the keys. ``Linked(via="objection_id")`` looks up another id.

Left in clear, on purpose: ids (random UUIDs), volunteer numbers (random, needed to tell
erased volunteers apart in the hours they keep), skills, minutes, dates of service, organisation
names and the titles, places and descriptions of activities and shifts (about the work, not a
person), reasons about a shift, a series, an activity or an organisation (weather, a closed
venue), pseudonyms, password and reset-code hashes, and actors (ids).

After a subject's keys are destroyed, each sealed field of theirs decodes as ``None``: the
read models and the aggregates must take ``None`` for any field named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.account import Account
from domain.activity import Activity
from domain.attendance import Attendance
from domain.certificate import Certificate
from domain.certificate_request import CertificateRequest
from domain.recognition import RecognitionList
from domain.service_record import ServiceRecord
from domain.shift import Shift
from domain.volunteer import Volunteer


class Sealer(Protocol):
    """Seals bytes under a subject's data key, and opens them (``vault.Vault`` is one)."""

    def seal(self, subject: UUID, plaintext: bytes, associated: bytes) -> dict[str, str]:
        """An envelope of JSON strings; ``associated`` must be given again to open it."""

    def open(self, envelope: Mapping[str, Any], associated: bytes) -> bytes | None:
        """The sealed bytes; None once the subject's keys are destroyed. Raises if the
        envelope was altered or moved (``associated`` differs)."""

    def link(self, id: UUID, subject: UUID) -> None:
        """Remember that the events of ``id`` hold the subject's data."""

    def subject_linked_to(self, id: UUID) -> UUID | None: ...

    def forget(self, subject: UUID) -> int:
        """Destroy every data key of the subject; how many keys were destroyed."""

    def close(self) -> None:
        """Release its connections (the ledger that holds it is closing)."""


@dataclass(frozen=True)
class Own:
    """The aggregate the event (or snapshot) belongs to."""


@dataclass(frozen=True)
class NamedBy:
    """The id in ``field``; the aggregate's own id when it is empty."""

    field: str


@dataclass(frozen=True)
class Linked:
    """The subject linked to the aggregate (or to the id in ``via``); else the aggregate."""

    via: str | None = None


Subject = Own | NamedBy | Linked
OWN = Own()
LINKED = Linked()


@dataclass(frozen=True)
class Personal:
    """Fields holding personal data, whose they are, and why they count as personal.

    ``within``: the fields are those of each item of this list of dicts (a published list's
    entries), each item's subject found in the item itself.
    """

    fields: tuple[str, ...]
    whose: Subject
    why: str
    within: str | None = None


@dataclass(frozen=True)
class Link:
    """On this event, link the aggregate (or the id in ``id_field``) to the id in ``subject``."""

    subject: str
    id_field: str | None = None


_ABOUT_THE_VOLUNTEER = "written about the volunteer, may name or describe them"

#: Per event class, the personal fields it carries.
PERSONAL_FIELDS: Mapping[type[Aggregate.Event], tuple[Personal, ...]] = {
    Volunteer.Registered: (
        Personal(
            ("name", "phone", "birth_date", "guardian_name"),
            OWN,
            "the volunteer's identity, contact and age, and their guardian's name",
        ),
    ),
    Volunteer.ProfileChanged: (Personal(("name", "phone"), OWN, "a new name or phone"),),
    Volunteer.Moved: (Personal(("reason",), OWN, _ABOUT_THE_VOLUNTEER),),
    Volunteer.Suspended: (Personal(("reason",), OWN, _ABOUT_THE_VOLUNTEER),),
    Volunteer.Reinstated: (Personal(("reason",), OWN, _ABOUT_THE_VOLUNTEER),),
    Volunteer.Withdrew: (Personal(("reason",), OWN, _ABOUT_THE_VOLUNTEER),),
    Volunteer.Erased: (Personal(("reason",), OWN, "the admin's reason, about the person"),),
    Account.Created: (
        Personal(
            ("username", "display_name"),
            NamedBy("volunteer_id"),
            "a person's name; a staff username is often one (李明华, li.minghua)",
        ),
    ),
    Account.OrganiserDismissed: (Personal(("reason",), LINKED, "written about the holder"),),
    Account.Disabled: (Personal(("reason",), LINKED, "written about the holder"),),
    Account.Enabled: (Personal(("reason",), LINKED, "written about the holder"),),
    Activity.Created: (Personal(("contact",), OWN, "a contact person's name and phone"),),
    Shift.SignUpCancelled: (
        Personal(("reason",), NamedBy("volunteer_id"), "why this volunteer cannot come"),
    ),
    Attendance.NoShowMarked: (Personal(("reason",), LINKED, _ABOUT_THE_VOLUNTEER),),
    Attendance.NoShowUndone: (Personal(("reason",), LINKED, _ABOUT_THE_VOLUNTEER),),
    ServiceRecord.Recorded: (
        Personal(
            ("description", "beneficiary"),
            NamedBy("volunteer_id"),
            "what the volunteer did, and for whom (a beneficiary is a person too)",
        ),
    ),
    ServiceRecord.Rejected: (Personal(("reason",), LINKED, _ABOUT_THE_VOLUNTEER),),
    ServiceRecord.Corrected: (Personal(("reason",), LINKED, _ABOUT_THE_VOLUNTEER),),
    ServiceRecord.Revoked: (Personal(("reason",), LINKED, _ABOUT_THE_VOLUNTEER),),
    ServiceRecord.CorrectionRequested: (
        Personal(("reason",), LINKED, "the volunteer's own words"),
    ),
    ServiceRecord.CorrectionRequestDeclined: (Personal(("reason",), LINKED, _ABOUT_THE_VOLUNTEER),),
    Certificate.Issued: (
        Personal(
            ("person_in_charge", "handler", "contact"),
            OWN,
            "the issuer's staff: names and a phone, under the certificate's own key",
        ),
    ),
    Certificate.Revoked: (Personal(("reason",), LINKED, "written about the holder"),),
    CertificateRequest.Declined: (Personal(("reason",), LINKED, _ABOUT_THE_VOLUNTEER),),
    RecognitionList.Published: (
        Personal(
            ("name",),
            NamedBy("volunteer_id"),
            "each entry's name, under that entry's volunteer",
            within="entries",
        ),
    ),
    RecognitionList.ObjectionFiled: (
        Personal(("reason",), NamedBy("volunteer_id"), "the objecting volunteer's words"),
    ),
    RecognitionList.ObjectionResolved: (
        Personal(("resolution",), Linked(via="objection_id"), "about the objecting volunteer"),
    ),
}

#: Events that link an aggregate (or another id) to the person whose data its events hold.
LINKS: Mapping[type[Aggregate.Event], Link] = {
    Account.Created: Link("volunteer_id"),
    Attendance.Opened: Link("volunteer_id"),
    ServiceRecord.Recorded: Link("volunteer_id"),
    Certificate.Issued: Link("volunteer_id"),
    CertificateRequest.Requested: Link("volunteer_id"),
    RecognitionList.ObjectionFiled: Link("volunteer_id", id_field="objection_id"),
}

#: Per snapshotted aggregate class, the attributes of its state that hold personal data.
PERSONAL_STATE: Mapping[type[Aggregate], tuple[Personal, ...]] = {
    Volunteer: (
        Personal(("name", "phone", "birth_date", "guardian_name"), OWN, "as in Registered"),
    ),
    Account: (Personal(("username", "display_name"), NamedBy("volunteer_id"), "as in Created"),),
    Activity: (Personal(("contact",), OWN, "as in Created"),),
    ServiceRecord: (
        Personal(("description", "beneficiary"), NamedBy("volunteer_id"), "as in Recorded"),
    ),
    Certificate: (
        Personal(("person_in_charge", "handler", "contact"), OWN, "as in Issued"),
        Personal(("revocation_reason",), NamedBy("volunteer_id"), "as in Revoked"),
    ),
}

#: Events after whose save the subject's keys are destroyed: erasure.
ERASURES: Mapping[type[Aggregate.Event], Subject] = {Volunteer.Erased: OWN}
