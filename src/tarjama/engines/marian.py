"""Marian engine: transformers ``MarianMTModel`` + ``MarianTokenizer`` (sentencepiece).

The model is a local folder or a Hugging Face model id (default ``Helsinki-NLP/opus-mt-ar-en``,
and ``Helsinki-NLP/opus-mt-en-ar`` for English→Arabic runs) resolved through the hub's own
conventions: ``HF_HOME``/``HF_HUB_CACHE`` for the cache, ``HF_HUB_OFFLINE=1`` to never touch the
network. The direction the engine declares is the model's own
(``tarjama.models.provenance.model_direction``: its tokenizer config, else its name). Segments
are translated in batches with beam search; each output's confidence (mean and lowest token
log-probability) comes from the scores ``generate`` returns. A segment longer than the model's
input limit is never truncated silently: it is split at safe boundaries (clause punctuation,
then spaces), the pieces are translated separately and joined, and the output carries a note saying so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tarjama.engines import projection
from tarjama.engines.languages import SPECIAL
from tarjama.engines.seq2seq import Seq2SeqEngine, Weights
from tarjama.errors import ModelUnavailableError
from tarjama.models.provenance import hub_revision, locate_model, model_direction, weights_sha256
from tarjama.types import AR_EN, EN_AR, Confidence, Direction, EngineIdentity

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ar-en"
# The OPUS-MT model of each direction, used when --model is not given.
DEFAULT_MODELS = {AR_EN: DEFAULT_MODEL, EN_AR: "Helsinki-NLP/opus-mt-en-ar"}


class MarianEngine(Seq2SeqEngine):
    name = "marian"
    family = "Marian"
    files = "config.json, the weights, source.spm, target.spm and vocab.json"
    # Tokens every output starts with that the model did not choose (the decoder start; NLLB adds
    # the forced language code): left out of the text and of the confidence.
    forced_prefix = 1

    def _load(self, folder: Path) -> tuple[Any, Any]:
        """The tokenizer and the model of ``folder``."""
        from transformers import MarianMTModel, MarianTokenizer

        return MarianTokenizer.from_pretrained(str(folder)), MarianMTModel.from_pretrained(str(folder))

    def _identity_extra(self) -> dict[str, Any]:
        return {}

    def _encode(self, batch: list[str], direction: Direction) -> Any:
        return self.tokenizer(batch, return_tensors="pt", padding=True)

    def _generate_options(self, direction: Direction) -> dict[str, Any]:
        return {}

    def _decode(self, sequences: Any) -> list[str]:
        """The texts of generated token ids (the forced prefix already cut off)."""
        return self.tokenizer.batch_decode(sequences, skip_special_tokens=True)

    def __init__(
        self,
        model: str | None = None,
        *,
        num_beams: int = 4,
        batch_size: int = 8,
        max_input_tokens: int | None = None,
        threads: int | None = None,
        direction: Direction | None = None,
    ) -> None:
        model = model or DEFAULT_MODELS.get(direction or AR_EN, DEFAULT_MODEL)
        try:
            import torch
            import transformers  # noqa: F401 - the models' own package, loaded in _load
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the {self.name} engine needs transformers, sentencepiece and torch ({exc.name} is "
                "missing); pip install 'tarjama[marian]'"
            ) from None
        folder = locate_model(model)
        if folder is None:
            folder = self._download(model)
        try:
            self.tokenizer, self.model = self._load(folder)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ModelUnavailableError(
                f"{folder}: not a loadable {self.family} model ({str(exc).splitlines()[0]}); "
                f"it needs {self.files}"
            ) from None
        self.model.eval()
        named = getattr(self.model.config, "_name_or_path", None)
        self.direction = model_direction(folder, model, named) or AR_EN
        self._specials = set(self.tokenizer.all_special_tokens)
        torch.set_num_threads(threads or os.cpu_count() or 1)
        self._torch = torch
        self.folder = folder
        self.num_beams = num_beams
        self.batch_size = batch_size
        limit = self.model.config.max_position_embeddings
        tok_limit = getattr(self.tokenizer, "model_max_length", limit) or limit
        self.max_input_tokens = max_input_tokens or min(limit, tok_limit)
        # The decoder has the same position table: output longer than it cannot be produced.
        self.max_output_tokens = limit - 1
        self._identity = EngineIdentity(
            engine=self.name,
            model=model if not Path(model).expanduser().is_dir() else str(folder.resolve()),
            revision=hub_revision(folder),
            sha256=weights_sha256(folder),
            params={
                "num_beams": num_beams,
                "batch_size": batch_size,
                "max_input_tokens": self.max_input_tokens,
                **self._identity_extra(),
            },
        )

    @staticmethod
    def _download(model: str) -> Path:
        if os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}:
            raise ModelUnavailableError(
                f"Marian model {model!r} is not in the Hugging Face cache and HF_HUB_OFFLINE is set; "
                "download it on a connected machine or pass a local folder with --model"
            )
        try:
            from huggingface_hub import snapshot_download

            return Path(snapshot_download(model))
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelUnavailableError(
                f"cannot get Marian model {model!r} ({first[:160]}); pass a local folder with --model, "
                "or use the embedded model with --engine gguf"
            ) from None

    @property
    def identity(self) -> EngineIdentity:
        return self._identity

    def _token_count(self, text: str) -> int:
        # Counting is how long input gets split; transformers' "longer than the maximum" warning
        # would say the opposite of what happens.
        return len(self.tokenizer(text, verbose=False)["input_ids"])


    def _generate(
        self, texts: list[str], avoid: Sequence[str] = (), direction: Direction = AR_EN
    ) -> list[tuple[str, Confidence | None]]:
        return [(text, confidence) for text, confidence, _ in self._run(texts, avoid, direction, False)]

    def _generate_aligned(
        self, texts: list[str], avoid: Sequence[str] = (), direction: Direction = AR_EN
    ) -> list[tuple[str, Confidence | None, Weights | None]]:
        return self._run(texts, avoid, direction, True)

    def _is_special(self, piece: str) -> bool:
        return piece in self._specials or SPECIAL.match(piece) is not None

    def _run(
        self, texts: list[str], avoid: Sequence[str], direction: Direction, align: bool
    ) -> list[tuple[str, Confidence | None, Weights | None]]:
        """Beam search; each output's confidence from the scores ``generate`` returns.

        ``compute_transition_scores`` gives the log-probability of every chosen token along the
        winning beam; padding after a finished output is left out (the end token counts). With
        ``align``, the chosen output is read once more by the model (teacher forcing) and the
        cross-attention of its second-to-last decoder layer, averaged over heads, aligns each
        output token (the step that produced it) with the input tokens.
        """
        out: list[tuple[str, Confidence | None, Weights | None]] = []
        bad_words = self._bad_words(avoid)
        pad = self.model.config.pad_token_id
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            enc = self._encode(batch, direction)
            with self._torch.inference_mode():
                generated = self.model.generate(
                    **enc,
                    num_beams=self.num_beams,
                    do_sample=False,
                    max_new_tokens=min(self.max_output_tokens, 2 * enc["input_ids"].shape[1] + 16),
                    output_scores=True,
                    return_dict_in_generate=True,
                    bad_words_ids=bad_words,
                    **self._generate_options(direction),
                )
                # Beam search returns log-softmax scores already; greedy search raw logits.
                scores = self.model.compute_transition_scores(
                    generated.sequences, generated.scores, getattr(generated, "beam_indices", None),
                    normalize_logits=self.num_beams == 1,
                )
            sequences = generated.sequences[:, 1:]  # aligned with the scores (the decoder start left out)
            skip = self.forced_prefix - 1  # a forced language code: its score says nothing
            texts_out = self._decode(generated.sequences[:, self.forced_prefix :])
            weights = self._alignments(enc, generated.sequences, batch, texts_out) if align else None
            for row, text in enumerate(texts_out):
                keep = (sequences[row] != pad).tolist()
                logprobs = [float(v) for v, k in zip(scores[row].tolist(), keep, strict=False) if k][skip:]
                logprobs = [v for v in logprobs if v == v and v > float("-inf")]  # NaN/-inf: not scored
                out.append((text, Confidence.of(logprobs), weights[row] if weights is not None else None))
        return out

    def _alignments(
        self, enc: Any, sequences: Any, sources: list[str], targets: list[str]
    ) -> list[Weights | None]:
        """Word alignments of each output with its input, from the model's cross-attention."""
        # Only the eager implementation returns attention weights (SDPA's fused kernel does not).
        fast = self.model.config._attn_implementation
        try:
            if fast != "eager":
                self.model.set_attn_implementation("eager")
            with self._torch.inference_mode():
                forced = self.model(
                    input_ids=enc["input_ids"],
                    attention_mask=enc["attention_mask"],
                    decoder_input_ids=sequences,
                    output_attentions=True,
                )
        finally:
            if fast != "eager":
                self.model.set_attn_implementation(fast)
        layers = forced.cross_attentions
        attention = layers[max(0, len(layers) - 2)].mean(dim=1)  # [batch, target, source]
        found: list[Weights | None] = []
        for row, (source, target) in enumerate(zip(sources, targets, strict=True)):
            source_pieces = self.tokenizer.convert_ids_to_tokens(enc["input_ids"][row].tolist())
            # The attention of step k produced token k + 1: drop the decoder start.
            target_pieces = self.tokenizer.convert_ids_to_tokens(sequences[row, 1:].tolist())
            rows = attention[row, : len(target_pieces)].tolist()
            pieces = (source_pieces, target_pieces)
            found.append(projection.token_alignment(rows, *pieces, source, target, self._is_special))
        return found

    def _bad_words(self, avoid: Sequence[str]) -> list[list[int]] | None:
        """Target-side token sequences of each word to avoid, with and without a leading space."""
        if not avoid:
            return None
        sequences: list[list[int]] = []
        for word in avoid:
            for form in (word, f" {word}"):
                ids = self.tokenizer(text_target=form, add_special_tokens=False)["input_ids"]
                if ids and ids not in sequences:
                    sequences.append(ids)
        return sequences or None
