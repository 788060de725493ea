"""The ``openai`` engine against a real server: llama-cpp-python's OpenAI-compatible server on the
embedded model, started once for this module on a free local port, with an API key.

Slow (the real model answers): a few sentences end to end through the commands users run —
glossary, fidelity checks, the translation memory and a re-run that costs nothing — then the
failures the real server produces (no key, an unknown model, a request larger than its context),
and one batch on the session's Ray cluster whose actors all send to this one server while the
driver alone writes the memory.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, SEED, TEST_SERVER_KEY, TEST_SERVER_KEY_ENV

pytest.importorskip("httpx2")
pytest.importorskip("llama_cpp")
pytest.importorskip("fastapi")  # the server extra's packages (scripts/setup.sh test installs them)

from tarjama.cli import main
from tarjama.engines.server.client import ServerError
from tarjama.engines.server.engine import OpenAIEngine
from tarjama.errors import TarjamaError
from tarjama.types import TranslationRequest

pytestmark = pytest.mark.slow

KEY, KEY_ENV = TEST_SERVER_KEY, TEST_SERVER_KEY_ENV
ALIAS = "embedded-qwen"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server's base URL; it runs until the module is done."""
    from tarjama.dev.llama_server import llama_server
    from tarjama.models.embedded import ensure_model

    log = tmp_path_factory.mktemp("server") / "llama-server.log"
    try:
        with llama_server(ensure_model(), log, alias=ALIAS, api_key=KEY, timeout=180) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)


def seed_docs(folder: Path) -> list[Path]:
    """The seed's first two sentences as two small documents."""
    folder.mkdir(parents=True, exist_ok=True)
    text = " ".join(SEED.read_text(encoding="utf-8").split())
    parts = [s.strip() + "." for s in text.split(". ") if s.strip()]
    docs = [folder / "a.txt", folder / "b.txt"]
    for doc, sentence in zip(docs, parts, strict=False):
        doc.write_text(sentence + "\n", encoding="utf-8")
    return docs


def written_bytes(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in folder.rglob("*") if p.is_file()]


def test_batch_through_the_server_with_glossary_checks_and_memory(
    server: str, key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_docs(tmp_path / "in")
    out = tmp_path / "out"
    args = [
        "batch",
        str(tmp_path / "in"),
        "-O",
        str(out),
        "--base-url",
        server,
        "--api-key-env",
        KEY_ENV,
        "--glossary",
        str(ROOT / "references" / "glossary.tsv"),
        "--concurrency",
        "2",
        "--no-progress",
    ]
    assert main(args) == 0
    first = capsys.readouterr().err
    assert "0 failed" in first or "failed" not in first
    records = [
        json.loads(line) for line in (out / "provenance.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    identity = records[0]["engine"]
    assert identity["engine"] == "openai" and identity["model"] == ALIAS
    assert identity["params"]["server"] == server.split("//")[1].split("/")[0]
    assert identity["params"]["checks"] and identity["params"]["temperature"] == 0.0
    texts = [p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.en.txt"))]
    assert len(texts) == 2 and all(t.strip() for t in texts)
    assert "European Space Agency" in texts[0] or "ESA" in texts[0]  # the glossary's terms
    with sqlite3.connect(out / ".tarjama-memory.sqlite") as db:
        rows = db.execute("SELECT translation, confidence FROM segments").fetchall()
    assert len(rows) == 2 and all(json.loads(c)["tokens"] > 0 for _, c in rows)  # confidence from logprobs
    # a re-run is served by the memory: nothing is sent to the server for translation
    assert main(args) == 0
    again = capsys.readouterr().err
    assert "(0 translated, 2 cache hits)" in again, again
    assert not any(KEY.encode() in data for data in written_bytes(out))
    assert KEY not in first + again


def test_the_servers_refusals_are_one_line_each(server: str, key: None, tmp_path: Path, capsys) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("قالت الوكالة ذلك.\n", encoding="utf-8")
    assert main(["translate", str(doc), "--base-url", server, "--no-glossary", "--no-progress"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "HTTP 401: Invalid API key" in err[0] and "--api-key-env" in err[0]
    with pytest.raises(TarjamaError, match=rf"has no model 'gpt-4o'; it serves {ALIAS}: check --model"):
        OpenAIEngine("gpt-4o", base_url=server, api_key_env=KEY_ENV)
    engine = OpenAIEngine(None, base_url=server, api_key_env=KEY_ENV)
    try:
        assert engine.model == ALIAS
        # the real server tokenises for us: a one-token word becomes a logit bias
        bias, unbanned = engine._logit_bias(["Japanese"])
        assert bias and all(v == -100.0 for v in bias.values()) and unbanned == []
        huge = " ".join(["وكالة الفضاء الأوروبية تعلن عن شراكة جديدة"] * 300)
        with pytest.raises(
            ServerError, match=r"does not fit the server's context \(HTTP 400: This model's maximum"
        ):
            engine.translate([TranslationRequest(huge)])
    finally:
        engine.close()


@pytest.mark.ray
def test_ray_actors_send_to_one_server_and_the_driver_writes_the_memory(
    server: str, key: None, ray_cluster: str, tmp_path: Path, capsys
) -> None:
    seed_docs(tmp_path / "in")
    common = [
        "batch",
        str(tmp_path / "in"),
        "--base-url",
        server,
        "--api-key-env",
        KEY_ENV,
        "--no-glossary",
        "--batch-size",
        "1",
        "--no-progress",
    ]
    assert main([*common, "-O", str(tmp_path / "local")]) == 0
    ray_args = ["--runner", "ray", "--address", ray_cluster, "--workers", "2"]
    assert main([*common, "-O", str(tmp_path / "ray"), *ray_args]) == 0
    summary = capsys.readouterr().err
    assert "ray: cluster joined" in summary and "2 workers × 1 CPU" in summary
    local = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*.en.txt"))
    on_ray = sorted(p.relative_to(tmp_path / "ray") for p in (tmp_path / "ray").rglob("*.en.txt"))
    assert on_ray == local and len(on_ray) == 2
    # Not the same text, word for word: llama-cpp-python's server reuses the previous request's
    # prompt prefix, so its greedy English depends on the order the actors' requests arrive in
    # (tests/test_ray_runner.py holds the Ray runner to the local one's exact text in process).
    for name in on_ray:
        english = (tmp_path / "ray" / name).read_text(encoding="utf-8")
        assert "Agency" in english and not any("\u0600" <= c <= "\u06ff" for c in english)
    records = [json.loads(line) for line in (tmp_path / "ray" / "provenance.jsonl").read_text().splitlines()]
    processes = {w["process"] for r in records for w in r["workers"]}
    assert os.getpid() not in processes and records[0]["runner"] == "ray"
    with sqlite3.connect(tmp_path / "ray" / ".tarjama-memory.sqlite") as db:
        assert db.execute("SELECT count(*) FROM segments").fetchone()[0] == 2
    assert not (tmp_path / "ray" / ".tarjama-ray").exists()  # every actor's results merged by the driver
    assert not any(KEY.encode() in data for data in written_bytes(tmp_path / "ray"))
