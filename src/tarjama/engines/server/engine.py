"""The ``openai`` engine: any server that speaks OpenAI's chat-completions protocol.

vLLM, llama.cpp's server (and llama-cpp-python's), Ollama, TGI and OpenAI itself answer
``POST {base_url}/chat/completions``. Each sentence is one request: the same chat messages the
embedded engine renders as ChatML (``tarjama.engines.prompts``: instruction, example pairs,
context, the notes of a retry or repair, glossary hints, the sentence), decoded greedily
(``temperature`` 0, a fixed ``seed``) so that the memory's keys keep meaning one translation.
Up to ``concurrency`` requests are in flight; retries, back-pressure and the one-line errors are
``tarjama.engines.server.client``'s.

Glossary enforcement stays tarjama's own: the engine shows the hints and, as the embedded engine
does, writes the terms into the source in English (``inject``); a strict retry, a markup retry
and a checks repair arrive as ordinary requests (``strict_terms``, ``strict_markup``, ``notes``,
``avoid``). Words to avoid become a logit bias where the server can tokenise them for us
(llama-cpp-python's ``/extras/tokenize``, vLLM's and llama.cpp's ``/tokenize``) and the word is one
token; otherwise an instruction line. Confidence comes from the ``logprobs`` the server returns.

Identity: the server's host and port, the model id, what the server says about the model
(``/v1/models``: its root, context length…) and its fingerprint (the ``system_fingerprint`` of
its answers, TGI's ``model_sha``, Ollama's digest), plus the decoding settings and the prompt's
hash. A server whose fingerprint changes during a run is refused: its translations would be
stored under the old identity. The API key is read from the environment variable named by
``api_key_env`` and never recorded.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any
from urllib.parse import urlsplit

from tarjama.document import inline
from tarjama.engines.base import Engine, EngineOption, SegmentDone
from tarjama.engines.grammar import markup_grammar
from tarjama.engines.injection import inject_terms
from tarjama.engines.prompts import (
    AVOID_NOTE,
    EXAMPLES,
    PROMPTS,
    Example,
    Message,
    PromptSpec,
    approved_examples,
    chat_messages,
    markup_examples,
    markup_notes,
    output_budget,
    prompt_digest,
)
from tarjama.engines.server.client import Backoff, Client, ServerError
from tarjama.errors import TarjamaError
from tarjama.types import (
    AR_EN,
    DEGENERATE,
    EN_AR,
    UNTRANSLATED,
    Confidence,
    Direction,
    EngineIdentity,
    Finding,
    Note,
    SegmentTranslation,
    TranslationRequest,
)

# The one word the grammar probe admits (``OpenAIEngine.honours_grammar``).
GRAMMAR_PROBE = "Tarjama-grammar-probe"
# Where an answer ends besides the end of the assistant turn (the embedded engine stops there too).
STOP = ["\n\n"]
# Optional request fields a strict server may refuse; left out (and recorded so) when it does.
OPTIONAL_FIELDS = ("repeat_penalty", "seed", "logprobs", "top_logprobs")
_UNKNOWN = -1
NO_OUTPUT = "the model gave no output; the source is kept"
# What /v1/models says about a model that is stable enough to identify it (not "created":
# vLLM and llama.cpp's server put the time of the request or of their start there).
MODEL_FIELDS = ("root", "parent", "owned_by", "max_model_len", "meta")


class OpenAIEngine(Engine):
    name = "openai"
    follows_notes = True
    takes_examples = True  # approved pairs from the memory, shown after the fixed ones
    remote = True

    @classmethod
    def options(cls) -> list[EngineOption]:
        return [
            EngineOption("timeout", 300.0, "seconds to wait for one answer before retrying it"),
            EngineOption(
                "retries", 4, "retries of a request after 429, 5xx, a timeout or a reset (backoff doubles)"
            ),
            EngineOption("seed", 0, "the sampling seed sent with every request (decoding is greedy anyway)"),
            EngineOption(
                "examples", 3, "fixed example pairs in the prompt (0 to 6, as the embedded engine's)"
            ),
            EngineOption(
                "inject", True, "write the glossary terms into the source in English on the first request"
            ),
            EngineOption("hints", True, "glossary hints in the prompt"),
            EngineOption("context", False, "earlier sentences of the same paragraph in the prompt"),
            EngineOption(
                "max_tokens_per_word", 4.0, "max_tokens = per_word × source words + extra (capped at 512)"
            ),
            EngineOption("max_tokens_extra", 24, "tokens added to max_tokens_per_word × source words"),
            EngineOption(
                "logprobs", True, "ask for token log-probabilities (the confidence of each sentence)"
            ),
            EngineOption(
                "markup_grammar",
                False,
                "send a sentence with inline tags with a grammar that keeps every tag (llama.cpp's "
                "``grammar`` field); one request the first time finds out whether the server honours it",
            ),
            EngineOption(
                "repeat_penalty",
                1.0,
                "sent as llama.cpp's repeat_penalty (llama-cpp-python's server defaults to 1.1); left out "
                "where the server refuses it",
            ),
        ]

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key_env: str | None = None,
        concurrency: int = 4,
        threads: int | None = None,
        timeout: float = 300.0,
        retries: int = 4,
        seed: int = 0,
        examples: int = 3,
        inject: bool = True,
        hints: bool = True,
        context: bool = False,
        max_tokens_per_word: float = 4.0,
        max_tokens_extra: int = 24,
        logprobs: bool = True,
        repeat_penalty: float | None = 1.0,
        markup_grammar: bool = False,
        transport: Any = None,
        sleep: Any = time.sleep,
    ) -> None:
        if not base_url:
            raise TarjamaError(
                "the openai engine needs the server's address: --base-url http://HOST:PORT/v1 "
                "(vLLM, llama.cpp's server, Ollama, TGI: see docs/engines.md)"
            )
        if concurrency < 1:
            raise TarjamaError(f"--concurrency must be at least 1, got {concurrency}")
        if not 0 <= examples <= len(EXAMPLES):
            raise TarjamaError(f"examples must be between 0 and {len(EXAMPLES)}, got {examples}")
        if timeout <= 0 or retries < 0:
            raise TarjamaError("timeout must be above 0 and retries at least 0")
        api_key = None
        if api_key_env:
            api_key = os.environ.get(api_key_env)
            if not api_key:
                raise TarjamaError(
                    f"--api-key-env {api_key_env}: the environment variable {api_key_env} is not set; "
                    "export the server's API key there (with --runner ray: on every node of the cluster)"
                )
        self.client = Client(
            base_url,
            api_key=api_key,
            key_source=api_key_env or "",
            timeout=timeout,
            backoff=Backoff(retries=retries),
            concurrency=concurrency,
            transport=transport,
            sleep=sleep,
        )
        self.concurrency = concurrency
        self.preferred_call_size = max(8, 4 * concurrency)
        self.uses_context = context
        self.seed = seed
        self.examples = EXAMPLES[:examples]
        self.inject = inject
        self.per_word, self.extra = max_tokens_per_word, max_tokens_extra
        self.spec = PromptSpec(hints=hints, context=context)
        self.optional: dict[str, Any] = {"seed": seed}
        if logprobs:
            self.optional.update(logprobs=True, top_logprobs=1)
        if repeat_penalty is not None:
            self.optional["repeat_penalty"] = repeat_penalty
        self.markup_grammar = markup_grammar
        self._grammar: bool | None = None  # whether the server honours ``grammar`` (None: not asked yet)
        self._tokenizer: int | None = _UNKNOWN  # which of _tokenizers() the server has (None: none)
        self._token_cache: dict[str, list[int] | None] = {}
        self._lock = threading.Lock()
        self._grammar_lock = threading.Lock()  # one probe, however many threads ask at once
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="tarjama-openai")
        try:
            self.model, self.model_info = self._choose_model(model)
            self.fingerprint = self._probe()
            revision = self.fingerprint or self._server_fingerprint()
        except BaseException:
            self.close()
            raise
        self._identity = EngineIdentity(
            engine=self.name,
            model=self.model,
            revision=revision,
            params=self._identity_params(max_tokens_per_word, max_tokens_extra),
        )

    # -- what the server serves ---------------------------------------------------------------

    def _choose_model(self, model: str | None) -> tuple[str, dict[str, Any]]:
        """The model to ask for (``--model``, or the only one the server lists) and what it says of it."""
        try:
            listing = self.client.get("/models")
        except ServerError as exc:
            if "not found (HTTP 404" not in str(exc) or not model:
                raise
            return model, {}  # a server without /models: take --model as given
        entries = [e for e in (listing or {}).get("data") or [] if isinstance(e, dict) and e.get("id")]
        ids = [str(e["id"]) for e in entries]
        if model is None:
            if len(ids) == 1:
                model = ids[0]
            else:
                listed = ", ".join(ids[:12]) or "none"
                raise TarjamaError(f"{self.client.where} serves {listed}: pass one with --model")
        if ids and model not in ids:
            listed = ", ".join(ids[:12]) + (" …" if len(ids) > 12 else "")
            raise TarjamaError(
                f"{self.client.where} has no model {model!r}; it serves {listed}: check --model"
            )
        entry = next((e for e in entries if e["id"] == model), {})
        return model, {k: entry[k] for k in MODEL_FIELDS if entry.get(k) not in (None, "", [], {})}

    def _probe(self) -> str | None:
        """One tiny completion: the server answers chat requests, with which optional fields.

        Returns the server's ``system_fingerprint`` (None when it reports none).
        """
        while True:
            body = {
                "model": self.model,
                "messages": [{"role": "user", "content": "1"}],
                "max_tokens": 1,
                "temperature": 0.0,
                **self.optional,
            }
            try:
                data = self.client.post("/chat/completions", body)
            except ServerError as exc:
                refused = [f for f in OPTIONAL_FIELDS if f in self.optional and f in str(exc)]
                if "(HTTP 4" not in str(exc) or not refused:
                    raise
                for field in refused:  # a strict server (OpenAI itself) refuses fields it does not know
                    self.optional.pop(field, None)
                    if field == "logprobs":
                        self.optional.pop("top_logprobs", None)
                continue
            self._choices(data, "/chat/completions")
            fingerprint = data.get("system_fingerprint")
            return str(fingerprint) if fingerprint else None

    def _server_fingerprint(self) -> str | None:
        """The model's fingerprint from a server's own endpoint (TGI ``/info``, Ollama ``/api/tags``)."""
        try:
            info = self.client.get("/info", root=True, retry=False, timeout=5.0)
            if isinstance(info, dict) and info.get("model_sha"):
                return f"model_sha:{info['model_sha']}"
        except ServerError:
            pass
        try:
            tags = self.client.get("/api/tags", root=True, retry=False, timeout=5.0)
            for entry in (tags or {}).get("models") or []:
                if isinstance(entry, dict) and self.model in (entry.get("name"), entry.get("model")):
                    return str(entry["digest"]) if entry.get("digest") else None
        except (ServerError, AttributeError):
            pass
        return None

    def _identity_params(self, per_word: float, extra: int) -> dict[str, Any]:
        parts = urlsplit(self.client.base_url)
        server = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
        params: dict[str, Any] = {
            "server": server,
            "api": "chat/completions",
            "decoding": "greedy",
            "temperature": 0.0,
            **{k: v for k, v in self.optional.items() if k in ("seed", "repeat_penalty")},
            "max_tokens": f"{per_word:g}/word+{extra}",
            "prompt": f"chat-fewshot-{len(self.examples)}@{prompt_digest(self.examples, self.spec)}",
            "inject": self.inject,
        }
        if not self.spec.hints:
            params["hints"] = False
        if self.spec.context:
            params["context"] = True
        if self.markup_grammar:
            params["markup_grammar"] = True
        if self.fingerprint:
            params["system_fingerprint"] = self.fingerprint
        if self.model_info:
            params["model_info"] = self.model_info
        return params

    @property
    def identity(self) -> EngineIdentity:
        return self._identity

    def directions(self) -> frozenset[Direction]:
        return frozenset({AR_EN, EN_AR})

    # -- requests -----------------------------------------------------------------------------

    def examples_for(self, request: TranslationRequest) -> Sequence[Example]:
        """The example pairs shown before ``request``'s sentence (the fixed ones of its direction)."""
        if request.direction == EN_AR:
            return PROMPTS[EN_AR].examples[: len(self.examples)]
        return self.examples

    def messages(
        self,
        request: TranslationRequest,
        examples: Sequence[Example] | None = None,
        unbanned: Sequence[str] = (),
    ) -> list[Message]:
        """The chat messages for ``request``: the embedded engine's prompt, as messages.

        ``examples`` replaces the fixed pairs for this request; ``unbanned`` are words to avoid
        that the server cannot ban by logit bias, asked for in an instruction line instead.
        """
        source = request.source
        if request.hints and (self.inject or request.strict_terms):
            source = inject_terms(request.source, request.hints)
        notes = [*markup_notes(request.source, request.strict_markup, request.direction), *request.notes]
        if unbanned:
            notes.append(AVOID_NOTE.format(words=", ".join(unbanned)))
        shown = [
            *(self.examples_for(request) if examples is None else examples),
            *markup_examples(request.source, request.direction),
            *approved_examples(request),
        ]
        return chat_messages(
            source,
            request.hints,
            context=request.context,
            strict=request.strict_terms,
            notes=notes,
            examples=shown,
            spec=self.spec,
            direction=request.direction,
        )

    def body(self, request: TranslationRequest, **extra: Any) -> dict[str, Any]:
        """The chat-completions request for ``request``; ``extra`` fields are added as they are
        (``response_format`` with a JSON schema, a ``grammar``… for servers that take them)."""
        bias, unbanned = self._logit_bias(request.avoid) if request.avoid else ({}, [])
        messages = self.messages(request, unbanned=unbanned)
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [m.to_dict() for m in messages],
            "temperature": 0.0,
            "max_tokens": output_budget(request.source, self.per_word, self.extra),
            "stop": STOP,
            **self.optional,
        }
        if bias:
            body["logit_bias"] = bias
        body.update(extra)
        return body

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        """Up to ``concurrency`` requests in flight; results in order; the first failure is raised."""
        if not requests:
            return []
        futures: dict[Future[SegmentTranslation], int] = {
            self._pool.submit(self._translate_one, r): i for i, r in enumerate(requests)
        }
        results: list[SegmentTranslation | None] = [None] * len(requests)
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for future in finished:
                    i = futures[future]
                    results[i] = future.result()  # raises the first failure
                    if done is not None:
                        done(i)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
        return [r for r in results if r is not None]

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """One chat completion for ``body`` (``body(request, **extra)``): the server's answer, retried
        and checked as every request is (a caller that constrains the output with ``response_format``
        or a ``grammar`` reads the answer itself)."""
        data = self.client.post("/chat/completions", body)
        self._choices(data, "/chat/completions")
        return data

    def honours_grammar(self) -> bool:
        """Whether the server constrains its answer with a GBNF ``grammar`` field (llama.cpp's server
        and llama-cpp-python's do; others refuse the field or ignore it). Asked once, with a grammar
        that admits one word no prompt would get by chance."""
        with self._grammar_lock:
            if self._grammar is None:
                body = {
                    "model": self.model,
                    "messages": [{"role": "user", "content": "Say hello."}],
                    "max_tokens": 32,  # the word is several tokens
                    "temperature": 0.0,
                    "grammar": f'root ::= "{GRAMMAR_PROBE}"',
                }
                try:
                    data = self.complete(body)
                except ServerError as exc:
                    if "(HTTP 4" not in str(exc):
                        raise
                    self._grammar = False
                else:
                    message = self._choices(data, "/chat/completions")[0].get("message") or {}
                    self._grammar = str(message.get("content") or "").strip() == GRAMMAR_PROBE
            return self._grammar

    def _translate_one(self, request: TranslationRequest) -> SegmentTranslation:
        start = time.perf_counter()
        extra: dict[str, Any] = {}
        # Every tag out, once, nested as in the source (``tarjama.engines.grammar``), where the server
        # can be told; elsewhere the markup stage checks, retries and repairs.
        if self.markup_grammar and inline.has_placeholders(request.source) and self.honours_grammar():
            extra["grammar"] = markup_grammar(request.source)
        data = self.complete(self.body(request, **extra))
        choice = self._choices(data, "/chat/completions")[0]
        fingerprint = data.get("system_fingerprint")
        if fingerprint and self.fingerprint and fingerprint != self.fingerprint:
            raise ServerError(
                f"{self.client.where}: the server's model changed during the run (fingerprint "
                f"{self.fingerprint} → {fingerprint}); its translations would be stored under the old "
                "identity: run again"
            )
        message = choice.get("message") if isinstance(choice, dict) else None
        text = str((message or {}).get("content") or "").strip()
        confidence = Confidence.of(_logprobs(choice))
        notes: list[Note] = []
        findings: list[Finding] = []
        if choice.get("finish_reason") == "length":
            budget = output_budget(request.source, self.per_word, self.extra)
            notes.append(Note(f"hit the token limit ({budget} tokens)"))
            findings.append(Finding(DEGENERATE, f"hit the token limit ({budget} tokens)"))
        if not text:
            text = request.source
            notes.append(Note(f"untranslated: {NO_OUTPUT}", UNTRANSLATED))
            findings.append(Finding(DEGENERATE, NO_OUTPUT))
            confidence = None
        return SegmentTranslation(text, notes, time.perf_counter() - start, confidence, findings)

    def _choices(self, data: Any, path: str) -> list[dict[str, Any]]:
        choices = data.get("choices") if isinstance(data, dict) else None
        if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
            raise ServerError(
                f"{self.client.where}{path}: the server answered without a completion (no choices); "
                "check that --base-url is an OpenAI-compatible chat API"
            )
        return choices

    # -- words to avoid -------------------------------------------------------------------------

    def _logit_bias(self, words: Sequence[str]) -> tuple[dict[str, float], list[str]]:
        """A bias of -100 on each word that is one token (with or without a leading space), and
        the words that could not be banned so (several tokens, or no tokeniser on the server)."""
        bias: dict[str, float] = {}
        unbanned: list[str] = []
        for word in words:
            banned = False
            for form in (f" {word}", word):
                tokens = self._tokens(form)
                if tokens is not None and len(tokens) == 1:
                    bias[str(tokens[0])] = -100.0
                    banned = True
            if not banned:
                unbanned.append(word)
        return bias, unbanned

    def _tokens(self, text: str) -> list[int] | None:
        """The server's token ids for ``text``, or None when it offers no tokeniser we know."""
        with self._lock:
            if text in self._token_cache:
                return self._token_cache[text]
        ids = self._tokenize(text)
        with self._lock:
            self._token_cache[text] = ids
        return ids

    def _tokenize(self, text: str) -> list[int] | None:
        if self._tokenizer is None:
            return None
        for index, (path, make) in enumerate(self._tokenizers()):
            if self._tokenizer != _UNKNOWN and index != self._tokenizer:
                continue
            try:
                data = self.client.post(path, make(text), root=True, retry=False, timeout=10.0)
            except ServerError:
                continue
            tokens = data.get("tokens") if isinstance(data, dict) else None
            if isinstance(tokens, list) and all(isinstance(t, int) for t in tokens):
                self._tokenizer = index
                return tokens
        if self._tokenizer == _UNKNOWN:
            self._tokenizer = None
        return None

    def _tokenizers(self) -> list[tuple[str, Any]]:
        """Tokenise endpoints of the servers we know, with their request bodies."""
        return [
            ("/extras/tokenize", lambda t: {"input": t}),  # llama-cpp-python's server
            ("/tokenize", lambda t: {"model": self.model, "prompt": t, "add_special_tokens": False}),  # vLLM
            ("/tokenize", lambda t: {"content": t}),  # llama.cpp's server
        ]

    def close(self) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        client = getattr(self, "client", None)
        if client is not None:
            client.close()


def _logprobs(choice: dict[str, Any]) -> list[float]:
    """The chosen tokens' log-probabilities: chat format (``content``) or completion format."""
    data = choice.get("logprobs")
    if not isinstance(data, dict):
        return []
    content = data.get("content")
    if isinstance(content, list):
        values = [item.get("logprob") for item in content if isinstance(item, dict)]
    else:
        values = data.get("token_logprobs") or []
    return [float(v) for v in values if isinstance(v, (int, float)) and v == v and v > float("-inf")]
