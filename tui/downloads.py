"""Where a downloaded file goes and how it is opened (no Textual: the store and the screens
both use it; tests patch `download_dir` and `open_file`).

    download_dir()            platformdirs' user download dir (~/Downloads), made if missing
    target(directory, name)   a safe name in it, "name (1).ext", "name (2).ext" … if taken
    open_file(path)           the system's opener (xdg-open / open / startfile); False if none
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 120


def download_dir() -> Path:
    import platformdirs

    path = Path(platformdirs.user_downloads_dir())
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_name(name: str | None) -> str:
    """A file name that stays inside the directory and shows as what it is: no path parts,
    no control or bidi characters, no leading dots, not a reserved Windows name."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join("_" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") or ch in '<>:"|?*' else ch for ch in text)
    text = text.strip().lstrip(".").strip()
    stem, dot, ext = text.rpartition(".")
    if (stem if dot else text).upper() in RESERVED:
        text = "_" + text
    if len(text) > MAX_NAME:
        keep = (dot + ext)[: MAX_NAME // 4] if dot else ""
        text = text[: MAX_NAME - len(keep)] + keep
    return text or "file"


def target(directory: Path, name: str | None) -> Path:
    """A path in `directory` for `name` that does not exist yet (the name made safe; "a.pdf",
    then "a (1).pdf", "a (2).pdf" …)."""
    clean = safe_name(name)
    stem, dot, ext = clean.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = clean, "", ""
    candidate = directory / clean
    n = 0
    while candidate.exists():
        n += 1
        candidate = directory / f"{stem} ({n}){dot}{ext}"
    return candidate


def opener() -> list[str] | None:
    """The command that opens a file with the user's default application, or None (a headless
    machine without xdg-open)."""
    if sys.platform == "darwin":
        return ["open"] if shutil.which("open") else None
    if sys.platform.startswith("win"):
        return []  # os.startfile
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None
    found = shutil.which("xdg-open")
    return [found] if found else None


def open_file(path: Path) -> bool:
    """Open `path` with the system's opener, detached; False when there is none."""
    command = opener()
    if command is None:
        return False
    try:
        if not command:
            start = os.__dict__["startfile"]  # Windows only
            start(path)
        else:
            quiet = subprocess.DEVNULL
            subprocess.Popen([*command, str(path)], stdin=quiet, stdout=quiet, stderr=quiet, start_new_session=True)
    except OSError:
        return False
    return True
