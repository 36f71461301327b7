"""Customer data stays private: the app's directories are 0700 and its files 0600.

The cache holds names, e-mails, phones and notes of customers; the config dir holds tokens.
`private_dir` creates a directory 0700, `private_file` creates (or fixes) a file 0600 before
anything is written to it (SQLite gives its -wal and -shm files the database file's mode),
and `tighten` fixes looser modes found at start and says what it fixed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
OURS = (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".toml", ".log")


def _loose(path: Path, allowed: int) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & ~allowed & 0o777)


def private_dir(path: Path) -> Path:
    path = Path(path)
    if not path.exists():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Create an empty file 0600 if missing; tighten an existing one."""
    path = Path(path)
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        os.close(fd)
    except FileExistsError:
        if _loose(path, FILE_MODE):
            os.chmod(path, FILE_MODE)
    return path


def is_ours(path: Path) -> bool:
    name = path.name
    return name.endswith(OURS) or ".corrupt-" in name or ".salvaged-" in name


def tighten(directories: Iterable[Path]) -> list[Path]:
    """Fix the modes of our directories and of our files in them; returns what was fixed."""
    fixed: list[Path] = []
    for directory in directories:
        directory = Path(directory)
        if not directory.is_dir():
            continue
        try:
            if _loose(directory, DIR_MODE):
                os.chmod(directory, DIR_MODE)
                fixed.append(directory)
            for path in directory.iterdir():
                if path.is_file() and is_ours(path) and _loose(path, FILE_MODE):
                    os.chmod(path, FILE_MODE)
                    fixed.append(path)
        except PermissionError:
            continue  # not ours to fix (another owner); opening it will say so
    return fixed


def notice(fixed: list[Path]) -> str | None:
    if not fixed:
        return None
    names = ", ".join(p.name for p in fixed[:3]) + (f" and {len(fixed) - 3} more" if len(fixed) > 3 else "")
    return f"Made {len(fixed)} file(s) private (only you can read them now): {names}"
