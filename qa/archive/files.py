"""Files: writes that a reader never sees half done, and the lock writers of one index folder share."""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
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


_held: dict[str, list] = {}  # resolved folder -> [thread lock, depth, open lock file]
_held_lock = threading.Lock()


@contextmanager
def folder_lock(index_dir: Path, wait: bool = True):
    """An exclusive lock (flock) on an index folder, held by whoever writes it (an article checked and added,
    the index brought up to date, leftovers swept). With `wait=False` it yields False at once when another
    process or thread holds it, this one included (whoever holds it may be between its new files and its
    manifest). A waiting call is re-entrant in the thread that holds it (an add that re-indexes), and the
    lock is exclusive between the threads of one process too."""
    index_dir.mkdir(parents=True, exist_ok=True)
    key = str(index_dir.resolve())
    with _held_lock:
        entry = _held.setdefault(key, [threading.RLock(), 0, None])
    if not wait and entry[1] > 0:  # held already, by this thread or another: someone is writing
        yield False
        return
    if not entry[0].acquire(blocking=wait):
        yield False
        return
    try:
        if entry[1] == 0:
            handle = open(index_dir / ".add.lock", "a")  # noqa: SIM115 - held across the yield
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                handle.close()
                yield False
                return
            entry[2] = handle
        entry[1] += 1
        try:
            yield True
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                fcntl.flock(entry[2], fcntl.LOCK_UN)
                entry[2].close()
                entry[2] = None
    finally:
        entry[0].release()
