"""The ledger's mapper: personal fields sealed before an event is stored, opened when read.

A personal field (``domain.personal``) is replaced, before the event is transcoded, by
``{"sealed": envelope}``: the field's value transcoded to bytes and sealed by the ``Sealer``
under its subject's key, with associated data naming the event's topic, aggregate, version
and the field's path, so that an envelope copied into another event or field does not open.
Reading opens every envelope it finds (whatever the event's class version), before upcasting;
one whose subject's keys were destroyed opens as ``None``.

Without a sealer nothing is sealed, and a store that holds envelopes is refused rather than
misread. Snapshots are sealed too, by the attributes named in ``PERSONAL_STATE``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol, Snapshot
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

from domain.personal import (
    LINKS,
    PERSONAL_FIELDS,
    PERSONAL_STATE,
    Linked,
    NamedBy,
    Own,
    Personal,
    Sealer,
    Subject,
)

SEALED = "sealed"
_MARK = b'"sealed"'


def associated_data(topic: str, originator_id: UUID, version: int, path: str) -> bytes:
    """What an envelope is bound to: its event (topic, aggregate, version) and field path."""
    return f"{topic}|{originator_id}|{version}|{path}".encode()


class SealingMapper(Mapper[UUID]):
    """The library's mapper (no compressor, no cipher), sealing personal fields."""

    def __init__(self, transcoder: Transcoder, sealer: Sealer | None = None) -> None:
        super().__init__(transcoder)
        self.sealer = sealer

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        topic = get_topic(domain_event.__class__)
        event_state = dict(vars(domain_event))
        originator_id = event_state.pop("originator_id")
        originator_version = event_state.pop("originator_version")
        if self.sealer is not None:
            _Sealing(self, self.sealer, topic, originator_id, originator_version).event(
                type(domain_event), event_state
            )
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            event_state["class_version"] = class_version
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=topic,
            state=self.transcoder.encode(event_state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        try:
            event_state: dict[str, Any] = self.transcoder.decode(stored_event.state)
        except Exception as error:
            raise _unreadable(stored_event, error) from error
        if _MARK in stored_event.state:
            # A broken seal is a ValueError; the key store out of reach is not, and goes up
            # as it is, to be answered as the database being unavailable.
            try:
                event_state = self._open(stored_event, event_state)
            except ValueError as error:
                raise _unreadable(stored_event, error) from error
        id_convertor = find_id_convertor(cls, cast(Hashable, type(stored_event.originator_id)))
        event_state["originator_id"] = id_convertor(stored_event.originator_id)
        event_state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return cast(DomainEventProtocol[UUID], domain_event)

    def _open(self, stored: StoredEvent, state: dict[str, Any]) -> dict[str, Any]:
        originator_id = UUID(str(stored.originator_id))

        def walk(value: Any, path: str) -> Any:
            if isinstance(value, dict):
                sealed = value.get(SEALED) if len(value) == 1 else None
                if isinstance(sealed, dict):
                    return self._open_one(sealed, stored, originator_id, path)
                return {
                    key: walk(item, f"{path}/{key}" if path else key) for key, item in value.items()
                }
            if isinstance(value, list):
                return [walk(item, f"{path}/{index}") for index, item in enumerate(value)]
            return value

        return cast(dict[str, Any], walk(state, ""))

    def _open_one(
        self, envelope: dict[str, Any], stored: StoredEvent, originator_id: UUID, path: str
    ) -> Any:
        if self.sealer is None:
            raise ValueError(
                "the store holds sealed personal data: open it with the vault's master key"
            )
        associated = associated_data(stored.topic, originator_id, stored.originator_version, path)
        plaintext = self.sealer.open(envelope, associated)
        return None if plaintext is None else self.transcoder.decode(plaintext)


class _Sealing:
    """Seals the personal fields of one event's state, in place (on copies of nested values)."""

    def __init__(
        self, mapper: SealingMapper, sealer: Sealer, topic: str, originator_id: UUID, version: int
    ) -> None:
        self.mapper, self.sealer = mapper, sealer
        self.topic, self.originator_id, self.version = topic, originator_id, version

    def event(self, cls: type[object], state: dict[str, Any]) -> None:
        link = LINKS.get(cast(Any, cls))
        if link is not None and state.get(link.subject) is not None:
            linked = self.originator_id if link.id_field is None else state[link.id_field]
            self.sealer.link(_uuid(linked), _uuid(state[link.subject]))
        if issubclass(cls, Snapshot):
            rules = PERSONAL_STATE.get(resolve_topic(state["topic"]), ())
            if rules:
                inner = dict(state["state"])
                self.fields(rules, inner, "state")
                state["state"] = inner
        else:
            self.fields(PERSONAL_FIELDS.get(cast(Any, cls), ()), state, "")

    def fields(self, rules: tuple[Personal, ...], values: dict[str, Any], prefix: str) -> None:
        for rule in rules:
            if rule.within is None:
                self.seal_each(rule, values, prefix)
                continue
            items = []
            for index, item in enumerate(values[rule.within]):
                copied = dict(item)
                self.seal_each(rule, copied, _path(prefix, f"{rule.within}/{index}"))
                items.append(copied)
            values[rule.within] = items

    def seal_each(self, rule: Personal, values: dict[str, Any], prefix: str) -> None:
        subject = self.subject(rule.whose, values)
        for name in rule.fields:
            value = values.get(name)
            if value is None:
                continue
            associated = associated_data(
                self.topic, self.originator_id, self.version, _path(prefix, name)
            )
            plaintext = self.mapper.transcoder.encode(value)
            values[name] = {SEALED: self.sealer.seal(subject, plaintext, associated)}

    def subject(self, whose: Subject, values: Mapping[str, Any]) -> UUID:
        if isinstance(whose, Own):
            return self.originator_id
        if isinstance(whose, NamedBy):
            named = values.get(whose.field)
            return self.originator_id if named is None else _uuid(named)
        assert isinstance(whose, Linked)
        linked = self.originator_id if whose.via is None else _uuid(values[whose.via])
        return self.sealer.subject_linked_to(linked) or self.originator_id


def _unreadable(stored: StoredEvent, error: Exception) -> MapperDeserialisationError:
    return MapperDeserialisationError(
        f"Failed to deserialise state of stored event with topic '{stored.topic}', "
        f"originator_id '{stored.originator_id}' and originator_version "
        f"{stored.originator_version}: {error}"
    )


def _path(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
