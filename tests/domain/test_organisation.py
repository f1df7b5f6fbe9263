from uuid import uuid4

import pytest

from domain.errors import InvalidInputError, OrganisationClosedError
from domain.organisation import Organisation, name_key
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
        an_organisation().rename("东城区", "区划调整", ADMIN)


def test_closing_twice_is_refused():
    district = an_organisation()
    district.close("区划调整", ADMIN)
    with pytest.raises(OrganisationClosedError):
        district.close("再次关闭", ADMIN)


def test_a_rename_says_why():
    district = an_organisation()
    district.rename("东城新区", "区划调整", ADMIN)
    [*_, renamed] = district.collect_events()
    assert (district.name, renamed.reason) == ("东城新区", "区划调整")


def test_a_rename_without_a_reason_is_refused():
    with pytest.raises(InvalidInputError):
        an_organisation().rename("东城新区", " ", ADMIN)


def test_a_version_1_rename_reads_with_an_empty_reason():
    state = {"name": "东城新区", "actor": "system"}
    Organisation.Renamed.upcast_v1_v2(state)
    assert state["reason"] == ""


def test_names_that_differ_only_in_width_case_or_spaces_are_one_name_among_siblings():
    parent = uuid4()
    assert name_key(parent, "和平里 社区") == name_key(parent, " 和平里  社区")
    assert name_key(parent, "ＡＢＣ社区") == name_key(parent, "abc社区")
    assert name_key(parent, "和平里社区") != name_key(uuid4(), "和平里社区")
