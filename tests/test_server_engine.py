"""The ``openai`` engine against a scripted local server (``server_stub``): protocol and failures.

Real HTTP on a real socket, so the engine's own transport runs; what the server does is
scripted per request: 429 with ``Retry-After``, 500, a body that is not JSON, an empty answer,
a slow answer, a connection closed without an answer. Waits are recorded instead of slept.
The real server (llama-cpp-python's, on the embedded model) is ``test_server_slow.py``.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("httpx2")

from server_stub import Step, Stub, completion
from tarjama.cli import main
from tarjama.engines import load_engine
from tarjama.engines.server.client import Backoff, Gate, ServerError, public_url, retry_after
from tarjama.engines.server.engine import OpenAIEngine
from tarjama.errors import TarjamaError
from tarjama.types import EN_AR, TermHint, TranslationRequest

CHAT = "/v1/chat/completions"


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub()
    yield server
    server.close()


class Sleeps(list):
    """Records the waits the client asks for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def engine(stub: Stub, **options) -> OpenAIEngine:
    options.setdefault("sleep", Sleeps())
    return OpenAIEngine(options.pop("model", None), base_url=stub.url, **options)


def test_a_translation_is_the_servers_answer_with_its_confidence_and_identity(stub: Stub) -> None:
    stub.answer = lambda body: completion(
        "The agency said so.", logprobs=[-0.5, -0.1, -1.5], fingerprint="fp_1"
    )
    e = engine(stub, concurrency=2)
    (result,) = e.translate([TranslationRequest("قالت الوكالة ذلك.")])
    assert result.text == "The agency said so."
    assert result.confidence is not None and result.confidence.min == -1.5 and result.confidence.tokens == 3
    ident = e.identity
    assert (ident.engine, ident.model, ident.revision) == ("openai", "stub-model", "fp_1")
    host = stub.url.split("//")[1].split("/")[0]
    assert ident.params["server"] == host and ident.params["temperature"] == 0.0 and ident.params["seed"] == 0
    body = stub.chat_requests()[-1]
    assert body["temperature"] == 0.0 and body["seed"] == 0 and body["logprobs"] is True
    assert body["stop"] == ["\n\n"] and body["model"] == "stub-model" and body["repeat_penalty"] == 1.0
    e.close()


def test_the_messages_are_the_embedded_engines_prompt(stub: Stub) -> None:
    """What the server reads is exactly what the embedded engine shows its model (ChatML aside)."""
    from tarjama.engines.chat import assistant_start, render_chatml
    from tarjama.engines.gguf.prompts import build_prompt
    from tarjama.engines.injection import inject_terms
    from tarjama.engines.prompts import EXAMPLES, MARKUP_EXAMPLE, Message

    e = engine(stub)
    source = "أعلنت وكالة الفضاء الأوروبية عن <g1>شراكة</g1>."
    hints = (TermHint("وكالة الفضاء الأوروبية", "European Space Agency", start=6, end=28),)
    request = TranslationRequest(source, hints, strict_markup=True, notes=("a repair note",))
    e.translate([request])
    sent = [Message(**m) for m in stub.chat_requests()[-1]["messages"]]
    expected = build_prompt(
        inject_terms(source, hints),
        hints,
        notes=["Keep every tag of the Arabic exactly once: <g1></g1>", "a repair note"],
        examples=[*EXAMPLES[:3], MARKUP_EXAMPLE],
    )
    assert render_chatml(sent) + assistant_start() == expected
    assert "European Space Agency" in sent[-1].content.split("\n\n")[-1]  # the terms written in
    e.close()


def test_english_into_arabic_is_served_and_asked_for(stub: Stub) -> None:
    e = engine(stub)
    assert EN_AR in e.directions()
    e.translate([TranslationRequest("The agency said so.", direction=EN_AR)])
    assert "English-to-Arabic" in stub.chat_requests()[-1]["messages"][0]["content"]
    e.close()


def test_429_waits_what_retry_after_says_and_500_backs_off(stub: Stub) -> None:
    stub.script(
        CHAT,
        Step(),
        Step(429, {"error": {"message": "slow down"}}, {"Retry-After": "7"}),
        Step(500, {"error": {"message": "boom"}}),
        Step(503, "", {"retry-after-ms": "250"}),
    )
    sleeps = Sleeps()
    e = engine(stub, sleep=sleeps, retries=4)
    (result,) = e.translate([TranslationRequest("نص.")])
    assert result.text.startswith("EN:")
    assert sleeps[0] == 7.0 and sleeps[2] == 0.25
    assert 1.0 <= sleeps[1] <= 2.0  # exponential: the second retry waits 2 s × jitter in [0.5, 1]
    assert len(stub.chat_requests()) == 5  # probe + 3 failures + the answer
    # back-pressure: 429 and 503 halved the requests allowed in flight (4 → 2 → 1), the answer raised it
    assert e.client.gate.limit == 2
    e.close()


