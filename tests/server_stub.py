"""A scripted OpenAI-compatible server on a free local port, for the server engine's failure paths.

It speaks real HTTP over a real socket (the engine's own transport is exercised), answers
``GET /v1/models`` and ``POST /v1/chat/completions``, and takes a script per path: each request
takes the next step (``Step``) — a status with a JSON body and headers, a body that is not JSON,
an empty answer, a slow answer, or a connection closed without an answer — and, once the script
is spent, the path's ``default``. Everything it received is kept in ``requests``, with the
number of requests in flight at its highest (``most_in_flight``).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    status: int = 200
    body: Any = None  # JSON-able; a str is sent as it is (garbage); None: the default completion
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    close: bool = False  # close the connection without an answer (a reset)


def completion(
    text: str = "The translation.",
    *,
    logprobs: list[float] | None = None,
    fingerprint: str | None = None,
    finish: str = "stop",
) -> dict[str, Any]:
    choice: dict[str, Any] = {
        "index": 0,
        "message": {"role": "assistant", "content": text},
        "finish_reason": finish,
    }
    if logprobs is not None:
        choice["logprobs"] = {"content": [{"token": "t", "logprob": v} for v in logprobs]}
    return {
        "id": "x",
        "object": "chat.completion",
        "model": "stub-model",
        "choices": [choice],
        "system_fingerprint": fingerprint,
    }


class Stub:
    """The server (module docstring). ``answer(body)`` makes a default completion from a request."""

    def __init__(
        self, models: tuple[str, ...] = ("stub-model",), answer: Callable[[dict], dict] | None = None
    ):
        self.models = models
        self.answer = answer or (lambda body: completion(f"EN: {body['messages'][-1]['content'][-40:]}"))
        self.scripts: dict[str, deque[Step]] = defaultdict(deque)
        self.defaults: dict[str, Step] = {}
        self.requests: list[tuple[str, str, Any, dict[str, str]]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                stub._handle(self, "GET")

            def do_POST(self) -> None:
                stub._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def script(self, path: str, *steps: Step) -> None:
        self.scripts[path].extend(steps)

    def chat_requests(self) -> list[dict]:
        return [body for method, path, body, _ in self.requests if path == "/v1/chat/completions"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path = handler.path
        with self._lock:
            self.requests.append((method, path, body, dict(handler.headers)))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            step = self.scripts[path].popleft() if self.scripts[path] else self.defaults.get(path)
        try:
            self._answer(handler, path, body, step)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, handler: BaseHTTPRequestHandler, path: str, body: Any, step: Step | None) -> None:
        if step is None:
            if path == "/v1/models":
                step = Step(
                    body={"object": "list", "data": [{"id": m, "object": "model"} for m in self.models]}
                )
            elif path == "/v1/chat/completions":
                step = Step(body=self.answer(body))
            else:
                step = Step(404, {"detail": "Not Found"})
        if step.delay:
            time.sleep(step.delay)
        if step.close:
            handler.close_connection = True
            handler.connection.close()
            return
        if step.body is None and path == "/v1/chat/completions" and step.status == 200:
            payload = json.dumps(self.answer(body)).encode()
        elif isinstance(step.body, str):
            payload = step.body.encode()
        elif step.body is None:
            payload = b""
        else:
            payload = json.dumps(step.body).encode()
        handler.send_response(step.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        for key, value in step.headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(payload)
