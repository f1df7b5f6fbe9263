from datetime import date
from uuid import uuid4

import pytest

from domain.errors import InvalidInputError, RegistrationRefusedError, VolunteerInactiveError
from domain.policy import Policy
from domain.values import Actor
from domain.volunteer import Volunteer, VolunteerStatus

TODAY = date(2026, 3, 2)
ORGANISER = Actor.account("organiser")


def register(**overrides) -> Volunteer:
    fields = {
        "id": uuid4(),
        "volunteer_number": "123456782",
        "name": "李春花",
        "phone": "13900001111",
        "birth_date": date(1985, 1, 1),
        "home_organisation_id": uuid4(),
        "skills": ["理发", "急救"],
        "privacy_consent": True,
        "guardian_name": None,
        "guardian_consent": False,
        "today": TODAY,
        "policy": Policy(),
        "actor": ORGANISER,
    }
    fields.update(overrides)
    return Volunteer.register(**fields)


def test_registration_requires_consent_to_the_privacy_notice():
    with pytest.raises(RegistrationRefusedError, match="privacy"):
        register(privacy_consent=False)


def test_registration_below_the_minimum_age_is_refused():
    with pytest.raises(RegistrationRefusedError, match="at least 14"):
        register(birth_date=date(2012, 3, 3))


def test_the_minimum_age_is_configurable():
    volunteer = register(
        birth_date=date(2014, 1, 1),
        policy=Policy(minimum_age=12),
        guardian_name="张伟",
        guardian_consent=True,
    )
    assert volunteer.is_active


def test_a_minor_needs_a_guardian():
    with pytest.raises(RegistrationRefusedError, match="guardian"):
        register(birth_date=date(2010, 1, 1))


def test_a_minor_needs_the_guardians_consent_not_only_a_name():
    with pytest.raises(RegistrationRefusedError, match="guardian"):
        register(birth_date=date(2010, 1, 1), guardian_name="张伟", guardian_consent=False)


def test_a_minor_with_a_consenting_guardian_is_registered():
    volunteer = register(birth_date=date(2010, 1, 1), guardian_name="张伟", guardian_consent=True)
    assert volunteer.guardian_name == "张伟"


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(InvalidInputError):
        register(birth_date=date(2027, 1, 1))


def test_skills_are_cleaned_of_blanks_repeats_and_padding():
    volunteer = register(skills=[" 理发", "理发", "急救 "])
    assert volunteer.skills == ["理发", "急救"]


def test_a_suspended_volunteer_is_not_active():
    volunteer = register()
    volunteer.suspend("多次无故缺席", ORGANISER)
    with pytest.raises(VolunteerInactiveError, match="suspended"):
        volunteer.require_active()


def test_a_suspended_volunteer_can_be_reinstated():
    volunteer = register()
    volunteer.suspend("多次无故缺席", ORGANISER)
    volunteer.reinstate("已说明情况", ORGANISER)
    assert volunteer.status == VolunteerStatus.ACTIVE


def test_only_a_suspended_volunteer_can_be_reinstated():
    with pytest.raises(VolunteerInactiveError):
        register().reinstate("无", ORGANISER)


def test_a_withdrawn_volunteer_cannot_change_their_profile():
    volunteer = register()
    volunteer.withdraw("搬家离开本市", Actor.volunteer(volunteer.id))
    with pytest.raises(VolunteerInactiveError, match="withdrawn"):
        volunteer.change_profile(name="李春华", phone=None, skills=None, actor=ORGANISER)


def test_suspension_needs_a_reason():
    with pytest.raises(InvalidInputError, match="reason"):
        register().suspend("  ", ORGANISER)


def test_a_profile_change_that_changes_nothing_is_refused():
    volunteer = register()
    with pytest.raises(InvalidInputError):
        volunteer.change_profile(name="李春花", phone=None, skills=None, actor=ORGANISER)


def test_replaying_a_volunteers_history_rebuilds_the_same_state():
    volunteer = register()
    volunteer.change_profile(name="李春华", phone="13900002222", skills=["急救"], actor=ORGANISER)
    volunteer.move_to(uuid4(), "搬到新社区", ORGANISER)
    volunteer.suspend("核查中", ORGANISER)
    volunteer.reinstate("核查完毕", ORGANISER)
    replayed = None
    for recorded in volunteer.collect_events():
        replayed = recorded.mutate(replayed)
    assert replayed.__dict__ == volunteer.__dict__


def test_a_volunteer_can_opt_out_of_public_lists():
    volunteer = register()
    volunteer.change_listing(public=False, guardian_consent=False, actor=ORGANISER)
    assert not volunteer.listed_publicly


def test_unchanged_listing_preferences_are_refused():
    with pytest.raises(InvalidInputError):
        register().change_listing(public=True, guardian_consent=False, actor=ORGANISER)


def test_an_erased_volunteer_is_a_pseudonym_without_phone_or_birth_date():
    volunteer = register(guardian_name="张伟")
    volunteer.erase(pseudonym_number=42, reason="", actor=ORGANISER)
    assert (volunteer.name, volunteer.phone, volunteer.birth_date, volunteer.guardian_name) == (
        "已注销志愿者 000042",
        None,
        None,
        None,
    )
    assert volunteer.status == VolunteerStatus.ERASED


def test_an_erased_volunteer_is_off_public_lists():
    volunteer = register()
    volunteer.erase(pseudonym_number=1, reason="", actor=ORGANISER)
    assert not volunteer.listed_publicly


def test_a_volunteer_is_erased_only_once():
    volunteer = register()
    volunteer.erase(pseudonym_number=1, reason="", actor=ORGANISER)
    with pytest.raises(VolunteerInactiveError, match="erased"):
        volunteer.erase(pseudonym_number=2, reason="", actor=ORGANISER)


def test_an_erased_volunteers_profile_cannot_change():
    volunteer = register()
    volunteer.erase(pseudonym_number=1, reason="", actor=ORGANISER)
    with pytest.raises(VolunteerInactiveError):
        volunteer.change_profile(name="王五", phone=None, skills=None, actor=ORGANISER)
