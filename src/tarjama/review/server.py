"""The review web application (Starlette + Jinja2) and ``serve``, which runs it with uvicorn.

Pages (HTML, rendered by the templates in ``templates/`` with autoescape on):

* ``GET /`` — the documents, with sentences, sentences needing review, approved, progress;
* ``GET /doc/N`` — one document, sentences needing review first (``?order=document`` for
  document order); ``GET /doc/N/rows`` — just its sentence rows, for the page to refresh;
* ``GET /doc/N/download`` — the reviewed document in its output format.

JSON API (every POST needs the CSRF token, see ``review.security``; a body must be a JSON
object of at most ``MAX_BODY`` bytes, without NaN or Infinity; anything else is one 4xx line):

* ``POST /api/doc/N/approve`` ``{"sentence", "translation", "editor", "seconds", "base", "confirm"}``
  (``confirm`` false: an English with error findings is answered 409 with ``"confirm": true`` and
  its live QA, and nothing is stored);
* ``POST /api/doc/N/qa`` ``{"sentence", "translation"}``: the live QA of an English (writes nothing);
* ``POST /api/doc/N/status`` ``{"sentence", "status", "editor", "note"}`` (rejected, draft);
* ``POST /api/doc/N/comment`` ``{"sentence", "text", "editor"}``;
* ``POST /api/doc/N/export`` (the document's format) and ``POST /api/doc/N/export-xliff``;
* ``POST /api/glossary`` ``{"ar", "en", "kind", "note"}``; ``GET /api/glossary/suggestions``;
* ``GET /api/doc/N/report``; ``GET /api/doc/N/sentences/S/suggestions``; ``GET /api/concordance?q=``.

Assets are this package's ``static/`` files and the reports' one stylesheet
(``report.assets.CSS``), all served from here: the pages work offline. Work that touches
the session runs in Starlette's thread pool; the session's lock makes it safe with any number
of browsers at once.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import uvicorn
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tarjama.errors import TarjamaError
from tarjama.glossary import KINDS
from tarjama.report import sides
from tarjama.report.assets import CSS
from tarjama.report.html import highlight
from tarjama.review.security import Access, Guard, is_loopback
from tarjama.review.workspace import NeedsConfirmation, ReviewError, Workspace

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
DEFAULT_PORT = 8765
MAX_BODY = 1 << 20


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["highlight"] = lambda text, marks: Markup(highlight(text, marks))  # highlight() escapes
    env.filters["sides"] = lambda language: Markup(sides.attrs(language))  # lang and dir of a side
    env.filters["language_name"] = lambda language: sides.LABELS.get(language, language)
    env.filters["when"] = lambda t: datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M") if t else ""
    env.globals["kinds"] = KINDS
    env.globals["levels"] = {"high": "high", "medium": "medium", "low": "low"}
    return env


def _error(exc: TarjamaError, api: bool) -> Response:
    status = exc.status if isinstance(exc, ReviewError) else 400
    details = exc.details if isinstance(exc, ReviewError) else []
    if api:
        body: dict[str, Any] = {"error": str(exc), "details": details}
        if isinstance(exc, NeedsConfirmation):
            body.update(confirm=True, qa=exc.checked.to_dict())
        return JSONResponse(body, status)
    return Response(f"tarjama review: {exc}\n", status, media_type="text/plain; charset=utf-8")


Handler = Callable[[Request], Awaitable[Response]]


def _guarded(api: bool) -> Callable[[Handler], Handler]:
    """Turn a ``TarjamaError`` raised by a handler into its error response (one line, no traceback)."""

    def wrap(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except TarjamaError as exc:
                return _error(exc, api)

        return run

    return wrap


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # Python's json reads NaN and Infinity; JSON has neither


async def _body(request: Request) -> dict[str, Any]:
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise ReviewError(f"the request body is larger than {MAX_BODY} bytes", 413)
    try:
        data = json.loads(raw, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError):
        raise ReviewError("the request body is not valid JSON", 400) from None
    except RecursionError:
        raise ReviewError("the request body is nested too deeply; send a flat JSON object", 400) from None
    if not isinstance(data, dict):
        raise ReviewError("the request body must be a JSON object", 400)
    return data


def _field(data: dict[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    value = data.get(name, default)
    if value is ...:
        raise ReviewError(f"missing field {name!r}", 422)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is bool:
        wrong = not isinstance(value, bool)
    else:
        wrong = isinstance(value, bool) or not isinstance(value, kind)
    if value is not None and wrong:
        raise ReviewError(f"field {name!r} must be {kind.__name__}", 422)
    return value


def create_app(workspace: Workspace, access: Access) -> Guard:
    """The application for ``workspace``, behind ``access``'s checks."""
    env = templates()

    def page(name: str, **context: Any) -> str:
        return env.get_template(name).render(csrf=access.csrf, **context)

    def render_index() -> str:
        return page("index.html", docs=workspace.documents_info(), glossary=workspace.glossary_path)

    def render_rows(number: int, order: str, template: str) -> str:
        snap = workspace.snapshot(number, order=order)
        kinds = sorted({k for v in snap.views for k in v.kinds})
        return page(template, snap=snap, info=snap.info, views=snap.views, order=order, kinds_found=kinds)

    @_guarded(api=False)
    async def index(request: Request) -> Response:
        return HTMLResponse(await run_in_threadpool(render_index))

    def _order(request: Request) -> str:
        return "document" if request.query_params.get("order") == "document" else "review"

    @_guarded(api=False)
    async def document(request: Request) -> Response:
        number = request.path_params["doc"]
        return HTMLResponse(await run_in_threadpool(render_rows, number, _order(request), "document.html"))

    @_guarded(api=False)
    async def rows(request: Request) -> Response:
        number = request.path_params["doc"]
        return HTMLResponse(await run_in_threadpool(render_rows, number, _order(request), "rows.html"))

    @_guarded(api=False)
    async def download(request: Request) -> Response:
        number = request.path_params["doc"]
        text = await run_in_threadpool(workspace.reviewed_text, number)
        name = workspace.document(number).export_path().name
        media = "application/x-ndjson" if name.endswith(".jsonl") else "text/plain"
        return Response(text, media_type=f"{media}; charset=utf-8", headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    @_guarded(api=True)
    async def report(request: Request) -> Response:
        result = await run_in_threadpool(workspace.report, request.path_params["doc"])
        return JSONResponse(result.to_dict())

    @_guarded(api=True)
    async def suggestions(request: Request) -> Response:
        params = request.path_params
        found = await run_in_threadpool(workspace.suggest, params["doc"], params["s"])
        return JSONResponse({"suggestions": [m.to_dict() for m in found]})

    @_guarded(api=True)
    async def approve(request: Request) -> Response:
        number = request.path_params["doc"]
        data = await _body(request)
        sentence = _field(data, "sentence", int)
        translation = _field(data, "translation", str)
        editor = _field(data, "editor", str, "")
        seconds = _field(data, "seconds", float, 0.0)
        base = _field(data, "base", str, None)
        confirm = _field(data, "confirm", bool, True)

        def work() -> dict[str, Any]:
            done = workspace.approve(number, sentence, translation, editor=editor or "",
                                     seconds=seconds or 0.0, base=base, confirm=bool(confirm))
            return changed(done)

        return JSONResponse(await run_in_threadpool(work))

    def changed(done: Any) -> dict[str, Any]:
        row = env.get_template("row.html").module.row(done.view)  # type: ignore[attr-defined]
        other = done.overrode
        return {
            "row": str(row),
            "stats": done.stats.to_dict(),
            "report": None if done.report is None else done.report.to_dict(),
            "overrode": None if other is None else {"editor": other.editor, "translation": other.translation},
            "notes": list(done.notes),
        }

    @_guarded(api=True)
    async def qa(request: Request) -> Response:
        number = request.path_params["doc"]
        data = await _body(request)
        checked = await run_in_threadpool(
            workspace.qa, number, _field(data, "sentence", int), _field(data, "translation", str))
        return JSONResponse(checked.to_dict())

    @_guarded(api=True)
    async def status(request: Request) -> Response:
        number = request.path_params["doc"]
        data = await _body(request)
        sentence, value = _field(data, "sentence", int), _field(data, "status", str)
        editor, note = _field(data, "editor", str, ""), _field(data, "note", str, "")

        def work() -> dict[str, Any]:
            done = workspace.set_status(number, sentence, value, editor=editor or "", note=note or "")
            return changed(done)

        return JSONResponse(await run_in_threadpool(work))

    @_guarded(api=True)
    async def comment(request: Request) -> Response:
        number = request.path_params["doc"]
        data = await _body(request)
        sentence, text = _field(data, "sentence", int), _field(data, "text", str)
        editor = _field(data, "editor", str, "")

        def work() -> dict[str, Any]:
            view = workspace.comment(number, sentence, text, editor=editor or "")
            return {"row": str(env.get_template("row.html").module.row(view))}  # type: ignore[attr-defined]

        return JSONResponse(await run_in_threadpool(work))

    @_guarded(api=True)
    async def concordance(request: Request) -> Response:
        found = await run_in_threadpool(workspace.concordance, request.query_params.get("q", ""))
        return JSONResponse({"results": found})

    @_guarded(api=True)
    async def term_suggestions(request: Request) -> Response:
        found = await run_in_threadpool(workspace.term_suggestions)
        return JSONResponse({"suggestions": [s.to_dict() for s in found]})

    @_guarded(api=True)
    async def export(request: Request) -> Response:
        number = request.path_params["doc"]
        await _body(request)
        done = await run_in_threadpool(workspace.export, number)
        return JSONResponse({"name": done.name, "path": str(done.path), "size": done.size,
                             "download": f"/doc/{number}/download"})

    @_guarded(api=True)
    async def export_xliff(request: Request) -> Response:
        number = request.path_params["doc"]
        await _body(request)
        done = await run_in_threadpool(workspace.export_xliff, number)
        return JSONResponse({"name": done.name, "path": str(done.path), "size": done.size})

    @_guarded(api=True)
    async def add_term(request: Request) -> Response:
        data = await _body(request)
        values = [_field(data, name, str, "") for name in ("ar", "en", "kind", "note")]
        done = await run_in_threadpool(workspace.add_term, *values)
        return JSONResponse({"line": done.line, "en": done.entry.en, "ar": done.entry.ar_forms,
                             "carried": done.carried})

    async def stylesheet(request: Request) -> Response:
        return Response(CSS, media_type="text/css; charset=utf-8")

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/doc/{doc:int}", document),
            Route("/doc/{doc:int}/rows", rows),
            Route("/doc/{doc:int}/download", download),
            Route("/api/doc/{doc:int}/report", report),
            Route("/api/doc/{doc:int}/sentences/{s:int}/suggestions", suggestions),
            Route("/api/doc/{doc:int}/approve", approve, methods=["POST"]),
            Route("/api/doc/{doc:int}/qa", qa, methods=["POST"]),
            Route("/api/doc/{doc:int}/status", status, methods=["POST"]),
            Route("/api/doc/{doc:int}/comment", comment, methods=["POST"]),
            Route("/api/doc/{doc:int}/export", export, methods=["POST"]),
            Route("/api/doc/{doc:int}/export-xliff", export_xliff, methods=["POST"]),
            Route("/api/concordance", concordance),
            Route("/api/glossary", add_term, methods=["POST"]),
            Route("/api/glossary/suggestions", term_suggestions),
            Route("/static/report.css", stylesheet),
            Mount("/static", app=StaticFiles(directory=STATIC)),
        ],
    )
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    return Guard(app, access)


