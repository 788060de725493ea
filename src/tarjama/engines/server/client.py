"""HTTP to an OpenAI-compatible server: retries, back-pressure, and one line for every failure.

``Client`` sends JSON to the server (httpx2: a pooled, thread-safe client) with these rules:

* **Retries** on HTTP 429 and 5xx, on an empty answer, on a timeout and on a connection reset,
  up to ``Backoff.retries`` times, waiting exponentially longer each time (with jitter, so that
  many workers do not come back at the same instant), or exactly what the server asks for in
  ``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``.
* **Back-pressure**: at most ``concurrency`` requests are in flight (``Gate``); a 429 or 503
  halves that limit for the requests after it, and each run of successes as long as the limit
  raises it by one again, up to ``concurrency``.
* **One line** (``ServerError``, a ``TarjamaError`` with exit status 3) for what retrying cannot
  fix: connection refused, an unknown host, 401/403, an unknown model or path (404), a request larger than the
  server's context, any other refusal (4xx, with the server's own message), an answer that is
  not JSON, and the last retryable failure once the retries are spent. Each names the server
  (its URL without credentials or query) and says how to fix it.
* **The API key** is sent as a bearer token and nowhere else: never in a message (a server's
  error text that echoes it is masked), never in the identity or provenance.
"""

from __future__ import annotations

import contextlib
import email.utils
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tarjama.errors import ModelUnavailableError

# Statuses a server uses for "busy, try later": rate limit, overload, gateway trouble.
RETRYABLE = frozenset({429, 500, 502, 503, 504})
# Those that also lower the number of requests in flight.
THROTTLING = frozenset({429, 503})
# How a server says a request is larger than its context (OpenAI, vLLM, llama.cpp, TGI, Ollama).
CONTEXT_WORDS = (
    "context_length_exceeded",
    "maximum context length",
    "context window",
    "context length",
    "exceed_context_size",
    "input validation error: `inputs` tokens",
    "too many tokens",
    "prompt is too long",
)


class ServerError(ModelUnavailableError):
    """A request to the server failed in a way that retrying does not fix (one line, exit status 3)."""


def public_url(url: str) -> str:
    """``url`` without user name, password, query or fragment: safe to print and record."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def server_root(base_url: str) -> str:
    """The server's root (``http://host:8000``) for a base URL that ends in ``/v1``."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def retry_after(headers: Any, now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asks to wait: ``retry-after-ms``, or ``Retry-After`` (seconds or a date)."""
    value = headers.get("retry-after-ms")
    if value is not None:
        with contextlib.suppress(ValueError):
            return max(0.0, float(value) / 1000)
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - now())
    return None


@dataclass(frozen=True)
class Backoff:
    """How often and how long to wait before trying a failed request again."""

    retries: int = 4
    first: float = 1.0  # seconds before the first retry; doubled for each later one
    cap: float = 60.0  # never wait longer than this for one retry, whatever the server asks

    def delay(self, attempt: int, asked: float | None = None, jitter: float | None = None) -> float:
        """Seconds before retry ``attempt`` (0-based): what the server asked, else exponential."""
        if asked is not None:
            return min(asked, self.cap)
        full = min(self.cap, self.first * 2**attempt)
        share = random.uniform(0.5, 1.0) if jitter is None else jitter
        return full * share


