"""Files under ``var/`` hold secrets (keys, the database, scans, logs): created for the owner only.

Directories are made 0700 and files 0600 whatever the process umask, and ``restrict_umask`` (called
by the ``motcua`` command and the WSGI entry point) makes every other file the process creates
(SQLite's WAL, uploaded scans, the face index) private too. Issue 9 item 11.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def restrict_umask() -> None:
    """Files and directories this process creates are readable by its user only."""
    os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create ``path`` and each missing parent as 0700 (``mkdir(parents=True)`` would give the
    parents the default mode); tighten ``path`` itself if it exists."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for directory in reversed(missing):
        directory.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        os.chmod(directory, PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def append_private(path: Path, text: str) -> None:
    """Append ``text`` to ``path``, created 0600 in a 0700 directory if missing."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(text)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as a 0600 file in a 0700 directory, atomically: a temporary file
    beside it, then a rename, so a reader never sees half a file."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, PRIVATE_FILE_MODE)
    os.chmod(tmp, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
