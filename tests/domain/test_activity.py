"""The activity's contact: given, checked, and absent from events stored before it existed."""

from uuid import uuid4

import pytest

from domain.activity import Activity
from domain.errors import InvalidInputError
from domain.organisation import Organisation
from domain.policy import Policy
from domain.values import Actor

ORGANISER = Actor.account("organiser")


def an_activity(contact: str | None = None) -> Activity:
    organisation = Organisation.create(
        id=uuid4(), name="和平里社区", kind="community", parent=None, actor=ORGANISER
    )
    return Activity.create(
        id=uuid4(),
        title="爱心义诊",
        category="义诊",
        organisation=organisation,
        location="社区卫生服务站",
        description="",
        policy=Policy(),
        actor=ORGANISER,
        contact=contact,
    )


def test_an_activity_keeps_its_contact_stripped():
    assert an_activity("  李老师 010-6401 2345 ").contact == "李老师 010-6401 2345"


def test_an_activity_may_have_no_contact():
    assert an_activity().contact is None


@pytest.mark.parametrize("contact", ["   ", "李" * 101])
def test_a_blank_or_too_long_contact_is_refused(contact):
    with pytest.raises(InvalidInputError):
        an_activity(contact)


def test_a_version_1_created_event_reads_without_a_contact():
    state = {"title": "爱心义诊", "category": "爱心义诊", "location": "社区卫生服务站"}
    Activity.Created.upcast_v1_v2(state)
    assert state["contact"] is None


def test_a_version_1_snapshot_reads_without_a_contact():
    state = {"title": "爱心义诊", "shift_ids": [], "is_closed": False}
    Activity.upcast_v1_v2(state)
    assert state["contact"] is None
