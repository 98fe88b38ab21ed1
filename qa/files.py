"""Files: writes that a reader never sees half done."""

from __future__ import annotations

import os
import tempfile
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
