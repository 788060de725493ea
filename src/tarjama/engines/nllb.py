"""NLLB-200 and M2M-100: the many-to-many models, through transformers (or CTranslate2).

Both are ``M2M100ForConditionalGeneration`` models (config ``model_type`` ``m2m_100``) whose
input starts with a source-language code and whose output is forced to start with the
target-language code. The codes come from the run's direction (``Direction`` of each request)
and the model's own vocabulary: NLLB-200 writes ``arb_Arab`` and ``eng_Latn``, M2M-100 ``__ar__``
and ``__en__``. Both directions are served when the vocabulary has both codes.

``--engine nllb --model FOLDER_OR_HUB_ID`` loads a transformers model (``AutoTokenizer``,
``AutoModelForSeq2SeqLM``) and translates like the Marian engine (``MarianEngine``: batches,
beam search, splitting of over-long segments, confidence from the scores of the chosen tokens,
words to avoid as ``bad_words_ids``, glossary terms written into the source on a strict retry);
the forced language code is left out of the confidence. A folder converted with ``tarjama models
convert`` (``model.bin``) is run by the ``ctranslate2`` engine instead, with the same codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tarjama.engines.base import Engine, EngineOption
from tarjama.engines.languages import SPECIAL, code, language_codes, served
from tarjama.engines.marian import MarianEngine
from tarjama.errors import ModelUnavailableError
from tarjama.types import Direction

DEFAULT_MODEL = "facebook/nllb-200-distilled-600M"
class NllbEngine(MarianEngine):
    name = "nllb"
    family = "NLLB-200/M2M-100"
    files = (
        "config.json (model_type m2m_100), the weights, and the tokenizer (tokenizer.json, or vocab.json "
        "with sentencepiece.bpe.model)"
    )
    forced_prefix = 2  # the decoder start, then the forced target-language code

    @classmethod
    def options(cls) -> list[EngineOption]:
        return [
            EngineOption("num_beams", 4, "beam size (1: greedy)"),
            EngineOption("batch_size", 8, "segments per generate call"),
            EngineOption(
                "max_input_tokens", None, "split segments longer than this (default: the model's limit)"
            ),
        ]

    @classmethod
    def for_model(cls, model: str | None) -> type[Engine]:
        """A converted folder (``model.bin``) is run by CTranslate2."""
        if model and (Path(model).expanduser() / "model.bin").is_file():
            from tarjama.engines.ctranslate2 import CTranslate2Engine

            return CTranslate2Engine
        return cls

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        num_beams: int = 4,
        batch_size: int = 8,
        max_input_tokens: int | None = None,
        threads: int | None = None,
    ) -> None:
        super().__init__(
            model,
            num_beams=num_beams,
            batch_size=batch_size,
            max_input_tokens=max_input_tokens,
            threads=threads,
        )

    def _load(self, folder: Path) -> tuple[Any, Any]:
        from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

        model_type = getattr(AutoConfig.from_pretrained(str(folder)), "model_type", None)
        if model_type != "m2m_100":
            raise ModelUnavailableError(
                f"{folder}: not an NLLB or M2M-100 model (config.json model_type is {model_type!r}, expected "
                "'m2m_100'); use --engine marian for a Marian model"
            )
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
        # M2M-100's tokenizer keeps its language tokens apart from get_vocab() (transformers 5).
        vocabulary = set(tokenizer.get_vocab()) | set(getattr(tokenizer, "lang_token_to_id", {}))
        self.model_family, self.codes = language_codes(vocabulary)
        if not self.codes:
            raise ModelUnavailableError(
                f"{folder}: its vocabulary has neither NLLB's codes (arb_Arab, eng_Latn) nor M2M-100's "
                "(__ar__, __en__)"
            )
        return tokenizer, AutoModelForSeq2SeqLM.from_pretrained(str(folder))

    def directions(self) -> frozenset[Direction]:
        return served(self.codes)

    def _identity_extra(self) -> dict[str, Any]:
        return {"family": self.model_family, "languages": self.codes}

    def _encode(self, batch: list[str], direction: Direction) -> Any:
        source = code(self.codes, direction.source, self.folder)
        # M2M100Tokenizer takes the ISO code ("ar") and writes __ar__; NllbTokenizer takes the code.
        self.tokenizer.src_lang = direction.source if self.model_family == "m2m100" else source
        return self.tokenizer(batch, return_tensors="pt", padding=True)

    def _decode(self, sequences: Any) -> list[str]:
        # Language codes and fillers are not text (M2M100Tokenizer does not count them as special).
        texts = []
        for row in sequences.tolist():
            tokens = self.tokenizer.convert_ids_to_tokens(row)
            kept = [i for i, t in zip(row, tokens, strict=True) if not SPECIAL.match(str(t))]
            texts.append(self.tokenizer.decode(kept, skip_special_tokens=True))
        return texts

    def _generate_options(self, direction: Direction) -> dict[str, Any]:
        target = code(self.codes, direction.target, self.folder)
        return {"forced_bos_token_id": self.tokenizer.convert_tokens_to_ids(target)}
