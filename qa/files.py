"""Files: writes that a reader never sees half done, and the lock writers of one index folder share."""

from __future__ import annotations

import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def atomic_write(path: Path, write) -> None:
    """Call `write(handle)` on a temp file in the same folder, then rename it to `path`: readers see the
    old file or the whole new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def append_after(path: Path, keep: int, data: bytes) -> None:
    """Append `data` to the file after its first `keep` bytes, cutting off whatever followed them (what
    a killed append left), and wait until it is on disk."""
    with open(path, "r+b") as handle:
        handle.truncate(keep)
        handle.seek(keep)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def folder_lock(index_dir: Path, wait: bool = True):
    """An exclusive lock (flock) on an index folder, held by whoever writes it (an article checked and added,
    leftovers swept). With `wait=False` it yields False at once when another process holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".add.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
