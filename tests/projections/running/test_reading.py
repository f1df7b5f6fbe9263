"""The runner's reading: decoded events whose ids are UUIDs that know their text."""

from uuid import UUID, uuid4

from projections.running.reading import BatchReader, Ids
from tests.projections.running.runner_helpers import busy_shift


def test_a_texted_id_is_equal_to_and_formats_as_the_uuid_it_replaces():
    id = uuid4()
    texted = Ids().texted(id)
    assert texted == id
    assert hash(texted) == hash(id)
    assert isinstance(texted, UUID)
    assert str(texted) == str(id)
    assert repr(texted) == repr(id)


def test_the_same_id_decoded_twice_is_one_texted_id():
    ids, id = Ids(), uuid4()
    assert ids.texted(UUID(str(id))) is ids.texted(UUID(str(id)))


def test_ids_kept_are_let_go_past_the_limit_and_still_format_right():
    ids = Ids(kept=4)
    made = [uuid4() for _ in range(9)]
    first = ids.texted(made[0])
    assert [str(ids.texted(id)) for id in made] == [str(id) for id in made]
    assert ids.texted(made[0]) is not first


def test_a_batch_read_has_every_uuid_field_of_its_events_texted(ledger):
    shift, _ = busy_shift(ledger)
    stored = ledger.recorder.select_notifications(start=1, limit=1000)
    handled = frozenset(type(ledger.mapper.to_domain_event(n)) for n in stored)
    batch = BatchReader(ledger, 1000).read(0, None, handled)
    assert len(batch.events) == len(stored)
    for event, _ in batch.events:
        for value in vars(event).values():
            assert type(value) is not UUID  # each one replaced
    signed_up = [e for e, _ in batch.events if type(e).__name__ == "VolunteerSignedUp"]
    assert [str(e.originator_id) for e in signed_up] == [str(shift)] * len(signed_up)
