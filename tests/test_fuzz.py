"""Property tests with hostile Unicode: nothing but tarjama's own error, offsets exact, round trips identical.

The text strategy mixes what breaks text tools: bidi controls, ZWJ/ZWNJ, tatweel, Arabic
diacritics, Arabic-Indic and Persian digits, CR, CR LF, U+2028/U+2029/U+0085 (line breaks
to ``str.splitlines``, not to JSON Lines), no-break spaces, a byte-order mark, C0 control
characters, Markdown and HTML markup, glossary terms with their clitics, and any code point
that is not a surrogate. Every reader is fed it through the path a user takes (a file on disk,
``tarjama score`` through the CLI), and must either work or raise ``TarjamaError``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from tarjama.batch.inputs import InputFile, read_source
from tarjama.cli import main
from tarjama.document.model import parse_text
from tarjama.document.record import read_translation
from tarjama.engines.base import Engine, SegmentDone
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary, GlossaryEntry
from tarjama.glossary.tsv import GlossaryFile
from tarjama.text.arabic import normalize, normalize_with_offsets
from tarjama.text.segment import split_sentences
from tarjama.text.textio import CONTROL_RE, read_text
from tarjama.translate.run import Translator
from tarjama.types import EngineIdentity, SegmentTranslation, TranslationRequest

GLOSSARY = Glossary.load(ROOT / "references" / "glossary.tsv")

PIECES = [
    # bidi controls, joiners, marks that change nothing visible
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
    "\u2069", "\u200d", "\u200c", "\u00ad", "\ufeff",
    # tatweel, diacritics, Arabic-Indic and Persian digits, Arabic punctuation
    "\u0640", "\u064b", "\u064e", "\u0650", "\u0651", "\u0652", "\u0670", "٠", "١", "٢٣", "۴", "۵",
    "،", "؛", "؟",
    # line breaks of every kind, spaces
    "\n", "\n\n", "\r", "\r\n", "\r\n\r\n", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\t", " ", "  ",
    "\u00a0", "\u3000",
    # C0 controls and DEL
    "\x00", "\x01", "\x1b", "\x1f", "\x7f",
    # Markdown and HTML
    "# ", "- ", "> ", "1. ", "```", "```\n", "~~~", "`", "[", "](", ")", "![", "<!--", "-->", "<b>", "</b>",
    "<script>alert(1)</script>", "http://example.com/a.b", "---\n", "|", "\\", "*", "_",
    # sentence ends, quotes, brackets, abbreviations
    ".", "!", "?", "…", "...", "«", "»", "“", "”", '"', "'", "(", "]", "د.", "U.S.", "3.5",
    # glossary terms with clitics, and plain words
    "وكالة الفضاء الأوروبية", "لـESA", "وJAXA", "والقمر", "للقمر", "المريخ", "ESA", "JAXA", "ispace",
    "قال", "إنّ", "أعلنت", "اليوم", "Moon", "the",
]  # fmt: skip

PIECE = st.one_of(
    st.sampled_from(PIECES),
    st.characters(blacklist_categories=("Cs",)),  # any code point but a surrogate
)
TEXT = st.lists(PIECE, max_size=60).map("".join)
TEXT_NO_CONTROLS = TEXT.map(lambda t: CONTROL_RE.sub("", t))
# TARJAMA_FUZZ_EXAMPLES=2000 for a deeper search than the suite's.
EXAMPLES = int(os.environ.get("TARJAMA_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Echo(Engine):
    """Translates a sentence into itself, upper-cased, plus its hints: shape-preserving and fast."""

    name = "echo"

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("echo", "echo")

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        return [SegmentTranslation(" ".join([r.source.upper(), *(h.target for h in r.hints)]))
                for r in requests]


# --------------------------------------------------------------------------- the document model


@FUZZ
@given(TEXT, st.sampled_from(["txt", "md"]))
def test_document_partition_is_exact_and_translation_keeps_every_paragraph(text: str, fmt: str) -> None:
    doc = parse_text(text, fmt)
    assert doc.reassemble([p.text for p in doc.paragraphs]) == text
    for p in doc.paragraphs:
        assert text[p.start : p.start + len(p.text)] == p.text
        assert "".join(s.text for s in p.segments) == p.text
        for s in p.segments:
            assert p.text[s.start : s.end] == s.text
    result = Translator(Echo(), GLOSSARY, checks=None).translate_document(doc)
    assert len(result.paragraphs) == len(doc.paragraphs)
    assert [r.source for r in result.paragraphs] == [p.text for p in doc.paragraphs]
    # The record round-trips through its JSONL exactly, whatever characters it holds.
    back = read_translation("fuzz.jsonl", text=result.jsonl()) if doc.paragraphs else None
    if back is not None:
        assert [p.translation for p in back.paragraphs] == [p.translation for p in result.paragraphs]
        assert [p.source for p in back.paragraphs] == [p.source for p in result.paragraphs]
        assert [[s.translation for s in p.sentences] for p in back.paragraphs] == [
            [s.translation for s in p.sentences] for p in result.paragraphs
        ]


@FUZZ
@given(TEXT)
def test_sentence_spans_partition_any_text(text: str) -> None:
    pos = 0
    for start, end in split_sentences(text):
        assert start == pos and end > start
        pos = end
    assert pos == len(text)


# --------------------------------------------------------------------------- glossary matching


@FUZZ
@given(TEXT)
def test_normalised_view_maps_back_to_the_original(text: str) -> None:
    view, offsets = normalize_with_offsets(text)
    assert len(view) == len(offsets)
    assert list(offsets) == sorted(set(offsets))  # strictly increasing
    assert all(0 <= i < len(text) for i in offsets)


@FUZZ
@given(TEXT)
def test_glossary_matches_map_back_to_the_original_text(text: str) -> None:
    previous_end = 0
    for m in GLOSSARY.match(text):
        assert text[m.start : m.end] == m.surface
        assert text[m.start - len(m.prefix) : m.start] == m.prefix
        assert m.start - len(m.prefix) >= previous_end
        assert normalize(m.surface)
        previous_end = m.end


# --------------------------------------------------------------------------- readers, on disk


@FUZZ
@given(st.binary(max_size=200) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_read_text_returns_clean_text_or_one_error(tmp_path_factory: pytest.TempPathFactory, data: bytes):
    path = tmp_path_factory.mktemp("read") / "in.txt"
    path.write_bytes(data)
    try:
        text = read_text(path)
    except TarjamaError as exc:
        assert str(path) in str(exc)
        return
    assert not CONTROL_RE.search(text) and text.strip()


@FUZZ
@given(TEXT)
def test_glossary_tsv_reader_round_trips_any_file(tmp_path_factory: pytest.TempPathFactory, text: str):
    path = tmp_path_factory.mktemp("tsv") / "g.tsv"
    path.write_text(f"ar\ten\tkind\tnote\n{text}", encoding="utf-8", newline="")
    try:
        gfile = GlossaryFile.read(path)
    except TarjamaError:
        return
    assert gfile.render() == path.read_bytes().decode("utf-8")  # what it does not edit, it keeps
    entries, problems = gfile.entries()
    assert all(p.line >= 1 for p in problems)
    try:
        glossary = Glossary.load(path)
    except TarjamaError as exc:
        assert "g.tsv:" in str(exc)
        return
    assert len(glossary.entries) == len(entries)


CELL = TEXT.map(lambda t: " ".join(t.replace("|", " ").split()))


@FUZZ
@given(st.lists(CELL, min_size=1, max_size=3), CELL, st.sampled_from(["organisation", "place"]), CELL)
@example(forms=["#"], en="Hash", kind="place", note="")  # read back as a comment line before the fix
def test_a_glossary_entry_is_refused_or_reads_back_identical(
    tmp_path_factory: pytest.TempPathFactory, forms: list[str], en: str, kind: str, note: str
) -> None:
    path = tmp_path_factory.mktemp("add") / "g.tsv"
    gfile = GlossaryFile.new(path)
    try:
        gfile.append(GlossaryEntry(forms, en, kind, note))
    except TarjamaError:
        return
    gfile.save()
    [entry] = Glossary.load(path).entries
    assert (entry.ar_forms, entry.en, entry.kind, entry.note) == (forms, en, kind, note)


@FUZZ
@given(st.lists(st.fixed_dictionaries({"text": TEXT, "id": st.integers(), "other": TEXT}), min_size=1,
                max_size=4))
def test_jsonl_batch_input_round_trips_every_record(tmp_path_factory: pytest.TempPathFactory, records):
    path = tmp_path_factory.mktemp("jsonl") / "feed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    # JSON escapes C0 controls (\u0000), so only a field's own control character, or a raw DEL
    # anywhere in the file, is refused; a raw U+2028 or U+0085 must not split a record.
    refused = any(CONTROL_RE.search(r["text"]) for r in records) or any(
        "\x7f" in r["text"] + r["other"] for r in records
    )
    try:
        source = read_source(InputFile(path, "feed.jsonl", "jsonl"))
    except TarjamaError as exc:
        assert refused and "feed.jsonl" in str(exc) and "control character" in str(exc), str(exc)
        return
    assert not refused
    # Written back with each field unchanged, every record is the record it was.
    out = source.render_texts([r["text"] for r in records])
    assert [json.loads(line) for line in out.split("\n") if line] == records


@FUZZ
@given(st.lists(st.lists(TEXT_NO_CONTROLS.map(lambda t: t.replace("\t", " ").replace("\n", " ")),
                         min_size=2, max_size=2), min_size=1, max_size=4))
def test_tsv_batch_input_reads_rows_or_names_the_line(tmp_path_factory: pytest.TempPathFactory, rows) -> None:
    path = tmp_path_factory.mktemp("tsvin") / "rows.tsv"
    path.write_text("id\ttext\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    try:
        source = read_source(InputFile(path, "rows.tsv", "tsv"))
    except TarjamaError as exc:
        assert "rows.tsv" in str(exc)
        return
    translated = source.render_texts([f"T{i}" for i in range(len(source.units))])
    # One output row per input row: nothing inside a cell (U+2028, a lone CR) split a row.
    assert len(translated.split("\n")) == len(path.read_bytes().decode("utf-8").split("\n"))


# --------------------------------------------------------------------------- tarjama score


@settings(max_examples=max(EXAMPLES // 3, 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(TEXT, TEXT)
def test_score_gives_a_report_or_one_error_line(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], hyp: str, ref: str
) -> None:
    folder = tmp_path_factory.mktemp("score")
    (folder / "hyp.txt").write_text(hyp, encoding="utf-8", newline="")
    (folder / "ref.txt").write_text(ref, encoding="utf-8", newline="")
    capsys.readouterr()
    code = main(["score", str(folder / "hyp.txt"), "--ref", str(folder / "ref.txt"), "-f", "json"])
    out, err = capsys.readouterr()
    if code == 0:
        report = json.loads(out)
        assert report["corpus"] and err == ""
    else:
        assert code == 2 and len(err.splitlines()) == 1 and err.startswith("tarjama: error: "), err


def test_the_strategy_reaches_what_it_claims() -> None:
    """The pieces above are not filtered away: each kind of hostile character is in the alphabet."""
    joined = "".join(PIECES)
    for char in ("\u200f", "\u200d", "\u0640", "\u064e", "٢", "\r", "\u2028", "\x00", "\ufeff"):
        assert char in joined
    assert Path(__file__).name == "test_fuzz.py"
