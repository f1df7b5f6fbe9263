"""The declaration of personal fields is complete: each text field is sealed or left in clear
on purpose, and each snapshotted aggregate holding personal data has its state declared."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from eventsourcing.domain import Aggregate

import domain
from domain.ledger import Ledger
from domain.personal import LINKS, PERSONAL_FIELDS, PERSONAL_STATE, Linked
from domain.shift import Shift

#: Text and date fields left in clear, and why each names nobody.
IN_CLEAR = {
    # Hashes, made outside the ledger from secrets it never sees.
    ("Account.Created", "password_hash"),
    ("Account.PasswordChanged", "password_hash"),
    ("Account.PasswordResetIssued", "code_hash"),
    ("Account.PasswordReset", "password_hash"),
    ("Receipt.Issued", "fingerprint"),
    # What an erased person is shown as instead of their name.
    ("Account.Erased", "pseudonym"),
    ("Volunteer.Erased", "pseudonym"),
    # About the work, the place or the organisation, not a person.
    ("Activity.Created", "title"),
    ("Activity.Created", "category"),
    ("Activity.Created", "location"),
    ("Activity.Created", "description"),
    ("Activity.Closed", "reason"),
    ("Organisation.Created", "name"),
    ("Organisation.Created", "kind"),
    ("Organisation.Created", "timezone"),
    ("Organisation.Renamed", "name"),
    ("Organisation.Renamed", "reason"),
    ("Organisation.Closed", "reason"),
    ("RecognitionList.Published", "period"),
    ("RecognitionList.Published", "category"),
    ("RecognitionList.Published", "title"),
    ("Series.Scheduled", "first_day"),
    ("Series.Scheduled", "last_day"),
    ("Series.Scheduled", "start_time"),
    ("Series.Scheduled", "end_time"),
    ("Series.CapacityChanged", "from_day"),
    ("Series.TimesChanged", "from_day"),
    ("Series.TimesChanged", "start_time"),
    ("Series.TimesChanged", "end_time"),
    ("Series.TimesChanged", "reason"),
    ("Series.CancelledFrom", "from_day"),
    ("Series.CancelledFrom", "reason"),
    ("Shift.Scheduled", "location"),
    ("Shift.Scheduled", "required_skills"),
    ("Shift.Rescheduled", "reason"),
    ("Shift.Cancelled", "reason"),
    # Numbers, dates of service and kinds: what hours and certificates are made of.
    ("Certificate.Issued", "number"),
    ("Certificate.Issued", "period_start"),
    ("Certificate.Issued", "period_end"),
    ("Certificate.Issued", "issued_on"),
    ("Certificate.Revoked", "number"),
    ("CertificateRequest.Requested", "period_start"),
    ("CertificateRequest.Requested", "period_end"),
    ("Receipt.Issued", "command"),
    ("ServiceRecord.Recorded", "source"),
    ("ServiceRecord.Recorded", "service_date"),
    ("Timesheet.TimeCounted", "service_date"),
    ("UniqueKey.Created", "namespace"),
    # A random number the ledger draws (it names erased volunteers' hours), and skills.
    ("Volunteer.Registered", "volunteer_number"),
    ("Volunteer.Registered", "skills"),
    ("Volunteer.ProfileChanged", "skills"),
}
#: Snapshotted aggregates with personal events whose state keeps none of it (a shift does not
#: keep why a sign-up was cancelled). The scan of a live store checks their snapshots.
STATE_WITHOUT_PERSONAL_DATA = {Shift}
_LIBRARY_FIELDS = {"self", "originator_id", "originator_version", "timestamp", "originator_topic"}


def aggregates() -> list[type[Aggregate]]:
    found = []
    for module_info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"domain.{module_info.name}")
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Aggregate)
            and value.__module__ == module.__name__
        ]
    return found


def events() -> list[type[Aggregate.Event]]:
    return [
        value
        for aggregate in aggregates()
        for value in vars(aggregate).values()
        if isinstance(value, type) and issubclass(value, Aggregate.Event)
    ]


def text_fields(event: type[Aggregate.Event]) -> set[str]:
    """Fields of text, dates, lists and dicts (what could hold a name or a phone)."""
    parameters = inspect.signature(event.__init__).parameters
    return {
        name
        for name, parameter in parameters.items()
        if name not in _LIBRARY_FIELDS
        and name != "actor"
        and "datetime" not in str(parameter.annotation)
        and any(kind in str(parameter.annotation) for kind in ("str", "date", "dict", "Any"))
    }


def declared(event: type[Aggregate.Event]) -> set[str]:
    return {
        rule.within or field for rule in PERSONAL_FIELDS.get(event, ()) for field in rule.fields
    }


def test_every_text_field_of_every_event_is_sealed_or_left_in_clear_on_purpose():
    undecided = {
        (event.__qualname__, field)
        for event in events()
        for field in text_fields(event) - declared(event)
    } - IN_CLEAR
    assert undecided == set()


def test_no_field_is_both_sealed_and_left_in_clear():
    sealed = {(event.__qualname__, field) for event in events() for field in declared(event)}
    assert sealed & IN_CLEAR == set()


def test_every_declared_field_exists_on_its_event():
    for event, rules in PERSONAL_FIELDS.items():
        parameters = inspect.signature(event.__init__).parameters
        for rule in rules:
            assert set(rule.fields if rule.within is None else (rule.within,)) <= set(parameters)


def test_every_snapshotted_aggregate_with_personal_events_has_its_state_declared():
    personal = {
        aggregate
        for aggregate in aggregates()
        if any(vars(aggregate).get(event.__name__) is event for event in PERSONAL_FIELDS)
    }
    snapshotted = set(Ledger.snapshotting_intervals)
    assert personal & snapshotted <= set(PERSONAL_STATE) | STATE_WITHOUT_PERSONAL_DATA


def test_events_that_find_their_subject_by_a_link_belong_to_linked_aggregates():
    linked_aggregates = {event.__qualname__.split(".")[0] for event in LINKS}
    for event, rules in PERSONAL_FIELDS.items():
        for rule in rules:
            if isinstance(rule.whose, Linked) and rule.whose.via is None:
                assert event.__qualname__.split(".")[0] in linked_aggregates, event
