from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidInputError, RecognitionListError
from domain.recognition import RecognitionList
from domain.values import Actor

NOW = datetime(2026, 3, 2, tzinfo=UTC)
ORGANISER = Actor.account("organiser")
WINNER = uuid4()


def published() -> RecognitionList:
    return RecognitionList.publish(
        organisation_id=uuid4(),
        period="2026-B1",
        category=None,
        title="2026年第一期好人榜",
        entries=[
            {
                "rank": 1,
                "volunteer_id": str(WINNER),
                "volunteer_number": "123456782",
                "name": "王*英",
                "minutes": 1200,
            }
        ],
        publicity_ends_at=NOW + timedelta(days=7),
        actor=ORGANISER,
    )


def test_an_empty_list_cannot_be_published():
    with pytest.raises(InvalidInputError):
        RecognitionList.publish(
            organisation_id=uuid4(),
            period="2026",
            category=None,
            title="空榜",
            entries=[],
            publicity_ends_at=NOW,
            actor=ORGANISER,
        )


def test_the_same_organisation_period_and_category_name_one_list():
    organisation = uuid4()
    assert RecognitionList.id_for(organisation, "2026-B1", None) == RecognitionList.id_for(
        organisation, "2026-B1", None
    )


def test_an_objection_after_the_window_is_refused():
    with pytest.raises(RecognitionListError, match="closed"):
        published().file_objection(
            uuid4(), WINNER, "时长存疑", now=NOW + timedelta(days=7), actor=ORGANISER
        )


def test_an_objection_must_concern_someone_on_the_list():
    with pytest.raises(InvalidInputError):
        published().file_objection(uuid4(), uuid4(), "时长存疑", now=NOW, actor=ORGANISER)


def test_an_upheld_objection_withdraws_the_entry_but_keeps_it_on_the_list():
    recognition = published()
    objection = uuid4()
    recognition.file_objection(objection, WINNER, "时长存疑", now=NOW, actor=ORGANISER)
    recognition.resolve_objection(objection, upheld=True, resolution="核查属实", actor=ORGANISER)
    assert (recognition.withdrawn, len(recognition.entries)) == ([str(WINNER)], 1)


def test_a_list_with_an_open_objection_cannot_be_final():
    recognition = published()
    recognition.file_objection(uuid4(), WINNER, "时长存疑", now=NOW, actor=ORGANISER)
    with pytest.raises(RecognitionListError, match="open"):
        recognition.finalise(now=NOW + timedelta(days=8), actor=ORGANISER)


def test_a_list_is_final_only_after_its_window():
    recognition = published()
    with pytest.raises(RecognitionListError, match="still open"):
        recognition.finalise(now=NOW + timedelta(days=6), actor=ORGANISER)
    recognition.finalise(now=NOW + timedelta(days=7), actor=ORGANISER)
    assert recognition.is_final
