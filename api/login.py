"""What logging in, changing and resetting passwords share: whose login it is, how failures
are counted, and what a password must not resemble."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from fastapi import Request, Response

from api.deps import Services
from api.problems import Unauthenticated
from api.security import IssuedToken, verify_or_dummy
from domain.account import Account
from domain.errors import InvalidInputError, NotFoundError
from domain.values import normalise_phone

#: Headers of a response that carries a credential: no cache, shared or private, keeps it.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
RESET_CODE_LIFETIME = timedelta(hours=24)
#: Letters and digits nobody confuses when reading them out: no 0/O, 1/I/L.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12


def no_store(response: Response) -> None:
    response.headers.update(NO_STORE)


def client_address(request: Request) -> str:
    """The client as the server saw it: a proxy's X-Forwarded-For counts only when ``serve``
    was told to trust that proxy (VOLUNTEER_LEDGER_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def resolve_login(services: Services, login: str) -> tuple[Account | None, str]:
    """The account a login names, and the key its failures count under.

    Every spelling of one account (username in any case, phone with or without +86 and
    dashes, volunteer number) shares the account's one budget; an unknown login counts by
    its normalised spelling.
    """
    try:
        account = services.ledger.account_for_login(login)
    except NotFoundError:
        return None, _spelling_key(login)
    return account, f"account:{account.id}"


def _spelling_key(login: str) -> str:
    login = login.strip()
    try:
        return "phone:" + normalise_phone(login)
    except InvalidInputError:
        return login.casefold()


def related_inputs(services: Services, account: Account) -> list[str | None]:
    """What a password of this account must not resemble: its login, name and phone."""
    related = [account.username, account.display_name]
    if account.volunteer_id is not None:
        volunteer = services.ledger.volunteer(account.volunteer_id)
        related += [volunteer.phone, volunteer.volunteer_number, volunteer.name]
    return related


def new_reset_code() -> str:
    """12 letters and digits (60 bits), shown as ``ABCD-EFGH-JKMN`` to read out or copy."""
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def hash_reset_code(code: str) -> str:
    """The stored form of a code, whatever its spacing, dashes or case when typed back.

    A fast hash is enough: the code is random, lives a day and wrong guesses are throttled.
    """
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def holds_reset_code(account: Account, code_hash: str) -> bool:
    """Whether ``code_hash`` is the hash of the account's latest unused code (expired or not:
    only its holder may learn that it expired)."""
    expected = account.reset_code_hash
    return expected is not None and hmac.compare_digest(expected, code_hash)


def refuse_login(services: Services, key: str, address: str, detail: str) -> Unauthenticated:
    """Count a failure against the key and the address; the error to raise."""
    services.throttle.failed(key, address)
    return Unauthenticated(detail)


def log_in(services: Services, login: str, password: str, address: str) -> IssuedToken:
    """A token for a login (username, phone or volunteer number) and password: the one check
    the API's ``/v1/auth/token`` and the log-in page share. Failed attempts are limited per
    account (whichever spelling of its login is used) and per address."""
    account, key = resolve_login(services, login)
    services.throttle.check(key, address)
    password_hash = account.password_hash if account else None
    if not verify_or_dummy(password, password_hash) or account is None:
        raise refuse_login(services, key, address, "wrong login or password")
    if account.is_disabled:
        raise Unauthenticated("the account is disabled")
    services.throttle.succeeded(key, address)
    return services.tokens.issue(f"account:{account.id}", epoch=account.security_epoch)
