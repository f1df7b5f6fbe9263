"""Password hashes and access tokens: what is accepted, what is refused."""

from __future__ import annotations

import base64
import json
import stat
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import jwt
import pytest

from api.problems import Unauthenticated
from api.security import (
    TokenService,
    hash_password,
    load_or_create_secret,
    verify_or_dummy,
    verify_password,
)
from tests.conftest import Clock

SECRET = b"s" * 32
OTHER_SECRET = b"o" * 32
ACCOUNT = f"account:{uuid.UUID(int=7)}"


def tokens(clock: Clock, secret: bytes = SECRET) -> TokenService:
    return TokenService(secret, ttl=timedelta(minutes=15), clock=clock)


def claims_of(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_password_hash_is_not_the_password() -> None:
    hashed = hash_password("长城永不倒-2026")
    assert "长城永不倒-2026" not in hashed
    assert hashed.startswith("$argon2id$")


def test_a_hashed_password_verifies() -> None:
    assert verify_password("长城永不倒-2026", hash_password("长城永不倒-2026"))


def test_a_wrong_password_does_not_verify() -> None:
    assert not verify_password("长城永不倒-2025", hash_password("长城永不倒-2026"))


def test_a_stored_value_that_is_no_hash_never_verifies() -> None:
    assert not verify_password("plain", "plain")


def test_verify_or_dummy_fails_when_there_is_no_account() -> None:
    assert not verify_or_dummy("长城永不倒-2026", None)


def test_verify_or_dummy_checks_a_real_hash() -> None:
    assert verify_or_dummy("长城永不倒-2026", hash_password("长城永不倒-2026"))


def test_a_token_round_trips_to_its_subject(clock: Clock) -> None:
    issued = tokens(clock).issue(ACCOUNT, epoch=3)
    assert issued.expires_in == 15 * 60
    assert tokens(clock).verify(issued.access_token).subject == ACCOUNT


def test_a_token_holds_only_subject_epoch_times_and_id(clock: Clock) -> None:
    claims = claims_of(tokens(clock).issue(ACCOUNT, epoch=3).access_token)
    assert set(claims) == {"sub", "iat", "exp", "jti", "epoch"}
    assert claims["epoch"] == 3
    assert claims["exp"] == int(clock().timestamp()) + 15 * 60


def test_each_token_has_its_own_id(clock: Clock) -> None:
    service = tokens(clock)
    first, second = service.issue(ACCOUNT, epoch=3), service.issue(ACCOUNT, epoch=3)
    assert claims_of(first.access_token)["jti"] != claims_of(second.access_token)["jti"]


@pytest.mark.parametrize("subject", ["王小明", "13800138000", "account:42", ""])
def test_a_subject_that_is_not_kind_and_uuid_is_refused(clock: Clock, subject: str) -> None:
    with pytest.raises(ValueError, match="kind:uuid"):
        tokens(clock).issue(subject, epoch=0)


def test_an_expired_token_is_refused(clock: Clock) -> None:
    token = tokens(clock).issue(ACCOUNT, epoch=3).access_token
    clock.advance(minutes=15)
    with pytest.raises(Unauthenticated, match="expired"):
        tokens(clock).verify(token)


def test_a_token_is_accepted_until_just_before_it_expires(clock: Clock) -> None:
    token = tokens(clock).issue(ACCOUNT, epoch=3).access_token
    clock.advance(minutes=14, seconds=59)
    assert tokens(clock).verify(token).subject == ACCOUNT


def test_a_token_accepted_before_is_refused_once_it_expires(clock: Clock) -> None:
    service = tokens(clock)
    token = service.issue(ACCOUNT, epoch=3).access_token
    assert service.verify(token).subject == ACCOUNT
    clock.advance(minutes=15)
    with pytest.raises(Unauthenticated, match="expired"):
        service.verify(token)


def test_a_token_tampered_with_after_the_genuine_one_was_accepted_is_refused(
    clock: Clock,
) -> None:
    service = tokens(clock)
    genuine = service.issue(ACCOUNT, epoch=3).access_token
    assert service.verify(genuine).epoch == 3
    header, _, signature = genuine.split(".")
    claims = {**claims_of(genuine), "epoch": 4}
    with pytest.raises(Unauthenticated):
        service.verify(f"{header}.{b64(claims)}.{signature}")


def test_a_refused_token_is_refused_again(clock: Clock) -> None:
    service = tokens(clock)
    token = tokens(clock, OTHER_SECRET).issue(ACCOUNT, epoch=3).access_token
    for _ in range(2):
        with pytest.raises(Unauthenticated, match="not valid"):
            service.verify(token)


def test_a_token_carries_its_accounts_security_epoch(clock: Clock) -> None:
    token = tokens(clock).issue(ACCOUNT, epoch=3).access_token
    assert tokens(clock).verify(token).epoch == 3


def test_a_token_without_an_epoch_is_refused(clock: Clock) -> None:
    now = int(clock().timestamp())
    claims = {"sub": ACCOUNT, "iat": now, "exp": now + 60, "jti": "x"}
    with pytest.raises(Unauthenticated):
        tokens(clock).verify(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_a_token_claiming_a_longer_life_than_configured_is_refused(clock: Clock) -> None:
    now = int(clock().timestamp())
    claims = {"sub": ACCOUNT, "iat": now, "exp": now + 15 * 60 + 1, "jti": "x", "epoch": 0}
    with pytest.raises(Unauthenticated, match="longer life"):
        tokens(clock).verify(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_a_tampered_token_is_refused(clock: Clock) -> None:
    header, _, signature = tokens(clock).issue(ACCOUNT, epoch=3).access_token.split(".")
    payload = b64({"sub": f"account:{uuid.UUID(int=1)}", "iat": 0, "exp": 2**40, "jti": "x"})
    with pytest.raises(Unauthenticated):
        tokens(clock).verify(f"{header}.{payload}.{signature}")


def test_a_token_signed_with_another_secret_is_refused(clock: Clock) -> None:
    token = tokens(clock, OTHER_SECRET).issue(ACCOUNT, epoch=3).access_token
    with pytest.raises(Unauthenticated):
        tokens(clock).verify(token)


def test_an_unsigned_alg_none_token_is_refused(clock: Clock) -> None:
    claims = {"sub": ACCOUNT, "iat": 0, "exp": 2**40, "jti": "x"}
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    with pytest.raises(Unauthenticated):
        tokens(clock).verify(token)


def test_a_token_without_expiry_is_refused(clock: Clock) -> None:
    token = jwt.encode({"sub": ACCOUNT, "iat": 0, "jti": "x"}, SECRET, algorithm="HS256")
    with pytest.raises(Unauthenticated):
        tokens(clock).verify(token)


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c"])
def test_a_malformed_token_is_refused(clock: Clock, token: str) -> None:
    with pytest.raises(Unauthenticated):
        tokens(clock).verify(token)


def test_a_short_secret_is_refused(clock: Clock) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        tokens(clock, b"short")


def test_a_new_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "token.key"
    secret = load_or_create_secret(path)
    assert len(secret) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_key_file_is_read_back_on_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "token.key"
    assert load_or_create_secret(path) == load_or_create_secret(path)


def test_workers_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "token.key"
    with ThreadPoolExecutor(max_workers=8) as pool:
        secrets = set(pool.map(lambda _: load_or_create_secret(path), range(16)))
    assert secrets == {path.read_bytes()}
    assert [p.name for p in tmp_path.iterdir()] == ["token.key"]


def test_a_truncated_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "token.key"
    path.write_bytes(b"short")
    with pytest.raises(ValueError, match="fewer than 32 bytes"):
        load_or_create_secret(path)
