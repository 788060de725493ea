"""CTranslate2 engine: a Marian/OPUS-MT, NLLB-200 or M2M-100 model converted with ``tarjama models convert``.

The model is a local folder holding CTranslate2's ``model.bin``, ``config.json`` and
vocabulary, plus the original sentencepiece models that the conversion copies in: Marian's
``source.spm``/``target.spm``, or the many-to-many models' ``sentencepiece.bpe.model``, whose
input starts with the source-language code and whose output is forced to start with the
target-language code (``target_prefix``), both chosen from the request's direction
(``tarjama.engines.nllb``; the code is left out of the text and of the confidence).
Tokenisation uses those sentencepiece models directly, exactly as transformers'
``MarianTokenizer`` does (sentencepiece pieces, ``</s>`` appended, pieces outside the
vocabulary become ``<unk>``; special tokens dropped on output), so the engine needs neither
transformers nor torch at run time and its greedy output matches the ``marian`` engine's
token for token on the same weights (float32).

Decoding limits mirror the ``marian`` engine: the same batches, the same output budget per
batch, and one step fewer for CTranslate2 because transformers forces ``</s>`` into the last
step (``forced_eos_token_id`` of OPUS-MT models). Over-long segments are split with the
shared helper and carry the same note. Each output's confidence is the mean and minimum
log-probability of its tokens, from ``score_batch`` on the chosen hypothesis. The engine declares
the direction of the model it was converted from (``tarjama.models.provenance.model_direction``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tarjama.engines import projection
from tarjama.engines.seq2seq import Seq2SeqEngine, Weights
from tarjama.errors import ModelUnavailableError
from tarjama.models.convert import read_provenance
from tarjama.models.provenance import model_direction, sha256_file
from tarjama.types import AR_EN, Confidence, Direction, EngineIdentity

# OPUS-MT's position table; used when the folder says nothing about the limit.
DEFAULT_MAX_POSITIONS = 512


def _max_positions(folder: Path, provenance: dict[str, Any]) -> int:
    # The conversion records the model's position table; failing that, the tokenizer's limit.
    if isinstance(provenance.get("max_position_embeddings"), int):
        return provenance["max_position_embeddings"]
    config = folder / "tokenizer_config.json"
    if config.is_file():
        try:
            value = json.loads(config.read_text(encoding="utf-8")).get("model_max_length")
        except (OSError, ValueError, AttributeError):
            value = None
        # transformers writes a huge sentinel when the tokenizer has no limit of its own.
        if isinstance(value, int) and 0 < value < 100_000:
            return value
    return DEFAULT_MAX_POSITIONS


def _vocabulary(folder: Path) -> list[str]:
    """The tokens of a converted folder's vocabulary (CTranslate2 writes JSON, older versions text)."""
    path = folder / "shared_vocabulary.json"
    if path.is_file():
        return list(json.loads(path.read_text(encoding="utf-8")))
    path = folder / "shared_vocabulary.txt"
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def _not_converted_hint(folder: Path) -> str:
    config = folder / "config.json"
    try:
        model_type = json.loads(config.read_text(encoding="utf-8")).get("model_type")
    except (OSError, ValueError, AttributeError):
        model_type = None
    if model_type in ("marian", "m2m_100"):
        return f"it is a transformers model: convert it with `tarjama models convert {folder} OUT`"
    return (
        "convert a Marian, NLLB or M2M-100 model with `tarjama models convert SRC OUT` and pass OUT with "
        "--model"
    )


