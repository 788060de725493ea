"""llama-cpp-python's OpenAI-compatible server on a local model, for the tests and benchmarks.

``llama_server`` starts it on a free local port, waits until it listens, yields its ``/v1``
base URL and stops it; what the server printed goes to ``log``. A server that exits or does not
listen within ``timeout`` seconds is a ``RuntimeError`` carrying the end of its log.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def llama_server(
    model: Path, log: Path, *, alias: str = "embedded", api_key: str | None = None,
    verbose: bool = False, timeout: float = 300.0,
) -> Iterator[str]:
    """The base URL of a running ``python -m llama_cpp.server`` on ``model`` (context 2,048)."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model),
        "--model_alias", alias,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", "2048",
        "--n_threads", str(os.cpu_count() or 2),
        "--verbose", str(verbose),
    ]
    if api_key is not None:
        command += ["--api_key", api_key]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                tail = log.read_text()[-2000:]
                raise RuntimeError(f"llama_cpp.server exited with {process.returncode}: {tail}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"llama_cpp.server did not listen within {timeout:.0f} s: {log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
