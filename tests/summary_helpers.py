"""Shared pieces for the summary tests: a small article, its English, a scripted engine and LLM."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tarjama.engines.base import Engine, SegmentDone
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "references" / "glossary.tsv"

ARTICLE = (
    "أعلنت وكالة الفضاء الأوروبية (ESA) ووكالة استكشاف الفضاء اليابانية (JAXA) عن شراكة جديدة في استكشاف "
    "القمر والمريخ. ووقع الاتفاق جوزيف أشباخر وهيروشي ياماكاوا في تسوكوبا.\n\n"
    "وتشمل الشراكة مهمة RAMSES إلى الكويكب أبوفيس قبل اقترابه عام 2029. كما تشمل الشراكة مراقبة الأرض "
    "وعلم الفضاء واستكشاف المريخ.\n\n"
    "ورحبت شركة ispace اليابانية بالإعلان الجديد عن الشراكة. نعم.\n"
)

ENGLISH = {
    "أعلنت وكالة الفضاء الأوروبية (ESA) ووكالة استكشاف الفضاء اليابانية (JAXA) عن شراكة جديدة في استكشاف "
    "القمر والمريخ.": "The European Space Agency (ESA) and the Japan Aerospace Exploration Agency (JAXA) "
    "announced a new partnership in the exploration of the Moon and Mars.",
    "ووقع الاتفاق جوزيف أشباخر وهيروشي ياماكاوا في تسوكوبا.": "The agreement was signed by Josef Aschbacher "
    "and Hiroshi Yamakawa in Tsukuba.",
    "وتشمل الشراكة مهمة RAMSES إلى الكويكب أبوفيس قبل اقترابه عام 2029.": "The partnership includes the "
    "RAMSES mission to the asteroid Apophis before its approach in 2029.",
    "كما تشمل الشراكة مراقبة الأرض وعلم الفضاء واستكشاف المريخ.": "The partnership also covers Earth "
    "observation, space science and the exploration of Mars.",
    "ورحبت شركة ispace اليابانية بالإعلان الجديد عن الشراكة.": "The Japanese company ispace welcomed the "
    "new announcement of the partnership.",
    "نعم.": "Yes.",
}


class ScriptedEngine(Engine):
    """Translates from ``ENGLISH``; records every request it is sent."""

    name = "scripted"

    def __init__(self) -> None:
        self.requests: list[TranslationRequest] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("scripted", "table", params={"n": len(ENGLISH)})

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        self.requests.extend(requests)
        return [SegmentTranslation(ENGLISH[r.source]) for r in requests]


class ScriptedLLM:
    """Stands in for ``llama_cpp.Llama``: returns a fixed completion and keeps the prompts."""

    def __init__(self, text: str, finish_reason: str = "stop") -> None:
        self.text = text
        self.finish_reason = finish_reason
        self.prompts: list[str] = []
        self.kwargs: list[dict[str, Any]] = []

    def create_completion(self, prompt: str, **kwargs: Any) -> dict[str, Any]:
        self.prompts.append(prompt)
        self.kwargs.append(kwargs)
        return {"choices": [{"text": self.text, "finish_reason": self.finish_reason}]}
