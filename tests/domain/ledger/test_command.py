"""A command's ``.written(...)``: its value and the position of its own write."""

import threading
from uuid import UUID

import pytest

from domain.ledger import Ledger, command
from domain.values import Actor
from tests.factories import ADMIN


class CityLedger(Ledger):
    """A ledger with one command that runs two others, as a command may."""

    @command
    def create_two_districts(self, actor: Actor) -> list[UUID]:
        return [
            self.create_organisation(name="东城区", kind="district", actor=actor),
            self.create_organisation(name="西城区", kind="district", actor=actor),
        ]

    @command
    def create_district_asking_its_position(self, actor: Actor) -> int | None:
        return self.create_organisation.written(name="东城区", kind="district", actor=actor)[1]


def originator_at(ledger: Ledger, position: int) -> UUID:
    [notification] = ledger.recorder.select_notifications(start=position, limit=1)
    return notification.originator_id


def test_written_gives_the_value_and_the_position_of_the_commands_last_event(ledger):
    district, position = ledger.create_organisation.written(
        name="东城区", kind="district", actor=ADMIN
    )
    assert position == ledger.recorder.max_notification_id()
    assert originator_at(ledger, position) == district


def test_calling_a_command_gives_its_value_alone(ledger):
    district = ledger.create_organisation(name="东城区", kind="district", actor=ADMIN)
    assert ledger.organisation(district).name == "东城区"


def test_each_thread_is_told_the_position_of_its_own_write(store_url, clock):
    ledger = Ledger(store_url, clock=clock)
    start = threading.Barrier(2)
    mismatches: list[tuple[UUID, UUID]] = []

    def create_districts(prefix: str) -> None:
        start.wait()
        for i in range(15):
            written = ledger.create_organisation.written(
                name=f"{prefix}{i}区", kind="district", actor=ADMIN
            )
            assert written.position is not None
            if originator_at(ledger, written.position) != written.value:
                mismatches.append((originator_at(ledger, written.position), written.value))

    threads = [threading.Thread(target=create_districts, args=(p,)) for p in ("东", "西")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mismatches == []
    ledger.close()


def test_a_nested_command_is_written_with_the_outer_command_and_its_position(store_url, clock):
    ledger = CityLedger(store_url, clock=clock)
    (east, west), position = ledger.create_two_districts.written(ADMIN)
    assert position == ledger.recorder.max_notification_id()
    assert {originator_at(ledger, position - 1), originator_at(ledger, position)} == {east, west}
    ledger.close()


def test_a_nested_command_has_no_position_of_its_own(store_url, clock):
    ledger = CityLedger(store_url, clock=clock)
    with pytest.raises(RuntimeError, match="inside another command"):
        ledger.create_district_asking_its_position(ADMIN)
    assert ledger.recorder.max_notification_id() in (None, 0)
    ledger.close()