def test_retries_are_spent_then_one_line(stub: Stub, tmp_path: Path, capsys) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("نص قصير.\n", encoding="utf-8")
    stub.script(CHAT, Step())  # the probe answers; every translation gets 500
    stub.defaults[CHAT] = Step(500, {"error": {"message": "internal error"}})
    rc = main(
        [
            "translate",
            str(doc),
            "--base-url",
            stub.url,
            "--engine-option",
            "retries=1",
            "--no-glossary",
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 3 and len(err) == 1 and "Traceback" not in err[0]
    assert "HTTP 500 (internal error) after 2 tries" in err[0] and stub.url in err[0]


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (Step(200, "<html>proxy error</html>"), "the answer is not JSON ('<html>proxy error</html>'"),
        (Step(200, {"object": "chat.completion", "choices": []}), "answered without a completion"),
        (
            Step(
                400,
                {
                    "error": {
                        "message": "This model's maximum context length is 2048 tokens. However, you "
                        "requested 3050 tokens",
                        "code": "context_length_exceeded",
                    }
                },
            ),
            "does not fit the server's context (HTTP 400: This model's maximum context length is 2048",
        ),
        (Step(404, {"error": {"message": "The model `x` does not exist"}}), "has no model 'stub-model'"),
        (Step(422, {"detail": "bad field"}), "refused the request (HTTP 422: bad field)"),
    ],
)
def test_what_retrying_cannot_fix_is_one_line_at_once(stub: Stub, step: Step, words: str) -> None:
    e = engine(stub)
    stub.script(CHAT, step)
    with pytest.raises(ServerError) as caught:
        e.translate([TranslationRequest("نص.")])
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert len(stub.chat_requests()) == 2  # the probe and this one: no retry
    e.close()


def test_an_empty_answer_a_reset_and_a_slow_answer_are_retried(stub: Stub) -> None:
    stub.script(CHAT, Step(), Step(200, ""), Step(close=True), Step(delay=1.0))
    sleeps = Sleeps()
    e = engine(stub, timeout=0.3, sleep=sleeps)
    (result,) = e.translate([TranslationRequest("نص.")])
    assert result.text.startswith("EN:") and len(sleeps) == 3
    e.close()


def test_a_server_that_never_answers_in_time_is_one_line(stub: Stub) -> None:
    e = engine(stub, timeout=0.2, retries=1)
    stub.defaults[CHAT] = Step(delay=0.6)
    started = time.perf_counter()
    with pytest.raises(ServerError, match=r"no answer within 0.2 s after 2 tries"):
        e.translate([TranslationRequest("نص.")])
    assert time.perf_counter() - started < 3
    e.close()


