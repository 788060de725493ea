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
>>> sorted(record)[:4], record["direction"]
(['direction', 'engine', 'glossary', 'index'], 'ar-en')

English into Arabic is the same with ``Translator.load(…, source="en")`` (an engine and model
that translate that way: the embedded model does, a Marian model says so in its config or name);
``tarjama.text.language.detect_language`` tells which language a text is in.

(``tiny_model`` is a model folder; with the embedded model installed, ``Translator.load()``
with no arguments picks it.) Scores come from ``score``, which takes plain lists:

>>> report = score(["The agency signed."], [["The agency signed it."]])
>>> [m.name for m in report.corpus]
['BLEU', 'chrF2++', 'chrF2', 'TER']
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tarjama.document.model import Document, parse_text
from tarjama.glossary import Glossary
from tarjama.text.textio import check_controls
from tarjama.translate.run import Translator

if TYPE_CHECKING:
    from tarjama.document.record import TranslationFile
    from tarjama.scoring.core import ScoreReport
    from tarjama.summary.core import Summary

__all__ = ["Translator", "score", "summarize"]


def score(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    sources: Sequence[str] | None = None,
    *,
    glossary: Glossary | str | os.PathLike[str] | None = None,
    baseline: Sequence[str] | None = None,
    target: str | None = None,
    normalize: bool = False,
) -> ScoreReport:
    """Corpus and per-segment BLEU, chrF++, chrF and TER (with sacrebleu signatures).

    ``references`` holds one list per reference set, each aligned with ``hypotheses``. With
    ``sources`` and ``glossary`` the report adds term accuracy; with ``baseline`` (another
    system's output) a paired bootstrap comparison. ``target`` is the hypotheses' language
    (``ar`` or ``en``; default: their script): into Arabic BLEU tokenizes with ``intl`` and
    chrF++ comes first; ``normalize`` Arabic-normalises both sides (``norm:ar`` in signatures).
    """
    from tarjama.scoring.core import score_texts
    from tarjama.text.language import stated_direction

    direction = stated_direction(None, target)
    return score_texts(
        hypotheses, references, sources, glossary=glossary, baseline=baseline, direction=direction,
        normalize=normalize,
    )


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
        document, sentences, glossary=glossary, translation=checked, translator=translator,
        abstractive=abstractive, llm=llm,
        writer=engine.identity.to_dict() if llm is not None and engine is not None else None,
    )
