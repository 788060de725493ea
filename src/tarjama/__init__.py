"""tarjama: Arabic⇄English translation with glossary enforcement and honest evaluation.

The package follows the pipeline: document → segments → glossary matches → engine →
enforcement → reassembled document → scores and reports. The stable Python API:

* ``Translator`` — ``Translator.load(engine=…, model=…, glossary=…)``, then ``.translate(text)``,
  ``.translate_file(path)``, ``.translate_batch(texts)``, each giving ``TranslatedDocument``;
* ``Glossary`` — ``Glossary.load(path)``, ``.match(arabic_text)``;
* ``score(hypotheses, references, sources=None, glossary=None)`` → a ``ScoreReport``;
* ``summarize(text, sentences=3, translator=… | translation=…)`` → a ``Summary``;
* ``read_translation(path)`` — a ``tarjama translate --format jsonl`` file read back;
* ``TarjamaError`` — every problem with the user's input, one line with where and how to fix.

See ``tarjama.api`` for an example. Names are imported on first use, so ``import tarjama``
stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Translator": "tarjama.api",
    "score": "tarjama.api",
    "summarize": "tarjama.api",
    "Glossary": "tarjama.glossary",
    "TranslatedDocument": "tarjama.document.record",
    "read_translation": "tarjama.document.record",
    "TarjamaError": "tarjama.errors",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tarjama' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
