"""Randomly initialised Marian models with real sentencepiece vocabularies.

No model hub is reachable in tarjama's CI, so tests and benchmarks build their own Marian
models: a sentencepiece model trained in seconds on real Arabic and English text, and a
``MarianMTModel`` with random weights saved with ``save_pretrained``. The folder has the
exact layout of an OPUS-MT model (``source.spm``, ``target.spm``, ``vocab.json``), so the
same loading code that users run is exercised. The vocabulary follows the OPUS-MT
convention (``<pad>`` last, used as decoder start) that CTranslate2's converter expects.
Its tokenizer config records its languages (``source_lang``, ``target_lang``: Arabic into
English unless asked otherwise), as OPUS-MT models do, so the engines declare its direction.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MarianShape:
    d_model: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 128

    def config(self) -> dict[str, int]:
        """The sizes as a transformers encoder–decoder config names them."""
        return {
            "d_model": self.d_model,
            "encoder_layers": self.layers,
            "decoder_layers": self.layers,
            "encoder_attention_heads": self.heads,
            "decoder_attention_heads": self.heads,
            "encoder_ffn_dim": self.ffn,
            "decoder_ffn_dim": self.ffn,
            "max_position_embeddings": self.max_positions,
        }


TINY = MarianShape()
# The architecture of Helsinki-NLP/opus-mt-ar-en, for realistic benchmarks.
OPUS_MT_AR_EN = MarianShape(d_model=512, layers=6, heads=8, ffn=2048, max_positions=512)


def _sentencepiece(lines: Iterable[str], vocab_size: int, model_type: str, **special_ids: int) -> bytes:
    """A sentencepiece model trained on ``lines``, as bytes."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([line for line in lines if line.strip()]),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        # The characters of inline-markup placeholders (<g1>…</g1>, <x2/>, see tarjama.document.inline),
        # which news text rarely has: without them a placeholder could only become <unk>.
        required_chars="<>/",
        hard_vocab_limit=False,
        minloglevel=2,
        num_threads=2,
        **special_ids,
    )
    return buffer.getvalue()


def train_sentencepiece(lines: Iterable[str], folder: Path, vocab_size: int = 1000) -> Path:
    """Train a unigram sentencepiece model on ``lines``; returns the ``.model`` path."""
    folder.mkdir(parents=True, exist_ok=True)
    # Marian's own special tokens live in vocab.json; keep only <unk> in sentencepiece.
    model = _sentencepiece(lines, vocab_size, "unigram", bos_id=-1, eos_id=-1, unk_id=0)
    path = folder / "spm.model"
    path.write_bytes(model)
    return path


def build_marian(
    folder: Path,
    corpus: Iterable[str],
    shape: MarianShape = TINY,
    vocab_size: int = 1000,
    seed: int = 0,
    pad_vocab_to: int | None = None,
    source_lang: str = "ar",
    target_lang: str = "en",
) -> Path:
    """Create and save a random Marian model + tokenizer in ``folder``; returns ``folder``.

    sentencepiece stops short of large vocabularies on a small corpus (``hard_vocab_limit`` is
    off). ``pad_vocab_to`` then appends deterministic filler pieces (never produced by the
    tokenizer, but part of the embedding and softmax) so that benchmarks pay for a real-size
    vocabulary; ``len(vocab.json)`` is exactly ``pad_vocab_to`` when it is larger than the
    trained vocabulary.
    """
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    spm_path = train_sentencepiece(corpus, folder / "_spm", vocab_size)
    sp = spm.SentencePieceProcessor(model_file=str(spm_path))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    # OPUS-MT convention: </s> 0, <unk> 1, pieces…, <pad> last (CTranslate2 relies on it).
    vocab_list = ["</s>", "<unk>"] + [p for p in pieces if p not in {"<unk>", "</s>", "<pad>"}]
    if pad_vocab_to is not None and pad_vocab_to > len(vocab_list) + 1:
        taken = set(vocab_list)
        fillers = (f"▁filler{i:05d}" for i in range(pad_vocab_to))
        vocab_list += [f for f in fillers if f not in taken][: pad_vocab_to - 1 - len(vocab_list)]
    vocab_list.append("<pad>")
    vocab = {piece: i for i, piece in enumerate(vocab_list)}
    pad_id = vocab["<pad>"]
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes(spm_path.read_bytes())
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        **shape.config(),
        pad_token_id=pad_id,
        eos_token_id=vocab["</s>"],
        decoder_start_token_id=pad_id,
        forced_eos_token_id=vocab["</s>"],
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        activation_function="swish",
        static_position_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.generation_config.pad_token_id = pad_id
    model.generation_config.decoder_start_token_id = pad_id
    model.generation_config.eos_token_id = vocab["</s>"]
    model.generation_config.bad_words_ids = [[pad_id]]
    model.save_pretrained(folder)
    tokenizer = MarianTokenizer(
        str(folder / "source.spm"),
        str(folder / "target.spm"),
        str(folder / "vocab.json"),
        model_max_length=shape.max_positions,
        source_lang=source_lang,
        target_lang=target_lang,
    )
    tokenizer.save_pretrained(folder)
    for leftover in (folder / "_spm").iterdir():
        leftover.unlink()
    (folder / "_spm").rmdir()
    return folder