class CTranslate2Engine(Seq2SeqEngine):
    name = "ctranslate2"

    def __init__(
        self,
        model: str | None = None,
        *,
        num_beams: int = 4,
        batch_size: int = 8,
        max_input_tokens: int | None = None,
        threads: int | None = None,
        compute_type: str = "default",
        device: str = "cpu",
    ) -> None:
        try:
            import ctranslate2
            import sentencepiece
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the ctranslate2 engine needs ctranslate2 and sentencepiece ({exc.name} is missing); "
                "pip install 'tarjama[ctranslate2]'"
            ) from None
        if not model:
            raise ModelUnavailableError(
                "the ctranslate2 engine needs a converted model folder: run `tarjama models convert "
                "Helsinki-NLP/opus-mt-ar-en OUT` (or a local Marian folder) and pass --model OUT"
            )
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise ModelUnavailableError(f"{model}: no such CTranslate2 model folder")
        if not (folder / "model.bin").is_file():
            raise ModelUnavailableError(
                f"{folder}: not a CTranslate2 model (no model.bin); {_not_converted_hint(folder)}"
            )
        many = not (folder / "source.spm").is_file() and (folder / "sentencepiece.bpe.model").is_file()
        missing = [n for n in ("source.spm", "target.spm") if not (folder / n).is_file()]
        if missing and not many:
            raise ModelUnavailableError(
                f"{folder}: {' and '.join(missing)} missing; the engine tokenises with the Marian "
                "sentencepiece models: convert with `tarjama models convert`, which copies them"
            )
        self.threads = threads or os.cpu_count() or 1
        try:
            # One translation at a time, all threads inside it: the pipeline sends batches serially.
            self.translator = ctranslate2.Translator(
                str(folder),
                device=device,
                compute_type=compute_type,
                inter_threads=1,
                intra_threads=self.threads,
            )
            names = ("sentencepiece.bpe.model",) * 2 if many else ("source.spm", "target.spm")
            self.source_sp = sentencepiece.SentencePieceProcessor(model_file=str(folder / names[0]))
            self.target_sp = sentencepiece.SentencePieceProcessor(model_file=str(folder / names[1]))
        except (RuntimeError, OSError, ValueError) as exc:
            raise ModelUnavailableError(
                f"{folder}: not a loadable CTranslate2 model ({str(exc).splitlines()[0][:200]})"
            ) from None
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.eos = config.get("eos_token") or "</s>"
        # MarianTokenizer's special tokens, which its decode(skip_special_tokens=True) drops.
        self._special = {self.eos, config.get("unk_token") or "<unk>", "<pad>"}
        self.model_family, self.codes = "marian", {}
        if many:
            from tarjama.engines.languages import SPECIAL, language_codes

            vocabulary = _vocabulary(folder)
            self.model_family, self.codes = language_codes(vocabulary)
            if not self.codes:
                raise ModelUnavailableError(
                    f"{folder}: its vocabulary has neither NLLB's codes (arb_Arab, eng_Latn) nor M2M-100's"
                )
            self._special |= {t for t in vocabulary if SPECIAL.match(t)}
        provenance = read_provenance(folder)
        # The direction of the Marian model it was converted from (its tokenizer config is copied).
        self.direction = model_direction(folder, provenance.get("source")) or AR_EN
        limit = _max_positions(folder, provenance)
        self.folder = folder
        self.num_beams = num_beams
        self.batch_size = batch_size
        self.max_input_tokens = min(max_input_tokens or limit, limit)
        # Same output budget as the marian engine (the decoder's position table, less the start).
        self.max_output_tokens = limit - 1
        # transformers forces </s> into the last step of models that say so (OPUS-MT): one step
        # fewer here (see _generate). Folders converted before this was recorded are Marian ones.
        self.forced_eos = bool(provenance.get("forced_eos", not self.codes))
        self.compute_type = self.translator.compute_type
        params: dict[str, Any] = {
            "num_beams": num_beams,
            "batch_size": batch_size,
            "max_input_tokens": self.max_input_tokens,
            "compute_type": self.compute_type,
            "device": device,
            "threads": self.threads,
        }
        if self.codes:
            params.update(family=self.model_family, languages=self.codes)
        for key in ("quantization", "source", "source_sha256", "ctranslate2"):
            if provenance.get(key):
                params[f"converted_{key}" if key != "quantization" else key] = provenance[key]
        self._identity = EngineIdentity(
            engine=self.name,
            model=str(folder.resolve()),
            revision=provenance.get("source_revision"),
            sha256=sha256_file(folder / "model.bin"),
            params=params,
        )

    @property
    def identity(self) -> EngineIdentity:
        return self._identity

    def directions(self) -> frozenset[Direction]:
        if not self.codes:  # a Marian model: the direction of the model it was converted from
            return frozenset({self.direction})
        from tarjama.engines.languages import served

        return served(self.codes)

    def _code(self, language: str) -> str:
        from tarjama.engines.languages import code

        return code(self.codes, language, self.folder)

    def tokenize(self, text: str, direction: Direction = AR_EN) -> list[str]:
        """Source pieces plus ``</s>``, as MarianTokenizer produces them (after the source-language
        code for a many-to-many model, as NllbTokenizer and M2M100Tokenizer put it)."""
        pieces = [*self.source_sp.encode(text, out_type=str), self.eos]
        return [self._code(direction.source), *pieces] if self.codes else pieces

    def detokenize(self, tokens: Sequence[str]) -> str:
        pieces = [t for t in tokens if t not in self._special]
        return self.target_sp.decode_pieces(pieces).replace("▁", " ").strip()

    def _token_count(self, text: str) -> int:
        return len(self.tokenize(text))


    def _generate(
        self, texts: list[str], avoid: Sequence[str] = (), direction: Direction = AR_EN
    ) -> list[tuple[str, Confidence | None]]:
        return [(text, confidence) for text, confidence, _ in self._run(texts, avoid, direction, False)]

    def _generate_aligned(
        self, texts: list[str], avoid: Sequence[str] = (), direction: Direction = AR_EN
    ) -> list[tuple[str, Confidence | None, Weights | None]]:
        return self._run(texts, avoid, direction, True)

    def _run(
        self, texts: list[str], avoid: Sequence[str], direction: Direction, align: bool
    ) -> list[tuple[str, Confidence | None, Weights | None]]:
        """Beam search, then each chosen output scored by the model (``score_batch``).

        ``score_batch`` gives the log-probability of every target token (the end token
        included) under the same weights: the mean and minimum are the output's confidence.
        ``avoid`` words are suppressed as target-token sequences (``suppress_sequences``).
        With ``align``, the attention CTranslate2 returns (``return_attention``: its alignment
        layer and heads) aligns each output token with the input tokens.
        """
        out: list[tuple[str, Confidence | None, Weights | None]] = []
        suppress = self._suppress(avoid)
        for i in range(0, len(texts), self.batch_size):
            batch = [self.tokenize(t, direction) for t in texts[i : i + self.batch_size]]
            prefix = [[self._code(direction.target)]] * len(batch) if self.codes else None
            longest = max(len(b) for b in batch)
            # transformers' budget is max_new_tokens including the forced </s>; CTranslate2's
            # max_decoding_length counts only real steps, hence the -1 (see module docstring).
            budget = min(self.max_output_tokens, 2 * longest + 16)
            results = self.translator.translate_batch(
                batch,
                beam_size=self.num_beams,
                num_hypotheses=1,
                max_decoding_length=max(1, budget - 1 if self.forced_eos else budget),  # see limit below
                # Never truncate silently: pieces already fit the limit (see splitting).
                max_input_length=0,
                suppress_sequences=suppress,
                target_prefix=prefix,
                return_attention=align,
            )
            hypotheses = [r.hypotheses[0] for r in results]
            scored = self.translator.score_batch(batch, [list(h) for h in hypotheses], max_input_length=0)
            # The forced language code (first token of a many-to-many output) is neither text nor choice.
            skip = 1 if self.codes else 0
            limit = max(1, budget - 1 if self.forced_eos else budget)
            sources = texts[i : i + self.batch_size]
            for k, (hyp, score) in enumerate(zip(hypotheses, scored, strict=True)):
                logprobs = score.log_probs[skip:]
                if not self.forced_eos and len(hyp) >= limit:
                    logprobs = logprobs[:-1]  # cut at the limit: score_batch's </s> was never chosen
                text = self.detokenize(hyp[skip:])
                weights = None
                if align and results[k].attention:
                    pieces = (batch[k], list(hyp))
                    special = self._special.__contains__
                    weights = projection.token_alignment(
                        results[k].attention[0], *pieces, sources[k], text, special
                    )
                out.append((text, Confidence.of(logprobs), weights))
        return out

    def _suppress(self, avoid: Sequence[str]) -> list[list[str]] | None:
        if not avoid:
            return None
        sequences: list[list[str]] = []
        for word in avoid:
            pieces = self.target_sp.encode(word, out_type=str)
            if pieces and pieces not in sequences:
                sequences.append(pieces)
        return sequences or None

    def close(self) -> None:
        translator = getattr(self, "translator", None)
        if translator is not None:
            translator.unload_model()
