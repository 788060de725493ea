"""The review server over HTTP: access token, Host and CSRF checks, escaping, path traversal,
concurrent approvals and ``kill -9``. Requests go over real sockets to a real server."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from review_helpers import Client, Parrot, jsonl_with_findings, serving, translate, write_glossary
from tarjama.memory.store import MEMORY_NAME
from tarjama.review.server import Server
from tarjama.types import Finding


def approvals(folder: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / MEMORY_NAME) as db:
        return db.execute("SELECT translation, editor FROM approvals ORDER BY id").fetchall()


# --- who may use it -------------------------------------------------------------------------


def test_every_request_needs_the_access_token_and_the_printed_url_sets_a_cookie(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with serving([path], glossary=glossary) as (_ws, server, client):
        for target in ("/", "/doc/0", "/doc/0/rows", "/doc/0/download", "/api/doc/0/report",
                       "/static/review.js", "/static/report.css"):
            reply = client.get(target, token=False)
            assert reply.status == 403, target
            assert "access token" in reply.text
        assert client.get("/?token=wrong", token=False).status == 403
        assert client.get("/", headers={"Authorization": "token wrong"}, token=False).status == 403
        # The URL printed at start: a redirect that drops the token from the address, and a cookie.
        reply = client.get("/" + server.url.split("/", 3)[3], token=False)
        assert reply.status == 303 and reply.headers["Location"] == "/"
        cookie = reply.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and server.access.token in cookie
        name_value = cookie.split(";")[0]
        assert client.get("/doc/0", token=False, headers={"Cookie": name_value}).status == 200
        assert client.get("/doc/0").status == 200  # Authorization: token …, for scripts


def test_on_loopback_only_loopback_host_names_are_answered(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with serving([path], glossary=glossary) as (_ws, server, client):
        assert client.get("/", headers={"Host": f"evil.example:{server.port}"}).status == 400
        assert client.get("/", headers={"Host": f"localhost:{server.port}"}).status == 200


def test_another_host_warns_and_still_needs_the_token(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tarjama", "review", str(path), "--glossary", str(glossary),
         "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        url = _url(proc)
        assert url.startswith("http://0.0.0.0:") and "?token=" in url
        port = int(url.split(":")[2].split("/")[0])
        client = Client.__new__(Client)
        client.port, client.token, client.csrf = port, url.split("token=")[1], ""
        assert client.get("/", token=False, headers={"Host": f"example.org:{port}"}).status == 403
        assert client.get("/", headers={"Host": f"example.org:{port}"}).status == 200
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert "warning: listening on 0.0.0.0" in err


def test_state_changes_without_the_csrf_token_json_or_our_origin_are_refused(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    before = glossary.read_bytes()
    body = {"sentence": 0, "translation": "Forged.", "editor": "x"}
    with serving([path], glossary=glossary) as (_ws, server, client):
        refused = [
            client.post("/api/doc/0/approve", body, csrf=False),
            client.post("/api/doc/0/approve", body, csrf=False, headers={"X-CSRF-Token": "guess"}),
            client.post("/api/doc/0/approve", raw=b"sentence=0&translation=Forged.",
                        content_type="application/x-www-form-urlencoded"),
            client.post("/api/doc/0/approve", raw=json.dumps(body).encode(), content_type="text/plain"),
            client.post("/api/doc/0/approve", body, headers={"Origin": "http://evil.example"}),
            client.post("/api/glossary", {"ar": "الدفع", "en": "drive", "kind": "concept"}, csrf=False),
            client.post("/api/doc/0/export", {}, csrf=False),
        ]
        assert [r.status for r in refused] == [403, 403, 415, 415, 403, 403, 403]
        assert all("error" in r.json() for r in refused)
        assert approvals(tmp_path) == [] and glossary.read_bytes() == before
        assert not path.with_name("article.en.reviewed.jsonl").exists()
        origin = {"Origin": f"http://127.0.0.1:{server.port}"}
        assert client.post("/api/doc/0/approve", body, headers=origin).status == 200
    assert approvals(tmp_path) == [("Forged.", "x")]


def test_every_response_forbids_inline_script_framing_and_caching(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with serving([path], glossary=glossary) as (_ws, _server, client):
        for target in ("/", "/doc/0", "/api/doc/0/report"):
            headers = client.get(target).headers
            csp = headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert headers["X-Content-Type-Options"] == "nosniff" and headers["Cache-Control"] == "no-store"
        page = client.get("/doc/0").text
        assert "<script>" not in page and " style=" not in page and "http" not in page.split("<body>")[0]


# --- escaping ---------------------------------------------------------------------------------


SCRIPT = "<script>alert({})</script>"


def test_script_in_every_field_is_escaped(tmp_path: Path) -> None:
    glossary = write_glossary(tmp_path, "ar\ten\tkind\tnote\ten_variants\n"
                              f"جاكسا\tJAXA {SCRIPT.format(1)}\torganisation\t{SCRIPT.format(2)}\t\n")
    source = tmp_path / "a.txt"
    source.write_text(f"أعلنت جاكسا {SCRIPT.format(3)} عن مهمة.\n\nجملة ثانية.\n", encoding="utf-8")
    doc = translate(source, glossary, Parrot())
    sentence = doc.paragraphs[0].sentences[0]
    sentence.notes = [SCRIPT.format(4)]
    sentence.findings = [
        Finding(SCRIPT.format(5), SCRIPT.format(6), (0, 5), (0, 8), "error", suggestion=SCRIPT.format(11))
    ]
    name = "<img src=x onerror=alert(7)>.jsonl"
    (tmp_path / name).write_text(doc.jsonl(), encoding="utf-8")
    with serving([tmp_path / name], glossary=glossary) as (_ws, _server, client):
        approved = client.approve(0, 1, SCRIPT.format(8), editor=SCRIPT.format(9))
        assert approved.status == 200
        pages = {
            "index": client.get("/").text,
            "document": client.get("/doc/0").text,
            "rows": client.get("/doc/0/rows?order=document").text,
            "approved row": approved.json()["row"],
        }
        for where, html in pages.items():
            assert not re.search(r"<script>alert|<img src=x", html), where
        document = pages["document"]
        # source, notes, finding check, message and suggested spelling, English, editor
        for k in (3, 4, 5, 6, 11, 8, 9):
            assert f"&lt;script&gt;alert({k})&lt;/script&gt;" in document, k
        assert "suggested spelling: <b>&lt;script&gt;alert(11)" in document
        assert "&lt;img src=x onerror=alert(7)&gt;.jsonl" in pages["index"]
        assert 'data-term="JAXA &lt;script&gt;alert(1)&lt;/script&gt;"' in document  # glossary English
        # The glossary note is not shown; a lint message quoting it travels as JSON, shown as text.
        reply = client.post("/api/glossary", {"ar": "جاكسا", "en": SCRIPT.format(10), "kind": "person"})
        assert reply.status == 422 and reply.headers["Content-Type"] == "application/json"
        assert any(SCRIPT.format(10) in d for d in reply.json()["details"])


# --- paths ------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fserver.py",
    "/static/%2e%2e%2fworkspace.py",
    "/static/../../../../etc/passwd", "/doc/0/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/doc/-1",
    "/doc/9", "/doc/x", "/doc/0/download/../../../etc/passwd", "/api/doc/0/sentences/99/suggestions",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd",
])
def test_paths_outside_the_application_are_refused(tmp_path: Path, target: str) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with serving([path], glossary=glossary) as (_ws, _server, client):
        reply = client.get(target)
        assert reply.status in (400, 404), (target, reply.status)
        assert b"root:" not in reply.body and b"import" not in reply.body


def test_export_writes_beside_the_document_only_and_download_gives_the_same_text(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with serving([path], glossary=glossary) as (_ws, _server, client):
        assert client.approve(0, 0, "Approved first sentence.", editor="amal").status == 200
        reply = client.post("/api/doc/0/export", {"path": "/tmp/elsewhere.jsonl", "name": "../x"})
        assert reply.status == 200 and reply.json()["name"] == "article.en.reviewed.jsonl"
        written = path.with_name("article.en.reviewed.jsonl").read_text(encoding="utf-8")
        download = client.get("/doc/0/download")
        assert download.text == written
        disposition = download.headers["Content-Disposition"]
        assert disposition == "attachment; filename*=UTF-8''article.en.reviewed.jsonl"
    assert not Path("/tmp/elsewhere.jsonl").exists()
    first = json.loads(written.splitlines()[0])["sentences"][0]
    assert (first["translation"], first["origin"]) == ("Approved first sentence.", "human")


def test_the_document_page_is_compressed_for_browsers_that_ask(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with serving([path], glossary=glossary) as (_ws, _server, client):
        plain = client.get("/doc/0")
        packed = client.get("/doc/0", headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.body) == plain.body


# --- concurrency and durability -----------------------------------------------------------------


def long_article(n: int) -> str:
    return "\n\n".join(f"الجملة رقم {k} عن جاكسا والقمر." for k in range(n)) + "\n"


def test_two_browsers_approving_at_once_lose_nothing(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path, long_article(40))
    errors: list[str] = []
    with serving([path], glossary=glossary) as (ws, _server, client):
        start = threading.Barrier(2)

        def editor(name: str, sentences: range) -> None:
            start.wait()
            for k in sentences:
                for text in (f"{name} {k}", f"{name} shared {k}"):
                    reply = client.approve(0, k if "shared" not in text else 0, text, editor=name)
                    if reply.status != 200:
                        errors.append(f"{name} {k}: {reply.status} {reply.text}")

        threads = [threading.Thread(target=editor, args=("amal", range(0, 20))),
                   threading.Thread(target=editor, args=("badr", range(20, 40)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        stats = ws.snapshot(0).info.stats
        assert stats.approved == 40
    rows = approvals(tmp_path)
    assert len(rows) == 80  # every approval, the 40 of the shared sentence included
    assert {r for r in rows if "shared" not in r[0]} == (
        {(f"amal {k}", "amal") for k in range(20)} | {(f"badr {k}", "badr") for k in range(20, 40)})


def test_two_servers_on_one_memory_lose_nothing(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path, long_article(30))
    with (serving([path], glossary=glossary) as (_w1, _s1, one),
          serving([path], glossary=glossary) as (_w2, _s2, two)):
        results: list[int] = []
        threads = [threading.Thread(target=lambda c=c, base=base: results.extend(
            c.approve(0, base + k, f"server {base} {k}").status for k in range(15)))
            for c, base in ((one, 0), (two, 15))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [200] * 30
        assert one.get("/doc/0").text.count('data-status="approved"') == 30  # each sees the other's
    assert len(approvals(tmp_path)) == 30


def _url(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "http://" in line:
            return line.split(" at ", 1)[1].strip()
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"no URL from tarjama review: {proc.stderr.read() if proc.stderr else ''}")


def test_kill_9_right_after_an_approval_loses_nothing(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tarjama", "review", str(path), "--glossary", str(glossary), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        url = _url(proc)
        port = int(url.split(":")[2].split("/")[0])
        client = Client.__new__(Client)
        client.port, client.token = port, url.split("token=")[1]
        page = client.get("/doc/0").text
        client.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        for k in range(5):
            assert client.approve(0, k, f"Approved {k}.", editor="amal").status == 200
        os.kill(proc.pid, signal.SIGKILL)  # the moment the last response arrived
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert approvals(tmp_path) == [(f"Approved {k}.", "amal") for k in range(5)]


def test_a_server_on_a_busy_port_says_so(tmp_path: Path) -> None:
    path, glossary = jsonl_with_findings(tmp_path)
    with serving([path], glossary=glossary) as (ws, server, _client):
        from tarjama.errors import TarjamaError

        with pytest.raises(TarjamaError, match=f"cannot listen on 127.0.0.1:{server.port}"):
            Server(ws, "127.0.0.1", server.port)


def test_the_listening_socket_lets_asyncio_turn_nagle_off(tmp_path: Path) -> None:
    # asyncio sets TCP_NODELAY only on connections of a socket made with IPPROTO_TCP; with Nagle
    # on, each response waits ~40 ms for a delayed ACK (bench_review.py: 84 → 4 ms per approval).
    import socket

    path, glossary = jsonl_with_findings(tmp_path)
    with serving([path], glossary=glossary) as (_ws, server, client):
        assert server.socket.proto == socket.IPPROTO_TCP
        assert client.get("/").status == 200