def test_connection_refused_unknown_model_and_no_key_are_one_line_each(stub: Stub, monkeypatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    with pytest.raises(ServerError, match=rf"^http://127.0.0.1:{port}/v1: connection refused; is the server"):
        OpenAIEngine(base_url=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(TarjamaError, match=r"has no model 'nope'; it serves stub-model: check --model"):
        engine(stub, model="nope")
    two = Stub(models=("a", "b"))
    with pytest.raises(TarjamaError, match=r"serves a, b: pass one with --model"):
        OpenAIEngine(base_url=two.url)
    two.close()
    with pytest.raises(TarjamaError, match=r"the environment variable MISSING_KEY is not set"):
        engine(stub, api_key_env="MISSING_KEY")


def test_the_api_key_goes_only_into_the_authorization_header(stub: Stub, monkeypatch) -> None:
    secret = "sk-test-0123456789abcdef"
    monkeypatch.setenv("STUB_KEY", secret)
    e = engine(stub, api_key_env="STUB_KEY")
    assert {h.get("Authorization") for _, _, _, h in stub.requests} == {f"Bearer {secret}"}
    assert secret not in json.dumps(e.identity.to_dict())
    # a server that echoes the key in its refusal: the message masks it
    stub.script(CHAT, Step(401, {"error": {"message": f"key {secret} revoked"}}))
    with pytest.raises(ServerError) as caught:
        e.translate([TranslationRequest("نص.")])
    assert secret not in str(caught.value) and "key *** revoked" in str(caught.value)
    assert "check the key in $STUB_KEY" in str(caught.value)
    e.close()


def test_a_field_the_server_refuses_is_left_out_and_the_identity_says_so(stub: Stub) -> None:
    stub.script(
        CHAT, Step(400, {"error": {"message": "Unrecognized request argument supplied: repeat_penalty"}})
    )
    e = engine(stub)
    assert "repeat_penalty" not in e.identity.params and "repeat_penalty" not in stub.chat_requests()[-1]
    e.close()


def test_a_changed_fingerprint_during_a_run_is_refused(stub: Stub) -> None:
    stub.answer = lambda body: completion("x", fingerprint="fp_1")
    e = engine(stub)
    stub.answer = lambda body: completion("x", fingerprint="fp_2")
    with pytest.raises(ServerError, match=r"model changed during the run \(fingerprint fp_1 → fp_2\)"):
        e.translate([TranslationRequest("نص.")])
    e.close()


def test_the_models_fingerprint_from_tgi_or_ollama_endpoints(stub: Stub) -> None:
    stub.defaults["/info"] = Step(body={"model_id": "org/m", "model_sha": "abc123"})
    assert engine(stub).identity.revision == "model_sha:abc123"
    del stub.defaults["/info"]
    stub.defaults["/api/tags"] = Step(body={"models": [{"name": "stub-model", "digest": "sha256:feed"}]})
    assert engine(stub).identity.revision == "sha256:feed"


def test_at_most_concurrency_requests_are_in_flight(stub: Stub) -> None:
    stub.defaults[CHAT] = Step(delay=0.15)
    e = engine(stub, concurrency=3)
    done: list[int] = []
    results = e.translate([TranslationRequest(f"جملة {i}.") for i in range(9)], done=done.append)
    assert stub.most_in_flight == 3 and sorted(done) == list(range(9))
    assert [r.text for r in results] == [f"EN: جملة {i}." for i in range(9)]  # in order
    e.close()


def test_the_gate_halves_on_throttling_and_grows_back() -> None:
    gate = Gate(4)
    with gate.slot() as throttled:
        throttled(True)
    assert gate.limit == 2
    for _ in range(2):
        with gate.slot():
            pass
    assert gate.limit == 3
    for _ in range(3):
        with gate.slot():
            pass
    assert gate.limit == 4


def test_retry_after_forms_and_backoff_caps() -> None:
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "1500"}) == 1.5
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, now=lambda: 1445412480.0) == 10.0
    assert retry_after({"retry-after": "soon"}) is None and retry_after({}) is None
    assert Backoff(cap=30).delay(0, asked=600) == 30
    assert Backoff(first=1).delay(3, jitter=1.0) == 8.0
    assert public_url("https://user:pw@host:8443/v1/?key=s3cret#x") == "https://host:8443/v1"


def test_words_to_avoid_are_a_logit_bias_where_the_server_tokenises(stub: Stub) -> None:
    stub.defaults["/extras/tokenize"] = Step(body=None)
    e = engine(stub)
    tokens = {" Japanese": [777], "Japanese": [12, 13], " Nipponese": [4, 5], "Nipponese": [6, 7]}
    e._tokenize = lambda text: tokens.get(text)  # what the server's tokenizer would say
    e.translate([TranslationRequest("نص.", avoid=("Japanese", "Nipponese"))])
    body = stub.chat_requests()[-1]
    assert body["logit_bias"] == {"777": -100.0}
    assert "Do not use these words: Nipponese." in body["messages"][-1]["content"]
    e.close()


def test_the_tokenize_endpoint_is_found_once(stub: Stub) -> None:
    stub.defaults["/tokenize"] = Step(body={"tokens": [42]})
    e = engine(stub)
    e.translate([TranslationRequest("نص.", avoid=("Japanese",))])
    assert stub.chat_requests()[-1]["logit_bias"] == {"42": -100.0}
    paths = [p for _, p, _, _ in stub.requests]
    assert paths.count("/extras/tokenize") == 1  # tried once, then the working one only
    e.close()


def test_no_output_keeps_the_source_and_a_cut_answer_is_flagged(stub: Stub) -> None:
    e = engine(stub)
    stub.script(CHAT, Step(body=completion("")), Step(body=completion("The agency", finish="length")))
    empty, cut = e.translate([TranslationRequest("نص.")]) + e.translate([TranslationRequest("نص آخر.")])
    assert empty.text == "نص." and [n.kind for n in empty.notes] == ["untranslated"]
    assert [f.check for f in empty.findings] == ["degenerate"]
    assert cut.text == "The agency" and "hit the token limit" in cut.findings[0].message
    e.close()


