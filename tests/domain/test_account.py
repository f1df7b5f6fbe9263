from uuid import uuid4

import pytest

from domain.account import Account, check_username
from domain.errors import AccountDisabledError, InvalidInputError
from domain.values import SYSTEM


def organiser() -> Account:
    return Account.for_staff(
        id=uuid4(),
        username="li.organiser",
        display_name="李组织",
        password_hash="$argon2id$x",
        is_admin=False,
        actor=SYSTEM,
    )


@pytest.mark.parametrize("username", ["ab", "13812345678", "123456782", "has space", "x" * 33])
def test_a_username_that_could_be_confused_or_is_malformed_is_refused(username):
    with pytest.raises(InvalidInputError):
        check_username(username)


def test_usernames_are_compared_in_lower_case():
    assert check_username("Li.Organiser") == "li.organiser"


def test_an_organiser_is_appointed_to_an_organisation_once():
    account = organiser()
    street = uuid4()
    account.appoint_organiser(street, SYSTEM)
    account.appoint_organiser(street, SYSTEM)
    assert account.organisations == [street]


def test_a_volunteers_own_account_cannot_organise():
    account = Account.for_volunteer(
        volunteer_id=uuid4(), display_name="王小明", password_hash="h", actor=SYSTEM
    )
    with pytest.raises(InvalidInputError):
        account.appoint_organiser(uuid4(), SYSTEM)


def test_a_disabled_account_cannot_change_its_password():
    account = organiser()
    account.disable("离职", SYSTEM)
    with pytest.raises(AccountDisabledError):
        account.change_password("new-hash", SYSTEM)


def test_an_accounts_actor_carries_the_volunteer_it_is():
    volunteer = uuid4()
    account = Account.for_volunteer(
        volunteer_id=volunteer, display_name="王小明", password_hash="h", actor=SYSTEM
    )
    assert account.as_actor().volunteer_id == volunteer
