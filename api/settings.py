"""Configuration from environment variables prefixed VOLUNTEER_LEDGER_ (or a .env file)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import socket
from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.errors import InvalidInputError
from domain.policy import DEFAULT_CATEGORIES, DEFAULT_ORGANISATION_KINDS, Policy
from projections.transparency.log import DEFAULT_ORIGIN

SECRET_BYTES = 32
LOG_SALT_KEY_FILE = "log-salt.key"
LOG_SIGNING_KEY_FILE = "log-signing.key"
METRICS_TOKEN_CHARACTERS = 32


class Settings(BaseSettings):
    """Every setting of a deployment. Nothing is read at import time: call ``Settings()``."""

    model_config = SettingsConfigDict(
        env_prefix="VOLUNTEER_LEDGER_", env_file=".env", extra="ignore"
    )

    data_dir: Path = Path("data")
    store: str | None = None
    """``sqlite:///FILE`` or ``postgresql://USER@HOST:PORT/DB``; default: SQLite in data_dir."""
    token_minutes: int = 30
    max_body_bytes: int = 256 * 1024
    read_wait_seconds: float = 5.0
    follow_projections: bool = True
    """Run the projections inside the API process (the embedded default)."""
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    registrations_per_address: int = Field(default=10, ge=1)
    """Public self-registrations allowed per client address and hour (each tells whether a
    phone was free); past it, 429."""
    trusted_proxies: list[str] = []
    """Addresses or networks (JSON list) of reverse proxies whose X-Forwarded-For and
    X-Forwarded-Proto ``serve`` believes; default none: the connecting address is the client."""
    star_hours: list[int] = [100, 300, 600, 1000, 1500]
    """Cumulative approved hours for 1 to 5 stars."""
    red_black_list_size: int = 3
    publicity_days: int = 7
    """How long a published recognition list is open to objections."""
    public_url: str = "http://127.0.0.1:8000"
    """Where the service is reached: certificates' verification URLs and the did:web issuer.
    Unset, ``serve`` makes it the address it serves (``served_url``)."""
    issuer_key: str | None = None
    """A multibase Ed25519 private key to sign certificates with; default: made in data_dir."""

    # Personal data (docs/privacy.md): the master key wraps each person's data key; the id
    # secret keys the ids derived from phone numbers, usernames … Both 32 bytes; every process
    # of one store needs the same two.
    master_key: SecretStr | None = None
    """Base64 of the 32-byte master key; default: the master key file."""
    master_key_file: Path | None = None
    """Default: master.key in the data folder, made on first use (mode 0600)."""
    id_secret: SecretStr | None = None
    """Base64 of the 32-byte id secret; default: the id secret file."""
    id_secret_file: Path | None = None
    """Default: id-secret.key in the data folder, made on first use (mode 0600)."""

    # Prometheus metrics (docs/operations.md#metrics).
    metrics: bool = False
    """Serve ``GET /metrics`` (Prometheus text format) to whoever sends the metrics token."""
    metrics_token: SecretStr | None = None
    """The bearer token a scraper sends to /metrics; required when metrics are on, at least
    32 characters (e.g. ``openssl rand -hex 32``)."""

    # The transparency log (docs/transparency-log.md).
    log_origin: str = DEFAULT_ORIGIN
    """The checkpoint origin line: names this log; change it only with new keys."""
    log_key_name: str | None = None
    """The signed-note key name; defaults to the origin."""
    log_salt_key_file: Path | None = None
    """Default: log-salt.key in the data folder."""
    log_signing_key_file: Path | None = None
    """Default: log-signing.key in the data folder."""
    log_checkpoint_seconds: float = 300.0
    """How often a new checkpoint is signed while the log grows."""

    # The deployment's rules (``domain.policy.Policy``); lists are JSON in the environment,
    # e.g. VOLUNTEER_LEDGER_CATEGORIES='["义诊", "助老助残"]'.
    minimum_age: int = Policy.minimum_age
    """Volunteers younger than this cannot register."""
    adult_age: int = Policy.adult_age
    """Below it a volunteer needs a guardian, and is hidden from public lists by default."""
    categories: list[str] = list(DEFAULT_CATEGORIES)
    """The activity categories organisers choose from."""
    organisation_kinds: list[str] = list(DEFAULT_ORGANISATION_KINDS)
    rounding_minutes: int = Policy.rounding_minutes
    """Each record's minutes are rounded down to a multiple of this."""
    daily_cap_minutes: int = Policy.daily_cap_minutes
    """The most minutes one volunteer can have counted for one service date."""
    check_out_grace_minutes: int = int(Policy.check_out_grace.total_seconds() // 60)
    """How long after a shift's end an open check-in is closed, and flagged for review."""
    check_in_early_minutes: int = int(Policy.check_in_early.total_seconds() // 60)
    """How long before a shift's start a volunteer may check in."""
    single_organiser_approval: bool = Policy.single_organiser_approval
    """For a station with one worker: whoever recorded or corrected a record may approve it
    without a second party (the approval says so, and the supervision ledger lists it)."""

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, proxies: list[str]) -> list[str]:
        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an IP address or network") from None
        return proxies

    @field_validator("master_key", "id_secret")
    @classmethod
    def _secret_is_32_bytes(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None:
            text = secret.get_secret_value().strip()
            try:
                size = len(base64.b64decode(text, validate=True))
            except (binascii.Error, ValueError):
                raise ValueError("not base64") from None
            if size != SECRET_BYTES:
                raise ValueError(f"{size} bytes, not {SECRET_BYTES}")
        return secret

    @field_validator("metrics_token")
    @classmethod
    def _token_is_long(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and len(token.get_secret_value()) < METRICS_TOKEN_CHARACTERS:
            raise ValueError(f"shorter than {METRICS_TOKEN_CHARACTERS} characters")
        return token

    @model_validator(mode="after")
    def _metrics_have_a_token(self) -> Settings:
        if self.metrics and self.metrics_token is None:
            raise ValueError("VOLUNTEER_LEDGER_METRICS is on: set VOLUNTEER_LEDGER_METRICS_TOKEN")
        return self

    @model_validator(mode="after")
    def _rules_hold(self) -> Settings:
        try:
            self.policy()
        except InvalidInputError as error:
            raise ValueError(str(error)) from None
        return self

    def policy(self) -> Policy:
        """The rules these settings give; ``InvalidInputError`` if they contradict each other."""
        return Policy(
            minimum_age=self.minimum_age,
            adult_age=self.adult_age,
            categories=tuple(self.categories),
            organisation_kinds=tuple(self.organisation_kinds),
            rounding_minutes=self.rounding_minutes,
            daily_cap_minutes=self.daily_cap_minutes,
            check_out_grace=timedelta(minutes=self.check_out_grace_minutes),
            check_in_early=timedelta(minutes=self.check_in_early_minutes),
            single_organiser_approval=self.single_organiser_approval,
            star_minutes=tuple(hours * 60 for hours in self.star_hours),
        )

    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir / 'ledger.db'}"

    def log_salt_key_path(self) -> Path:
        return self.log_salt_key_file or self.data_dir / LOG_SALT_KEY_FILE

    def log_signing_key_path(self) -> Path:
        return self.log_signing_key_file or self.data_dir / LOG_SIGNING_KEY_FILE

    @property
    def token_ttl(self) -> timedelta:
        return timedelta(minutes=self.token_minutes)


def served_url(host: str, port: int) -> str:
    """The URL of the address ``serve --host --port`` listens on; on every interface, this
    machine's name."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def setting_problems(error: ValidationError) -> str:
    """A settings error on one line, naming the environment variables at fault."""
    problems = []
    for problem in error.errors():
        message = problem["msg"].removeprefix("Value error, ")
        names = [str(part) for part in problem["loc"]]
        if names:
            problems.append(f"VOLUNTEER_LEDGER_{names[0].upper()}: {message}")
        else:
            problems.append(message)
    return "invalid settings: " + "; ".join(problems)
