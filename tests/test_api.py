"""The public Python API: the module's own example runs (doctest), and the CLI is built on it."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import tarjama
from conftest import ROOT

pytest.importorskip("transformers")


def test_the_documented_example_runs(tiny_marian: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tarjama.api

    monkeypatch.chdir(ROOT)  # the example loads references/glossary.tsv
    result = doctest.testmod(tarjama.api, extraglobs={"tiny_model": str(tiny_marian)}, report=True)
    assert result.attempted >= 6 and result.failed == 0


def test_public_names_are_importable_from_the_package() -> None:
    for name in ("Translator", "Glossary", "TranslatedDocument", "score", "summarize", "read_translation",
                 "TarjamaError"):
        assert getattr(tarjama, name) is not None
    with pytest.raises(AttributeError):
        tarjama.no_such_name  # noqa: B018


def test_translate_batch_shares_engine_calls_and_translates_repeats_once(tiny_marian: Path) -> None:
    from tarjama import Translator

    repeated = "أعلنت الوكالة عن شراكة."
    # Checks off: a random model's output would be repaired, which adds engine calls.
    with Translator.load(engine="marian", model=str(tiny_marian), num_beams=1, checks=None) as translator:
        calls: list[int] = []
        real = translator.engine.translate

        def counting(requests, *, done=None):
            calls.append(len(requests))
            return real(requests, done=done)

        translator.engine.translate = counting  # type: ignore[method-assign]
        docs = translator.translate_batch([repeated, f"{repeated}\n\nوقال المدير إن العمل جار.", repeated])
        alone = translator.translate(repeated)
    assert sum(calls[:-1]) == 2  # two distinct sentences over three documents
    assert [len(d.paragraphs) for d in docs] == [1, 2, 1]
    texts = {d.paragraphs[0].translation for d in docs}
    assert texts == {alone.paragraphs[0].translation}  # same text as a translation on its own
    assert [s.cached for d in docs for s in d.sentences()] == [False, True, False, True]
