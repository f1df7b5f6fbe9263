"""Configuration from environment variables prefixed VOLUNTEER_LEDGER_ (or a .env file)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


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
    star_hours: list[int] = [100, 300, 600, 1000, 1500]
    """Cumulative approved hours for 1 to 5 stars."""
    red_black_list_size: int = 3
    publicity_days: int = 7
    public_url: str = "http://127.0.0.1:8000"
    """Where the service is reached: certificates' verification URLs and the did:web issuer."""
    issuer_key: str | None = None
    """A multibase Ed25519 private key to sign certificates with; default: made in data_dir."""
    """How long a published recognition list is open to objections."""

    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir / 'ledger.db'}"

    @property
    def star_minutes(self) -> list[int]:
        return [hours * 60 for hours in self.star_hours]

    @property
    def token_ttl(self) -> timedelta:
        return timedelta(minutes=self.token_minutes)
