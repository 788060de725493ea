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
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tarjama.engines import degeneracy
from tarjama.engines.base import Engine, EngineIdentity, SegmentTranslation, TermHint, TranslationRequest
from tarjama.engines.injection import inject_terms
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
                "retry": "strict+inline-terms+near-miss-ban",
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
        self, request: TranslationRequest, *, strict: bool, repeat_penalty: float, banned: Sequence[str] = ()
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
            logit_bias=self._ban(banned) or None,
        )
        choice = out["choices"][0]
        return choice["text"].strip(), choice.get("finish_reason") == "length"

    def _ban(self, words: Sequence[str]) -> dict[int, float]:
        """Logit bias that forbids each word, where the word is a single token (with or without a space).

        Multi-token words are left alone: banning their first token would also ban unrelated words.
        """
        bias: dict[int, float] = {}
        for word in words:
            for form in (f" {word}", word):
                tokens = self.llm.tokenize(form.encode(), add_bos=False, special=False)
                if len(tokens) == 1:
                    bias[tokens[0]] = -100.0
        return bias

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
        """Up to two attempts: the plain request, then a stricter one if the first is unusable.

        The retry states the glossary more forcefully (strict instruction, dropped Latin names
        added as hints, glossary terms written into the source in English), forbids the words
        that stood in for a missing term ("Japanese" for Japan), and adds a repetition penalty
        only when the first attempt looped or rambled, since the penalty also discourages
        copying names. The attempt with fewer problems wins.
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
            hinted = {h.target for h in request.hints}
            extra = tuple(TermHint(t, t) for t in degeneracy.missing_terms(text, required) if t not in hinted)
            retry_request = replace(
                request, source=inject_terms(request.source, request.hints), hints=request.hints + extra,
                strict_terms=True,
            )
            degenerate = any(not i.startswith("terms missing") for i in issues)
            penalty = self.retry_repeat_penalty if degenerate else self.repeat_penalty
            banned = degeneracy.near_misses(text, degeneracy.missing_terms(text, required))
            retry, retry_truncated = self._complete(
                retry_request, strict=True, repeat_penalty=penalty, banned=banned
            )
            retry_issues = self._issues(request.source, retry, retry_truncated, required)
            if len(retry_issues) < len(issues) or not retry_issues:
                text, issues = retry, retry_issues
            if "repetition loop" in issues:
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

    def translate(self, requests: Sequence[TranslationRequest]) -> list[SegmentTranslation]:
        return [self.translate_one(r) for r in requests]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.llm.close()


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
