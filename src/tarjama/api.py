"""The public Python API: translate, score and summarise from your own code.

These names are the stable surface of tarjama (``from tarjama import Translator, …``);
everything else may move between versions. The command line is a thin layer over them.

>>> from tarjama import Glossary, Translator
>>> glossary = Glossary.load("references/glossary.tsv")
>>> with Translator.load(engine="marian", model=tiny_model, glossary=glossary) as translator:
...     doc = translator.translate("وقعت وكالة الفضاء الأوروبية اتفاقية مع جاكسا.")
>>> len(doc.paragraphs), doc.paragraphs[0].sentences[0].terms.expected
(1, ['European Space Agency', 'JAXA'])
>>> doc.engine.engine
'marian'
>>> record = next(doc.records())            # one JSONL record per paragraph
>>> sorted(record)[:4]
['engine', 'glossary', 'index', 'seconds']

(``tiny_model`` is a model folder; with the embedded model installed, ``Translator.load()``
with no arguments picks it.) Scores come from ``score``, which takes plain lists:

>>> report = score(["The agency signed."], [["The agency signed it."]])
>>> [m.name for m in report.corpus]
['BLEU', 'chrF2++', 'chrF2', 'TER']
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document.model import Document, parse_text
from tarjama.document.record import TranslatedDocument
from tarjama.document.requests import build_requests
from tarjama.engines.base import Engine
from tarjama.glossary import Glossary
from tarjama.text.textio import check_controls
from tarjama.translate.pipeline import (
    assemble,
    checked_identity,
    glossary_info,
    segment_key,
    translate_document,
    translate_requests,
)
from tarjama.types import EngineIdentity, SegmentTranslation, TermOutcome

if TYPE_CHECKING:
    from tarjama.checks import Checker
    from tarjama.document.record import TranslationFile
    from tarjama.memory.store import TranslationMemory
    from tarjama.scoring.core import ScoreReport
    from tarjama.summary.core import Summary
    from tarjama.translate.progress import Progress

__all__ = ["Translator", "score", "summarize"]


class Translator:
    """An engine and a glossary, ready to translate Arabic documents into English.

    The engine sees each sentence with its glossary terms as hints; every expected term is
    then checked in the English, repaired where possible and recorded in the result. Then the
    fidelity checks (``tarjama.checks``: numbers, names, countries, length, untranslated text)
    compare each sentence with its source; a sentence with an error is translated once more
    with the findings as constraints, and what still fails is marked ``needs_review``.
    ``checks=False`` turns checks and repair off; a ``Checker`` chooses which checks run.
    """

    def __init__(
        self,
        engine: Engine,
        glossary: Glossary | None = None,
        *,
        batch_size: int | None = None,
        checks: bool | Checker = True,
    ) -> None:
        self.engine = engine
        self.glossary = glossary
        self.batch_size = batch_size or engine.preferred_call_size
        if checks is True:
            from tarjama.checks import Checker

            checks = Checker()
        self.checks: Checker | None = checks or None

    @classmethod
    def load(
        cls,
        engine: str | None = None,
        model: str | None = None,
        *,
        glossary: Glossary | str | os.PathLike[str] | None = None,
        batch_size: int | None = None,
        checks: bool | Checker = True,
        **options: Any,
    ) -> Translator:
        """Load ``engine`` (``marian``, ``gguf``, ``ctranslate2``; None: chosen automatically).

        ``model`` is a model folder, a ``.gguf`` file or a hub id in the local cache;
        ``glossary`` a loaded ``Glossary`` or a TSV path (None: no glossary); ``options`` are
        engine settings (for the embedded model, the fields of ``EmbeddedConfig``).
        """
        from tarjama.engines import load_engine

        if glossary is not None and not isinstance(glossary, Glossary):
            glossary = Glossary.load(glossary)
        return cls(load_engine(engine, model, **options), glossary, batch_size=batch_size, checks=checks)

    @property
    def identity(self) -> EngineIdentity:
        """Exactly what produces the translations (engine, model, hash, decoding settings, checks)."""
        return checked_identity(self.engine.identity, self.checks)

    def translate(
        self, text: str, *, format: str = "txt", progress: Progress | None = None
    ) -> TranslatedDocument:
        """Translate ``text`` (paragraphs separated by blank lines; ``format="md"`` for Markdown).

        Text with a control character (NUL, ESC, …; ``tarjama.text.textio.CONTROL_RE``) is refused
        with a ``TarjamaError`` naming its line and byte, as a file with one would be.
        """
        check_controls(text, "text")
        return self.translate_document(parse_text(text, format), progress=progress)

    def translate_file(
        self,
        path: str | os.PathLike[str],
        output: str | os.PathLike[str] | None = None,
        *,
        journal: Path | None = None,
        progress: Progress | None = None,
        memory: TranslationMemory | None = None,
    ) -> TranslatedDocument:
        """Translate a text, Markdown, HTML, Word or XLIFF file (format from its suffix).

        With ``output``, the translation is also written there, atomically, in the format its
        suffix names: the input's own, ``.jsonl`` (the translation record) or ``.xlf`` (XLIFF
        1.2 for a CAT tool); see ``tarjama.formats``.
        """
        from tarjama import formats

        fmt = formats.format_for(path) or "txt"
        source = formats.read_source(path, fmt)
        if len(source.units) != 1 or not formats.get(fmt).single:
            from tarjama.errors import TarjamaError

            raise TarjamaError(f"{path}: holds many documents; use translate_batch or `tarjama batch`")
        result = self.translate_document(source.units[0].document, journal=journal, progress=progress,
                                         memory=memory)  # fmt: skip
        if output is not None:
            out_fmt = formats.format_for(output) or fmt
            formats.write(output, formats.render_as(source, fmt, result, out_fmt, name=Path(path).name))
        return result

    def translate_document(
        self,
        document: Document,
        *,
        journal: Path | None = None,
        progress: Progress | None = None,
        memory: TranslationMemory | None = None,
    ) -> TranslatedDocument:
        """Translate a parsed document.

        ``journal`` makes an interrupted run resumable; sentences a person approved in
        ``memory`` (same source and glossary) are taken from it as they are (``origin: human``).
        """
        return translate_document(
            document, self.engine, self.glossary, batch_size=self.batch_size, journal_path=journal,
            progress=progress, memory=memory, checks=self.checks,
        )

    def translate_batch(self, texts: Iterable[str], *, format: str = "txt") -> list[TranslatedDocument]:
        """Translate several texts together: engine calls are filled across documents, and a
        sentence repeated anywhere (same source and terms) is translated once.

        Each result's ``seconds`` is the wall time of the whole batch.
        """
        started = time.perf_counter()
        texts = list(texts)
        for i, t in enumerate(texts, start=1):
            check_controls(t, f"text {i}")
        documents = [parse_text(t, format) for t in texts]
        prepared = [build_requests(d, self.glossary) for d in documents]
        work: dict[str, tuple[Any, Any]] = {}
        for doc_prepared in prepared:
            for p in doc_prepared:
                work.setdefault(segment_key(self.engine, p.request), (p.request, p.expected))
        keys = list(work)
        results: dict[str, tuple[SegmentTranslation, TermOutcome | None]] = {}
        for b in range(0, len(keys), self.batch_size):
            chunk = keys[b : b + self.batch_size]
            done, outcomes = translate_requests(
                self.engine, [work[k][0] for k in chunk], [work[k][1] for k in chunk], self.glossary,
                checks=self.checks,
            )
            results.update(zip(chunk, zip(done, outcomes, strict=True), strict=True))
        seconds = time.perf_counter() - started
        out: list[TranslatedDocument] = []
        seen: set[str] = set()
        for document, doc_prepared in zip(documents, prepared, strict=True):
            doc_keys = [segment_key(self.engine, p.request) for p in doc_prepared]
            cached = []  # a repeat of a sentence translated earlier in the batch is a reuse
            for k in doc_keys:
                cached.append(k in seen)
                seen.add(k)
            out.append(
                assemble(
                    document, doc_prepared,
                    [_copy(results[k][0]) for k in doc_keys], [results[k][1] for k in doc_keys], cached,
                    engine=self.identity, glossary=glossary_info(self.glossary), seconds=seconds,
                )
            )
        return out

    def close(self) -> None:
        """Release the model."""
        self.engine.close()

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _copy(result: SegmentTranslation) -> SegmentTranslation:
    findings = None if result.findings is None else list(result.findings)
    return SegmentTranslation(result.text, list(result.notes), result.seconds, result.confidence, findings)


def score(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    sources: Sequence[str] | None = None,
    *,
    glossary: Glossary | str | os.PathLike[str] | None = None,
    baseline: Sequence[str] | None = None,
) -> ScoreReport:
    """Corpus and per-segment BLEU, chrF++, chrF and TER (with sacrebleu signatures).

    ``references`` holds one list per reference set, each aligned with ``hypotheses``. With
    ``sources`` and ``glossary`` the report adds term accuracy; with ``baseline`` (another
    system's output) a paired bootstrap comparison.
    """
    from tarjama.scoring.core import score_texts

    return score_texts(hypotheses, references, sources, glossary=glossary, baseline=baseline)


def summarize(
    text: str | Document,
    sentences: int = 3,
    *,
    translator: Translator | None = None,
    translation: TranslationFile | str | os.PathLike[str] | None = None,
    glossary: Glossary | None = None,
    abstractive: bool = False,
) -> Summary:
    """An aligned Arabic/English summary: the key sentences of ``text`` with their English.

    The English comes from ``translation`` (a ``tarjama translate --format jsonl`` file of the
    same text) or from ``translator``, which translates only the chosen sentences.
    ``abstractive`` adds an English summary written by the translator's LLM, kept only if every
    name and number in it is supported by the article.
    """
    from tarjama.document.record import TranslationFile, read_translation
    from tarjama.summary.core import summarize as run
    from tarjama.summary.translations import check_translation

    if not isinstance(text, Document):
        check_controls(text, "text")
    document = text if isinstance(text, Document) else parse_text(text)
    glossary = glossary if glossary is not None else (translator.glossary if translator else None)
    if translation is not None and not isinstance(translation, TranslationFile):
        translation = read_translation(translation, need_sentences=True)
    checked = check_translation(translation, document) if translation is not None else None
    engine = translator.engine if translator is not None else None
    llm = engine.completion_model() if engine is not None and abstractive else None
    return run(
        document, sentences, glossary=glossary, translation=checked, engine=engine, abstractive=abstractive,
        llm=llm, writer=engine.identity.to_dict() if llm is not None and engine is not None else None,
    )