# --- running it ----------------------------------------------------------------------------


def bind(host: str, port: int | None) -> socket.socket:
    """A listening socket on ``host``; ``port`` None tries DEFAULT_PORT, then any free port.

    The socket is made with ``IPPROTO_TCP`` explicitly: asyncio turns Nagle's algorithm off
    (``TCP_NODELAY``) only on connections of such a socket, and with Nagle on, every response
    (headers, then body) waits about 40 ms for the client's delayed acknowledgement.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in ([DEFAULT_PORT, 0] if port is None else [port]):
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host.strip("[]"), candidate))
            sock.listen(128)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    if port is not None:
        raise TarjamaError(f"cannot listen on {host}:{port} ({last.strerror}); choose another --port") \
            from None
    raise TarjamaError(f"cannot listen on {host} ({last.strerror}); check --host") from None


def url_of(host: str, port: int, token: str) -> str:
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


class Server:
    """A review server on its socket; ``run`` blocks, ``start`` runs it on a thread (tests, benchmarks)."""

    def __init__(self, workspace: Workspace, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.workspace = workspace
        self.socket = bind(host, port)
        self.host = host
        self.port = self.socket.getsockname()[1]
        self.access = Access(self.port, is_loopback(host))
        self.url = url_of(host, self.port, self.access.token)
        config = uvicorn.Config(create_app(workspace, self.access), log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=3)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        self._server.run(sockets=[self.socket])

    def start(self) -> Server:
        self._thread = threading.Thread(target=self.run, name="tarjama-review", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the review server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        with contextlib.suppress(OSError):
            self.socket.close()


def serve(workspace: Workspace, host: str, port: int | None, *, open_browser: bool = False,
          out: TextIO = sys.stdout, err: TextIO = sys.stderr, notes: Sequence[str] = ()) -> int:
    """Serve ``workspace`` until interrupted; prints the URL (with its access token) first."""
    server = Server(workspace, host, port)
    if not server.access.loopback:
        print(f"tarjama review: warning: listening on {host}, reachable from other machines; anyone with "
              "the URL below can read and change these documents, the memory and the glossary", file=err)
    for note in notes:
        print(f"tarjama review: {note}", file=err)
    reviewable = sum(1 for d in workspace.documents if d.problem is None)
    print(f"tarjama review: {reviewable} document{'s' if reviewable != 1 else ''} at {server.url}", file=out)
    print("tarjama review: press Ctrl+C to stop", file=out)
    out.flush()
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(server.url,)).start()
    server.run()
    return 0