def train_bpe_sentencepiece(lines: Iterable[str], path: Path, vocab_size: int = 1000) -> Path:
    """A BPE sentencepiece model as NLLB and M2M-100 ship it (``<unk>`` 0, ``<s>`` 1, ``</s>`` 2)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    model = _sentencepiece(lines, vocab_size, "bpe", unk_id=0, bos_id=1, eos_id=2, pad_id=-1)
    path.write_bytes(model)
    return path


def build_nllb(
    folder: Path,
    corpus: Iterable[str],
    family: str = "nllb",
    shape: MarianShape = TINY,
    vocab_size: int = 1000,
    seed: int = 0,
) -> Path:
    """Create and save a random NLLB-200 (``family="nllb"``) or M2M-100 (``"m2m100"``) model.

    The folder has the layout of the published models: ``config.json`` (model_type
    ``m2m_100``), the weights, ``sentencepiece.bpe.model``, and the tokenizer the family uses
    (NLLB: ``tokenizer.json`` with the 202 language codes ``arb_Arab``…; M2M-100: ``vocab.json``
    with the fairseq specials first, its 100 language tokens ``__ar__``… and 8 made-up words after
    the vocabulary), so that ``AutoTokenizer``/``AutoModelForSeq2SeqLM`` load it as users load the
    real ones and CTranslate2's converter takes it.
    """
    import shutil

    import sentencepiece as spm
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    if family not in ("nllb", "m2m100"):
        raise ValueError(f"family must be nllb or m2m100, got {family!r}")
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "_spm"
    spm_path = train_bpe_sentencepiece(corpus, work / "sentencepiece.bpe.model", vocab_size)
    shutil.copy(spm_path, folder / "sentencepiece.bpe.model")
    if family == "nllb":
        from transformers import NllbTokenizer
        from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

        tokenizer = NllbTokenizer.from_pretrained(
            str(work), extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES), src_lang="arb_Arab",
            tgt_lang="eng_Latn", model_max_length=shape.max_positions,
        )
        size = len(tokenizer)
    else:
        from transformers import M2M100Tokenizer

        sp = spm.SentencePieceProcessor(model_file=str(spm_path))
        vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
        for piece in (sp.id_to_piece(i) for i in range(sp.get_piece_size())):
            vocab.setdefault(piece, len(vocab))
        (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        tokenizer = M2M100Tokenizer(
            str(folder / "vocab.json"), str(folder / "sentencepiece.bpe.model"), src_lang="ar", tgt_lang="en",
            model_max_length=shape.max_positions,
        )
        size = len(tokenizer.encoder) + len(tokenizer.lang_token_to_id) + tokenizer.num_madeup_words
    tokenizer.save_pretrained(folder)
    config = M2M100Config(
        vocab_size=size,
        **shape.config(),
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        scale_embedding=True,
        tokenizer_class="NllbTokenizer" if family == "nllb" else "M2M100Tokenizer",
    )
    torch.manual_seed(seed)
    M2M100ForConditionalGeneration(config).save_pretrained(folder)
    shutil.rmtree(work)
    return folder
