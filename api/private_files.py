"""The data folder holds keys, password hashes and personal data: readable by us only."""

from __future__ import annotations

import os
from pathlib import Path

#: What the process creates gets no group or other permissions: 0700 folders, 0600 files,
#: SQLite's WAL and SHM files and those of the libraries we call included.
PRIVATE_UMASK = 0o077


def private_data_dir(path: Path) -> None:
    """Make everything this process creates private, create the data folder, and tighten one
    left by an earlier version (folders to 0700, files to 0600)."""
    os.umask(PRIVATE_UMASK)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    _tighten(path, 0o700)
    for folder, folders, files in os.walk(path):
        for name in folders:
            _tighten(Path(folder, name), 0o700)
        for name in files:
            _tighten(Path(folder, name), 0o600)


def _tighten(path: Path, mode: int) -> None:
    if not path.is_symlink() and path.stat().st_mode & 0o777 & ~mode:
        path.chmod(mode)