class Gate:
    """At most ``limit`` requests in flight; halved when the server throttles (module docstring)."""

    def __init__(self, limit: int) -> None:
        self.most = max(1, limit)
        self.limit = self.most
        self.in_flight = 0
        self._successes = 0
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def slot(self) -> Iterator[Callable[[bool], None]]:
        """Hold one slot; call the yielded function with True when the server throttled."""
        with self._cond:
            while self.in_flight >= self.limit:
                self._cond.wait()
            self.in_flight += 1
        throttled = [False]
        try:
            yield lambda flag: throttled.__setitem__(0, flag)
        finally:
            with self._cond:
                self.in_flight -= 1
                if throttled[0]:
                    self.limit = max(1, self.limit // 2)
                    self._successes = 0
                else:
                    self._successes += 1
                    if self._successes >= self.limit and self.limit < self.most:
                        self.limit += 1
                        self._successes = 0
                self._cond.notify_all()


def _server_message(response: Any) -> str:
    """The server's own error text (OpenAI's ``error.message``, FastAPI's ``detail``…), one line."""
    try:
        data = response.json()
    except ValueError:
        data = None
    text = ""
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            text = str(error.get("message") or error.get("code") or "")
        elif error:
            text = str(error)
        else:
            text = str(data.get("detail") or data.get("message") or "")
    if not text:
        text = response.text
    line = " ".join(text.split())
    return line[:300] + ("…" if len(line) > 300 else "")


class Client:
    """JSON requests to one server, with the rules of the module docstring."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        key_source: str = "",
        timeout: float = 300.0,
        connect_timeout: float = 10.0,
        backoff: Backoff = Backoff(),
        concurrency: int = 1,
        transport: Any = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx2

        self._httpx = httpx2
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ServerError(
                f"--base-url {public_url(base_url)!r}: expected http://HOST:PORT/v1 or https://…"
            )
        self.base_url = base_url.rstrip("/")
        self.where = public_url(base_url)
        self.root = server_root(self.base_url)
        self.timeout = timeout
        self.backoff = backoff
        self.gate = Gate(concurrency)
        self.sleep = sleep
        self._key = api_key or None
        self._key_source = key_source
        headers = {"Accept": "application/json", "User-Agent": "tarjama"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        self._http = httpx2.Client(
            headers=headers,
            timeout=httpx2.Timeout(timeout, connect=connect_timeout),
            limits=httpx2.Limits(
                max_connections=max(1, concurrency) + 2, max_keepalive_connections=max(1, concurrency)
            ),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def mask(self, text: str) -> str:
        """``text`` with the API key (should a server echo it) replaced by ``***``."""
        return text.replace(self._key, "***") if self._key else text

    # -- requests -------------------------------------------------------------------------------

    def get(self, path: str, *, root: bool = False, retry: bool = True, timeout: float | None = None) -> Any:
        return self.request("GET", path, None, root=root, retry=retry, timeout=timeout)

    def post(
        self,
        path: str,
        body: dict[str, Any],
        *,
        root: bool = False,
        retry: bool = True,
        timeout: float | None = None,
    ) -> Any:
        return self.request("POST", path, body, root=root, retry=retry, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        *,
        root: bool = False,
        retry: bool = True,
        timeout: float | None = None,
    ) -> Any:
        """The parsed JSON answer of ``method path`` (relative to the base URL, or the root).

        ``retry=False`` makes one attempt and raises ``ServerError`` for any failure (for optional
        probes whose absence is an answer too).
        """
        url = (self.root if root else self.base_url) + path
        shown = public_url(url)
        tries = self.backoff.retries + 1 if retry else 1
        why = ""
        for attempt in range(tries):
            asked: float | None = None
            with self.gate.slot() as throttled:
                try:
                    response = self._http.request(
                        method,
                        url,
                        json=body,
                        timeout=self._httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
                    )
                except self._httpx.ConnectError as exc:
                    reason = str(exc).lower()
                    if "refused" in reason:
                        raise ServerError(
                            f"{self.where}: connection refused; is the server running there? Check --base-url"
                        ) from None
                    if (
                        "name or service not known" in reason
                        or "nodename nor servname" in reason
                        or ("name resolution" in reason)
                    ):
                        raise ServerError(f"{self.where}: unknown host; check --base-url") from None
                    why = f"cannot connect ({self.mask(str(exc))[:120]})"
                    response = None
                except self._httpx.TimeoutException:
                    why = f"no answer within {timeout or self.timeout:g} s"
                    response = None
                except (
                    self._httpx.RemoteProtocolError,
                    self._httpx.ReadError,
                    self._httpx.WriteError,
                ) as exc:
                    why = f"connection reset ({self.mask(str(exc))[:120] or type(exc).__name__})"
                    response = None
                if response is not None:
                    status = response.status_code
                    if 200 <= status < 300:
                        if response.content.strip():
                            return self._json(response, shown)
                        why = "an empty answer"
                    elif status in RETRYABLE:
                        throttled(status in THROTTLING)
                        asked = retry_after(response.headers)
                        message = self.mask(_server_message(response))
                        why = f"HTTP {status}" + (f" ({message})" if message else "")
                    else:
                        raise self._refusal(status, self.mask(_server_message(response)), shown, body)
            if not retry:
                raise ServerError(f"{shown}: {why}")
            if attempt + 1 < tries:
                self.sleep(self.backoff.delay(attempt, asked))
        raise ServerError(
            f"{shown}: {why} after {tries} tries; the server is down or overloaded (retries: "
            "--engine-option retries=N, timeout=SECONDS)"
        )

    def _json(self, response: Any, shown: str) -> Any:
        try:
            return response.json()
        except ValueError:
            start = " ".join(response.text.split())[:80]
            raise ServerError(
                f"{shown}: the answer is not JSON ({start!r}…); is --base-url an OpenAI-compatible API "
                "(it usually ends in /v1)?"
            ) from None

    def _refusal(self, status: int, message: str, shown: str, body: dict[str, Any] | None) -> ServerError:
        said = f": {message}" if message else ""
        if status in (401, 403):
            if self._key:
                how = f"check the key in ${self._key_source}" if self._key_source else "check the API key"
            else:
                how = "it needs an API key: put it in an environment variable and name it with --api-key-env"
            return ServerError(f"{self.where}: the server refused the request (HTTP {status}{said}); {how}")
        lowered = message.lower()
        if status == 404:
            model = (body or {}).get("model")
            if model and "model" in lowered:
                return ServerError(f"{self.where}: the server has no model {model!r}{said}; check --model")
            return ServerError(
                f"{shown}: not found (HTTP 404{said}); check --base-url (it usually ends in /v1)"
            )
        if any(word in lowered for word in CONTEXT_WORDS) or status == 413:
            return ServerError(
                f"{self.where}: the request does not fit the server's context (HTTP {status}{said}); "
                "start the server with a larger context (llama.cpp: --n_ctx / -c, vLLM: --max-model-len, "
                "Ollama: num_ctx, TGI: --max-input-tokens)"
            )
        return ServerError(f"{shown}: the server refused the request (HTTP {status}{said})")
