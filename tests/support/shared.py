"""A directory shared by all the processes of one test run (pytest-xdist's workers).

What a test process makes once and keeps for the next test (a sandbox's generated data, a
first sync's cache) was made again by each of the four workers. The run's controller makes
this directory before the workers start (they inherit its path in the environment) and
removes it at the end; a worker writes what it made there under a name derived from what it
was made from, and another worker that needs the same thing copies it. A file is written under
a temporary name and renamed, so a reader never sees half of one; two workers that make the
same thing at once both write it, and either copy serves.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

VARIABLE = "PIPEDRIVE_TUI_TEST_SHARED_DIR"


def start() -> Path | None:
    """In the run's first process: make the directory, for it and the processes it starts."""
    if os.environ.get(VARIABLE):
        return None
    path = Path(tempfile.mkdtemp(prefix="pdtui-run-"))
    os.environ[VARIABLE] = str(path)
    return path


def end(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
        os.environ.pop(VARIABLE, None)


def directory() -> Path:
    """The run's shared directory (a process of its own when started outside pytest's run)."""
    path = os.environ.get(VARIABLE)
    if not path:
        start()
        path = os.environ[VARIABLE]
    return Path(path)


def write(name: str, data: bytes) -> None:
    target = directory() / name
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temporary, target)


def read(name: str) -> bytes | None:
    try:
        return (directory() / name).read_bytes()
    except FileNotFoundError:
        return None
