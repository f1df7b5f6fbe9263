from datetime import date, timedelta
from uuid import uuid4

import pytest

from domain.errors import NotFoundError, ResetCodeRefusedError, UsernameTakenError
from tests import factories as f
from tests.factories import ADMIN


def test_a_staff_account_logs_in_with_its_username_in_any_case(ledger):
    account = ledger.create_staff_account(
        username="admin.zhang", display_name="张管理", password_hash="h", is_admin=True
    )
    assert ledger.account_for_login("Admin.Zhang").id == account


def test_a_username_is_taken_once(ledger):
    ledger.create_staff_account(username="li.wei", display_name="李伟", password_hash="h")
    with pytest.raises(UsernameTakenError):
        ledger.create_staff_account(username="LI.Wei", display_name="另一个李伟", password_hash="h")


def test_an_organiser_account_is_appointed_in_the_same_save(ledger):
    street = f.district(ledger)
    account = ledger.create_staff_account(
        username="organiser.li",
        display_name="李组织",
        password_hash="h",
        organisation_id=street,
        actor=ADMIN,
    )
    assert ledger.account(account).organisations == [street]


def test_a_volunteer_registered_with_a_password_logs_in_with_phone_or_number(ledger):
    volunteer = ledger.register_volunteer(
        name="王小明",
        phone="13911112222",
        birth_date=date(1990, 1, 1),
        home_organisation_id=f.community(ledger),
        privacy_consent=True,
        password_hash="h",
    )
    number = ledger.volunteer(volunteer).volunteer_number
    assert ledger.account_for_login("13911112222").volunteer_id == volunteer
    assert ledger.account_for_login(number).volunteer_id == volunteer


def test_an_unknown_login_is_not_found(ledger):
    with pytest.raises(NotFoundError):
        ledger.account_for_login("nobody")


def test_an_organisation_is_covered_by_itself_and_its_ancestors(ledger):
    district = f.district(ledger)
    street = ledger.create_organisation(
        name="和平里街道", kind="street", parent_id=district, actor=ADMIN
    )
    community = f.community(ledger, parent=street)
    assert ledger.organisation_and_ancestors(community) == [community, street, district]


def test_an_accounts_version_is_read_from_its_latest_event(ledger):
    account = ledger.create_staff_account(username="li.wei", display_name="李伟", password_hash="h")
    ledger.log_out(account, ADMIN)
    assert ledger.account_version(account) == ledger.account(account).version == 2


def test_an_unknown_account_has_no_version(ledger):
    assert ledger.account_version(uuid4()) is None


def test_a_reset_code_is_redeemed_once_through_the_ledger(ledger, clock):
    account = ledger.create_staff_account(username="li.wei", display_name="李伟", password_hash="h")
    ledger.issue_password_reset(account, "code-hash", clock() + timedelta(hours=24), ADMIN)
    ledger.reset_password(account, "code-hash", "new-hash")
    with pytest.raises(ResetCodeRefusedError):
        ledger.reset_password(account, "code-hash", "newer-hash")
    assert ledger.account(account).password_hash == "new-hash"


def test_a_reset_code_expires_by_the_ledgers_clock(ledger, clock):
    account = ledger.create_staff_account(username="li.wei", display_name="李伟", password_hash="h")
    ledger.issue_password_reset(account, "code-hash", clock() + timedelta(hours=24), ADMIN)
    clock.advance(hours=24)
    with pytest.raises(ResetCodeRefusedError, match="expired"):
        ledger.reset_password(account, "code-hash", "new-hash")
