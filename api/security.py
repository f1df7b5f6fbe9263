"""Passwords hashed with Argon2, and short-lived signed access tokens that name no person."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import jwt
from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError

from api.problems import Unauthenticated

SECRET_BYTES = 32
#: How many checked tokens a service remembers (about 300 bytes each): the older half is
#: forgotten when it is full, and a forgotten token is simply checked again.
CHECKED_TOKENS = 20_000
_ALGORITHM = "HS256"
_SUBJECT = re.compile(r"[a-z][a-z_]*:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(plain: str) -> str:
    """An Argon2id hash with its own salt and parameters, safe to store."""
    return _hasher().hash(plain)


def verify_password(plain: str, hashed: str) -> bool:
    """Whether the password matches; a stored value that is no known hash never matches."""
    try:
        return _hasher().verify(plain, hashed)
    except UnknownHashError:
        return False


def verify_or_dummy(plain: str, hashed: str | None) -> bool:
    """Like verify_password, but when there is no account it spends the same time, then fails.

    Answering at once for an unknown name would tell an attacker which names exist.
    """
    if hashed is None:
        verify_password(plain, _dummy_hash())
        return False
    return verify_password(plain, hashed)


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    epoch: int
    """The account's security epoch when the token was issued: see ``domain.account``."""


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    """Seconds until the token expires."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TokenService:
    """Issues and checks HS256 JWTs holding only an opaque subject, the account's security
    epoch, a lifetime and an id."""

    def __init__(
        self,
        secret: bytes,
        ttl: timedelta,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        if len(secret) < SECRET_BYTES:
            raise ValueError(f"a token secret needs at least {SECRET_BYTES} bytes")
        if ttl <= timedelta(0):
            raise ValueError("a token's lifetime must be positive")
        self._secret = secret
        self._ttl = ttl
        self._clock = clock
        self._checked: dict[str, tuple[TokenClaims, int]] = {}
        self._checked_lock = threading.Lock()

    def issue(self, subject: str, *, epoch: int) -> IssuedToken:
        """A token for ``kind:uuid`` (``account:…``, ``volunteer:…``): never a name or phone."""
        if not _SUBJECT.fullmatch(subject):
            raise ValueError(f"a token subject is kind:uuid, not {subject!r}")
        now = int(self._clock().timestamp())
        expires_in = int(self._ttl.total_seconds())
        claims = {
            "sub": subject,
            "iat": now,
            "exp": now + expires_in,
            "jti": uuid.uuid4().hex,
            "epoch": epoch,
        }
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=_ALGORITHM), expires_in)

    def derived_key(self, purpose: str) -> bytes:
        """A key for another use (the pages' CSRF tokens, check-in codes), derived from the
        token secret so that no other key file is needed; one purpose never opens another's."""
        return hmac.new(self._secret, purpose.encode(), hashlib.sha256).digest()

    def verify(self, token: str) -> TokenClaims:
        """The token's subject and epoch; ``Unauthenticated`` if it is forged, malformed or
        expired, or claims a longer life than this service gives.

        A token's signature and claims are checked once; its expiry, on every call. A client
        sends the same token with each request until it expires, and checking the signature
        again (a third of an authenticated read's work) would tell nothing new: the secret does
        not change while the service runs, and only tokens that passed are remembered.
        """
        checked = self._checked.get(token)
        if checked is None:
            claims, expires = self._check(token)
            with self._checked_lock:
                if len(self._checked) >= CHECKED_TOKENS:
                    for old in list(self._checked)[: CHECKED_TOKENS // 2]:
                        self._checked.pop(old, None)
                self._checked[token] = (claims, expires)
        else:
            claims, expires = checked
        if expires <= self._clock().timestamp():
            raise Unauthenticated("The access token has expired.")
        return claims

    def _check(self, token: str) -> tuple[TokenClaims, int]:
        """The claims of a token signed with our secret, and when it expires."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                # Time is checked below against our clock, not PyJWT's.
                options={
                    "require": ["sub", "iat", "exp", "jti", "epoch"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidTokenError:
            raise Unauthenticated("The access token is not valid.") from None
        expires, issued, epoch = claims["exp"], claims["iat"], claims["epoch"]
        if not all(_is_int(value) for value in (expires, issued, epoch)):
            raise Unauthenticated("The access token is not valid.")
        if expires - issued > self._ttl.total_seconds():
            raise Unauthenticated("The access token claims a longer life than is given.")
        return TokenClaims(subject=str(claims["sub"]), epoch=epoch), expires


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def load_or_create_secret(path: Path) -> bytes:
    """The signing secret in ``path``, made on first use: 32 random bytes, readable by us only.

    Workers starting together agree on one secret: the new key is written to a private
    temporary file and then hard-linked into place, which fails if another worker won the race,
    so no worker ever reads a half-written key.
    """
    with contextlib.suppress(FileNotFoundError):
        return _read_secret(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new folder is ours only
    secret = secrets.token_bytes(SECRET_BYTES)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            os.fchmod(file.fileno(), 0o600)  # whatever the umask
            file.write(secret)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return _read_secret(path)
        return secret
    finally:
        temporary.unlink(missing_ok=True)


def _read_secret(path: Path) -> bytes:
    secret = path.read_bytes()
    if len(secret) < SECRET_BYTES:
        raise ValueError(f"the key file {path} holds fewer than {SECRET_BYTES} bytes")
    return secret
