"""Configuration from environment variables prefixed VOLUNTEER_LEDGER_ (or a .env file)."""

from __future__ import annotations

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

    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir / 'ledger.db'}"
