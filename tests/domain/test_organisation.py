from uuid import uuid4

import pytest

from domain.errors import InvalidInputError, OrganisationClosedError
from domain.organisation import Organisation
from domain.values import Actor

ADMIN = Actor.account("admin")


def an_organisation(parent: Organisation | None = None, **overrides) -> Organisation:
    fields = {"id": uuid4(), "name": "东城区", "kind": "district", "parent": parent, "actor": ADMIN}
    fields.update(overrides)
    return Organisation.create(**fields)


def test_a_child_is_attached_to_its_parent():
    district = an_organisation()
    street = an_organisation(district, name="和平里街道", kind="street")
    assert (street.parent_id, district.children) == (district.id, [street.id])


def test_the_default_time_zone_is_beijing_time():
    assert an_organisation().timezone == "Asia/Shanghai"


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(InvalidInputError, match="time zone"):
        an_organisation(timezone="Mars/Olympus")


def test_a_closed_organisation_takes_no_children():
    district = an_organisation()
    district.close("区划调整", ADMIN)
    with pytest.raises(OrganisationClosedError):
        an_organisation(district, name="和平里街道")


def test_a_blank_name_is_refused():
    with pytest.raises(InvalidInputError, match="name"):
        an_organisation(name="   ")


def test_renaming_to_the_same_name_is_refused():
    with pytest.raises(InvalidInputError):
        an_organisation().rename("东城区", ADMIN)


def test_closing_twice_is_refused():
    district = an_organisation()
    district.close("区划调整", ADMIN)
    with pytest.raises(OrganisationClosedError):
        district.close("再次关闭", ADMIN)
