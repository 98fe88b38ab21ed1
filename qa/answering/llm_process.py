"""Model process: a local GGUF model run by llama.cpp's OpenAI-compatible server in a child process.

A native crash of the model (an instruction the CPU lists but the VM forbids dies with SIGILL) then ends
that child, never the chat: the question in flight gets the extractive answer with a notice, and the next
question starts the model again, a few times at most.
"""

from __future__ import annotations

import atexit
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Iterator

from qa.settings import Settings

MAX_RESTARTS = 3  # a model that keeps dying is given up on, not started forever
START_SECONDS = 120.0  # loading a small model takes a few seconds; a busy 2-core machine far more


ENDING_SECONDS = 1.0  # how long a crashed server may take to be seen ended after its connection broke


class ModelStopped(RuntimeError):
    """The model process died (a signal or an exit); the message says how, for the notice."""


# The server, run by a small wrapper that ends it when this process is gone (even by SIGKILL), so no model
# server outlives the chat. (prctl's parent-death signal would fire when the *thread* that started it ends,
# and the web chat answers on worker threads that come and go.)
_SERVE = """
import os, runpy, sys, threading, time
parent = os.getppid()
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
sys.argv[0] = "llama_cpp.server"
runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def how_it_ended(returncode: int | None) -> str:
    """"signal SIGILL", "exit 1", or "running"."""
    if returncode is None:
        return "running"
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit {returncode}"


class ModelProcess:
    """llama.cpp's server for one GGUF file, on a free loopback port, started on first use.

    Args:
        model_path: the GGUF file.
        n_ctx: the context window in tokens.
        max_restarts: how often a dead server is started again before the model is given up on.
    """

    def __init__(self, model_path: str, n_ctx: int = 4096, max_restarts: int = MAX_RESTARTS):
        self.model_path, self.n_ctx, self.max_restarts = model_path, n_ctx, max_restarts
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0
        self._lock = threading.Lock()
        atexit.register(self.close)

    @property
    def url(self) -> str:
        """The OpenAI-compatible base URL of the running server, started (again) if need be.

        Raises:
            ModelStopped: the server died more than `max_restarts` times, or does not come up.
        """
        with self._lock:
            if self.process is None or self.process.poll() is not None:
                self._start()
            return f"http://127.0.0.1:{self.port}/v1"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def alive_after(self, seconds: float) -> bool:
        """Whether the server is still running after waiting up to `seconds` for it to end."""
        if self.process is None:
            return False
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return True
        return False

    def ended(self) -> str:
        return how_it_ended(self.process.poll() if self.process else None)

    def _start(self) -> None:
        if self.starts > self.max_restarts:
            raise ModelStopped(f"stopped {self.starts} times ({self.ended()}); not started again")
        self.starts += 1
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, "--model", self.model_path, "--host", "127.0.0.1",
             "--port", str(self.port), "--n_ctx", str(self.n_ctx)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ModelStopped(f"the model server did not start ({self.ended()})")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.close()
        raise ModelStopped(f"the model server did not start within {START_SECONDS:g} s")

    def close(self) -> None:
        """Stop the server (terminate, then kill); safe to call twice."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class LocalChat:
    """A chat model over a `ModelProcess`: LangChain's OpenAI client, pointed at the child's server.

    `stream(messages)` yields chunks as LangChain's chat models do; when the child dies mid-answer it
    raises `ModelStopped` (the chat answers without the model), and the next call starts it again.
    """

    def __init__(self, process: ModelProcess, settings: Settings, client):
        """`client(settings)` makes the OpenAI-compatible chat client (`qa.answering.generate.openai_chat`)."""
        self.process, self.settings, self._make_client = process, settings, client
        self._client = None
        self._client_url = ""

    def _chat(self):
        url = self.process.url
        if self._client is None or url != self._client_url:
            self._client = self._make_client(self.settings.replace(llm_base_url=url, llm_model="local"))
            self._client_url = url
        return self._client

    def stream(self, messages) -> Iterator:
        client = self._chat()
        try:
            yield from client.stream(messages)
        except Exception as error:
            # A connection cut by the crash can arrive before the process is seen to end: look again shortly.
            if not self.process.alive() or not self.process.alive_after(ENDING_SECONDS):
                raise ModelStopped(self.process.ended()) from error
            raise
        if not self.process.alive():  # a stream cut short by the crash may end without an error
            raise ModelStopped(self.process.ended())

    def close(self) -> None:
        self.process.close()