def test_flags_reach_the_engine_and_are_refused_elsewhere(stub: Stub, capsys) -> None:
    e = load_engine(None, None, base_url=stub.url, concurrency="2", examples="1", inject="false")
    assert e.name == "openai" and e.concurrency == 2 and len(e.examples) == 1 and e.inject is False
    e.close()
    with pytest.raises(TarjamaError, match=r"engine openai: option examples expects a whole number, got 'x'"):
        load_engine("openai", None, base_url=stub.url, examples="x")
    with pytest.raises(
        TarjamaError, match=r"--base-url: for --engine openai \(a server\), not --engine marian"
    ):
        load_engine("marian", None, base_url=stub.url)


def test_a_failed_run_loses_nothing_from_the_memory(stub: Stub, tmp_path: Path, capsys, monkeypatch) -> None:
    """Batch: what was translated before the server broke is in the memory; a re-run asks only the rest."""
    src = tmp_path / "in"
    src.mkdir()
    for i in range(4):
        (src / f"d{i}.txt").write_text(f"الجملة رقم {i}.\n", encoding="utf-8")
    args = [
        "batch",
        str(src),
        "-O",
        str(tmp_path / "out"),
        "--base-url",
        stub.url,
        "--no-glossary",
        "--no-checks",
        "--batch-size",
        "1",
        "--concurrency",
        "1",
        "--engine-option",
        "retries=0",
        "--api-key-env",
        "STUB_KEY",
    ]
    monkeypatch.setenv("STUB_KEY", "sk-never-written-4f2a")
    stub.script(CHAT, Step(), Step(), Step(), *[Step(500, {"error": {"message": "down"}})] * 2)
    assert main(args) == 1
    capsys.readouterr()
    memory = tmp_path / "out" / ".tarjama-memory.sqlite"
    with sqlite3.connect(memory) as db:
        assert db.execute("SELECT count(*) FROM segments").fetchone()[0] == 2
    before = len(stub.chat_requests())
    assert main(args) == 0
    assert len(stub.chat_requests()) - before == 1 + 2  # the probe, then the two that were missing
    with sqlite3.connect(memory) as db:
        assert db.execute("SELECT count(*) FROM segments").fetchone()[0] == 4
    written = [p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert written and not any(b"sk-never-written-4f2a" in data for data in written)


def test_a_caller_can_constrain_the_answer_with_extra_fields(stub: Stub) -> None:
    """What the tags work needs: the same request with a JSON schema (or a grammar), its answer raw."""
    e = engine(stub)
    schema = {"type": "json_schema", "json_schema": {"name": "t", "schema": {"type": "object"}}}
    data = e.complete(e.body(TranslationRequest("نص."), response_format=schema))
    assert stub.chat_requests()[-1]["response_format"] == schema and data["choices"][0]["message"]["content"]
    e.close()


def _grammar_server(body: dict) -> dict:
    """A llama.cpp-like server: a ``grammar`` that admits one literal is answered with it."""
    grammar = body.get("grammar")
    if grammar and grammar.startswith('root ::= "') and grammar.count("\n") == 0:
        return completion(grammar[len('root ::= "') : -1])
    if grammar:
        return completion("The <g1>agency</g1> said <x2/>.")
    return completion("The agency said.")


@pytest.mark.parametrize("server", ["honours", "refuses", "ignores"])
def test_a_sentence_with_tags_is_sent_with_the_markup_grammar_where_the_server_honours_it(
    stub: Stub, server: str
) -> None:
    from tarjama.engines.grammar import markup_grammar

    if server == "honours":
        stub.answer = _grammar_server
    elif server == "refuses":  # OpenAI itself: an unknown field is a 400
        stub.answer = lambda body: completion("The agency said.")
    # One at a time where the refusal is scripted: it must meet the probe, the first request.
    e = engine(stub, concurrency=1 if server == "refuses" else 3, markup_grammar=True)
    assert e.identity.params["markup_grammar"] is True
    if server == "refuses":
        refusal = {"error": {"message": "Unrecognized request argument supplied: grammar"}}
        stub.script(CHAT, Step(400, refusal))
    source = "قالت <g1>الوكالة</g1> <x2/>."
    before = len(stub.chat_requests())
    requests = [TranslationRequest(source), TranslationRequest("بلا وسوم."), TranslationRequest(source)]
    results = e.translate(requests)
    sent = stub.chat_requests()[before:]
    assert len(sent) == 4  # one probe, however many sentences, then the three
    probes = [b for b in sent if b["messages"][-1]["content"] == "Say hello."]
    assert len(probes) == 1 and "grammar" in probes[0]
    with_grammar = [b for b in sent if "grammar" in b and b not in probes]
    if server == "honours":
        assert [b["grammar"] for b in with_grammar] == [markup_grammar(source)] * 2  # not the plain one
        assert results[0].text == "The <g1>agency</g1> said <x2/>."
    else:
        assert with_grammar == []
    e.close()
