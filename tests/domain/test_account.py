from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.account import Account, check_username
from domain.errors import AccountDisabledError, InvalidInputError, ResetCodeRefusedError
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


@pytest.mark.parametrize(
    "username", ["a", "王", "13812345678", "123456782", "has space", "x" * 33, "李明@"]
)
def test_a_username_that_could_be_confused_or_is_malformed_is_refused(username):
    with pytest.raises(InvalidInputError):
        check_username(username)


def test_usernames_are_compared_in_lower_case():
    assert check_username("Li.Organiser") == "li.organiser"


@pytest.mark.parametrize("username", ["王芳", "李明华", "社区_李明", "李明2"])
def test_a_username_may_be_chinese(username):
    assert check_username(username) == username


def test_full_width_letters_and_digits_are_normalised():
    assert check_username("Ｌｉ．Ｍｉｎｇ２") == "li.ming2"


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


NOW = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def test_changes_that_end_tokens_move_the_security_epoch_on():
    account = organiser()
    street = uuid4()
    steps = [
        lambda: account.appoint_organiser(street, SYSTEM),
        lambda: account.dismiss_organiser(street, "换届", SYSTEM),
        lambda: account.change_password("$argon2id$y", SYSTEM),
        lambda: account.log_out(SYSTEM),
        lambda: account.disable("离职", SYSTEM),
    ]
    epochs = [account.security_epoch]
    for step in steps:
        step()
        epochs.append(account.security_epoch)
    assert epochs == [0, 1, 2, 3, 4, 5]


def test_issuing_a_reset_code_leaves_tokens_alone():
    account = organiser()
    account.issue_password_reset("hash-1", NOW + DAY, SYSTEM)
    assert account.security_epoch == 0


def test_the_latest_reset_code_sets_a_new_password_and_ends_tokens():
    account = organiser()
    account.issue_password_reset("hash-1", NOW + DAY, SYSTEM)
    account.reset_password("hash-1", "$argon2id$new", NOW, SYSTEM)
    assert account.password_hash == "$argon2id$new"
    assert account.security_epoch == 1


def test_a_used_reset_code_is_refused():
    account = organiser()
    account.issue_password_reset("hash-1", NOW + DAY, SYSTEM)
    account.reset_password("hash-1", "$argon2id$new", NOW, SYSTEM)
    with pytest.raises(ResetCodeRefusedError):
        account.reset_password("hash-1", "$argon2id$again", NOW, SYSTEM)


def test_an_expired_reset_code_is_refused():
    account = organiser()
    account.issue_password_reset("hash-1", NOW + DAY, SYSTEM)
    with pytest.raises(ResetCodeRefusedError, match="expired"):
        account.reset_password("hash-1", "$argon2id$new", NOW + DAY, SYSTEM)


def test_a_reset_code_replaced_by_a_newer_one_is_refused():
    account = organiser()
    account.issue_password_reset("hash-1", NOW + DAY, SYSTEM)
    account.issue_password_reset("hash-2", NOW + DAY, SYSTEM)
    with pytest.raises(ResetCodeRefusedError):
        account.reset_password("hash-1", "$argon2id$new", NOW, SYSTEM)


def test_a_wrong_reset_code_is_refused():
    account = organiser()
    account.issue_password_reset("hash-1", NOW + DAY, SYSTEM)
    with pytest.raises(ResetCodeRefusedError):
        account.reset_password("hash-9", "$argon2id$new", NOW, SYSTEM)


def test_no_reset_code_means_no_reset():
    with pytest.raises(ResetCodeRefusedError):
        organiser().reset_password("hash-1", "$argon2id$new", NOW, SYSTEM)


def test_an_enabled_account_acts_again_with_its_tokens_still_ended():
    account = organiser()
    account.disable("离职", SYSTEM)
    account.enable("返岗", SYSTEM)
    account.change_password("$argon2id$y", SYSTEM)
    assert not account.is_disabled
    assert account.security_epoch == 2


def test_an_account_that_is_not_disabled_cannot_be_enabled():
    with pytest.raises(InvalidInputError):
        organiser().enable("返岗", SYSTEM)


def test_a_snapshot_from_before_the_epoch_reads_as_epoch_zero():
    account = organiser()
    state = {k: v for k, v in account.__dict__.items() if k != "security_epoch"}
    restored = Account.__new__(Account)
    restored.__dict__.update(state)
    assert restored.security_epoch == 0
    assert restored.reset_code_hash is None


def test_a_disabled_account_is_not_reset_even_with_its_code():
    account = organiser()
    account.issue_password_reset("hash-1", NOW + DAY, SYSTEM)
    account.disable("离职", SYSTEM)
    with pytest.raises(AccountDisabledError):
        account.reset_password("hash-1", "$argon2id$new", NOW, SYSTEM)


def test_a_wrong_code_for_a_disabled_account_is_refused_as_wrong():
    account = organiser()
    account.disable("离职", SYSTEM)
    with pytest.raises(ResetCodeRefusedError):
        account.reset_password("hash-1", "$argon2id$new", NOW, SYSTEM)


def test_rotating_the_calendar_feed_moves_its_generation_on_and_leaves_tokens_alone():
    account = Account.for_volunteer(
        volunteer_id=uuid4(), display_name="王小明", password_hash="h", actor=SYSTEM
    )
    account.rotate_calendar_feed(SYSTEM)
    account.rotate_calendar_feed(SYSTEM)
    assert (account.calendar_generation, account.security_epoch) == (2, 0)


def test_a_staff_account_has_no_calendar_feed_to_rotate():
    with pytest.raises(InvalidInputError):
        organiser().rotate_calendar_feed(SYSTEM)
