"""Who may use a review server, and what every response carries.

* **Access token** (as Jupyter's): a random token is printed with the URL. A request carries
  it in the ``token`` query parameter (the printed URL: the server answers with a cookie and
  a redirect to the same page without the token, always a path on this server), in that cookie, or in an
  ``Authorization: token …`` header (scripts). Anything else gets 403. It is required on every
  address, loopback included: other users of the machine, and other pages open in the
  browser, can reach 127.0.0.1 as well.
* **Host check**: on a loopback address the server answers only requests whose ``Host`` is a
  loopback name with its port, which defeats DNS rebinding.
* **CSRF**: every request other than GET and HEAD must carry the page's CSRF token in
  ``X-CSRF-Token``, send JSON (``Content-Type: application/json``, which a cross-site form
  cannot send), and, when the browser names an ``Origin``, come from this server's origin.
* **Headers**: a Content-Security-Policy that allows only this server's own scripts, styles
  and images (no inline script, no other origin, no framing), ``nosniff``, ``no-referrer``,
  and ``no-store`` on everything but the static assets.

Tokens are compared in constant time (``secrets.compare_digest``).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = ("GET", "HEAD")
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _equal(given: str | None, secret: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode("utf-8", "replace"), secret.encode())


@dataclass(frozen=True)
class Access:
    """The secrets of one server: the access token (printed) and the CSRF token (in pages)."""

    port: int
    loopback: bool
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def cookie(self) -> str:
        return f"tarjama-review-{self.port}"

    def hosts(self) -> set[str]:
        return {f"{name}:{self.port}" for name in ("127.0.0.1", "localhost", "[::1]")}


class Guard:
    """ASGI middleware enforcing ``Access`` on every HTTP request (see the module docstring)."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self.check(request)
        static = request.url.path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                headers["Cache-Control"] = "no-cache" if static else "no-store"
            await send(message)

        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
        else:
            await self.app(scope, receive, send_with_headers)

    def check(self, request: Request) -> Response | None:
        """None when ``request`` may proceed, else the response that refuses it."""
        access = self.access
        host = request.headers.get("host", "").lower()
        if access.loopback and host not in access.hosts():
            return _refuse(request, 400,
                           f"unexpected Host header {host!r}; open the URL tarjama review printed")
        given = request.query_params.get("token")
        if given is not None:
            if not _equal(given, access.token):
                return _refuse(request, 403, "wrong access token; open the URL tarjama review printed")
            if request.method in SAFE_METHODS:
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = local_path(request) + (f"?{urlencode(rest)}" if rest else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(access.cookie, access.token, httponly=True, samesite="strict", path="/")
                return response
        else:
            auth = request.headers.get("authorization", "")
            header = auth[6:] if auth.lower().startswith("token ") else None
            if not (_equal(request.cookies.get(access.cookie), access.token) or _equal(header, access.token)):
                return _refuse(request, 403, "this page needs the access token: open the URL tarjama review "
                                             "printed (it ends with ?token=…)")
        if request.method not in SAFE_METHODS:
            if not _equal(request.headers.get("x-csrf-token"), access.csrf):
                return _refuse(request, 403, "missing or wrong CSRF token; reload the page")
            if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
                return _refuse(request, 415, "requests that change something must send JSON")
            origin = request.headers.get("origin")
            if origin is not None and origin.lower() != f"http://{host}":
                return _refuse(request, 403, f"request from another origin ({origin}) refused")
        return None


def local_path(request: Request) -> str:
    """The request's path as a redirect target on this server: ``//evil.com/x`` (or ``/\\evil.com``)
    would send the browser to another site, so leading slashes and backslashes collapse into one."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    return "/" + path.lstrip("/\\")


def _refuse(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or request.method not in SAFE_METHODS:
        return Response(json.dumps({"error": message}), status, media_type="application/json")
    return Response(f"tarjama review: {message}\n", status, media_type="text/plain; charset=utf-8")
