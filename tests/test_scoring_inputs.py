"""Reading scoring inputs and refusing ones that do not line up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarjama.errors import TarjamaError
from tarjama.scoring.core import score_files
from tarjama.scoring.inputs import read_paragraph_file, read_paragraphs


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, records: list[dict]) -> Path:
    return write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def record(i: int, translation: str, source: str = "نص", **extra: object) -> dict:
    return {
        "index": i,
        "source": source,
        "translation": translation,
        "sentences": [{"source": source, "translation": translation, "notes": []}],
        "engine": {"engine": "marian", "model": "tiny", "sha256": "ab12", "params": {"beam": 4}},
        "seconds": 0.1,
        "terms": {},
        **extra,
    }


def test_paragraphs_split_on_blank_lines_and_flatten_line_breaks(tmp_path: Path) -> None:
    text = "\ufeff  First line\r\nsecond line.  \r\n\r\n\r\n\nSecond paragraph.\n   \nThird\n  indented.\n"
    f = read_paragraph_file(write(tmp_path / "a.txt", text))
    assert f.paragraphs == ["First line second line.", "Second paragraph.", "Third indented."]
    assert f.lines == [1, 6, 8]
    assert f.kind == "text"


def test_markdown_code_fence_with_blank_lines_stays_one_paragraph(tmp_path: Path) -> None:
    text = "# Title\n\n```\ncode\n\nmore code\n```\n\nLast.\n"
    assert len(read_paragraphs(write(tmp_path / "a.md", text))) == 3
    # The same text as .txt has no fences, so the blank line inside splits it.
    assert len(read_paragraphs(write(tmp_path / "a.txt", text))) == 4


def test_jsonl_takes_translation_and_keeps_sources_and_engine(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "h.jsonl", [record(0, "One.\nTwo.", "واحد"), record(1, "Three.", "ثلاثة")])
    f = read_paragraph_file(path)
    assert f.kind == "jsonl"
    assert f.paragraphs == ["One. Two.", "Three."]
    assert f.sources == ["واحد", "ثلاثة"]
    assert f.engines == [{"engine": "marian", "model": "tiny", "sha256": "ab12", "params": {"beam": 4}}]


def test_jsonl_is_recognised_without_its_suffix(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "h.txt", [record(0, "One."), record(1, "Two.")])
    assert read_paragraphs(path) == ["One.", "Two."]


def test_jsonl_bad_line_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "h.jsonl", json.dumps(record(0, "One.")) + "\n\n{not json\n")
    with pytest.raises(TarjamaError, match=r"h\.jsonl:3: not valid JSON"):
        read_paragraphs(path)


def test_jsonl_record_without_translation_is_refused(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "h.jsonl", [record(0, "One."), {"index": 1, "source": "x"}])
    with pytest.raises(TarjamaError, match=r":2: record has no string \"translation\""):
        read_paragraphs(path)


def test_jsonl_records_out_of_order_are_refused(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "h.jsonl", [record(0, "One."), record(2, "Three."), record(1, "Two.")])
    with pytest.raises(TarjamaError, match=r":2: record has index 2, expected 1"):
        read_paragraphs(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TarjamaError, match="empty"):
        read_paragraphs(write(tmp_path / "e.txt", "\n  \n"))


def test_count_mismatch_shows_both_counts_and_first_unmatched_paragraph(tmp_path: Path) -> None:
    hyp = write(tmp_path / "hyp.txt", "Alpha one.\n\nBeta two.\n\nGamma three is here.\n")
    ref = write(tmp_path / "ref.txt", "Alpha 1.\n\nBeta 2.\n")
    with pytest.raises(TarjamaError) as info:
        score_files(hyp, [ref])
    msg = str(info.value)
    assert "has 3 paragraphs" in msg and "has 2" in msg
    assert "hypothesis paragraph 3" in msg and "hyp.txt:5" in msg and "'Gamma three is here.'" in msg
    assert "\n" not in msg


def test_shorter_hypothesis_points_at_the_reference_paragraph(tmp_path: Path) -> None:
    hyp = write(tmp_path / "hyp.txt", "Alpha one.\n")
    long_para = "Beta 2 is longer than we can show in a short snippet here."
    ref = write(tmp_path / "ref.txt", f"Alpha 1.\n\n{long_para}\n")
    with pytest.raises(TarjamaError) as info:
        score_files(hyp, [ref])
    msg = str(info.value)
    assert "has 1 paragraphs but reference" in msg and "has 2" in msg
    assert "reference paragraph 2 (" in msg and "ref.txt:3" in msg
    assert "has no hypothesis paragraph" in msg
    assert "'Beta 2 is longer than we can show in a …'" in msg


def test_merged_paragraph_is_located_by_length_divergence(tmp_path: Path) -> None:
    words = "word " * 12
    # The reference merges paragraphs 2 and 3 of the hypothesis.
    hyp = write(tmp_path / "hyp.txt", f"{words}\n\n{words}\n\n{words}\n\n{words}\n")
    ref = write(tmp_path / "ref.txt", f"{words}\n\n{words}{words}{words}\n\n{words}\n")
    with pytest.raises(TarjamaError, match=r"lengths first diverge at paragraph 2 \(12 vs 36 words\)"):
        score_files(hyp, [ref])


def test_second_reference_is_checked_too(tmp_path: Path) -> None:
    hyp = write(tmp_path / "hyp.txt", "A.\n\nB.\n")
    ref1 = write(tmp_path / "r1.txt", "A.\n\nB.\n")
    ref2 = write(tmp_path / "r2.txt", "A.\n")
    with pytest.raises(TarjamaError, match=r"r2\.txt has 1"):
        score_files(hyp, [ref1, ref2])


def test_empty_hypothesis_paragraph_is_refused_with_its_position(tmp_path: Path) -> None:
    hyp = jsonl(tmp_path / "hyp.jsonl", [record(0, "Fine."), record(1, "Also fine."), record(2, "  ")])
    ref = write(tmp_path / "ref.txt", "Fine.\n\nAlso fine.\n\nThird.\n")
    with pytest.raises(TarjamaError) as info:
        score_files(hyp, [ref])
    msg = str(info.value)
    assert "hyp.jsonl:3" in msg and "hypothesis paragraph 3 of 3 is empty" in msg


def test_source_with_other_count_is_refused(tmp_path: Path) -> None:
    hyp = write(tmp_path / "hyp.txt", "A.\n\nB.\n")
    ref = write(tmp_path / "ref.txt", "A.\n\nB.\n")
    src = write(tmp_path / "src.txt", "أ.\n\nب.\n\nج.\n")
    expected = r"hyp\.txt has 2 paragraphs but source .*src\.txt has 3.*source paragraph 3"
    with pytest.raises(TarjamaError, match=expected):
        score_files(hyp, [ref], src=src)


def test_glossary_without_any_source_is_refused(tmp_path: Path) -> None:
    hyp = write(tmp_path / "hyp.txt", "A.\n")
    with pytest.raises(TarjamaError, match="needs the Arabic source"):
        score_files(hyp, [hyp], glossary=tmp_path / "g.tsv")


def test_jsonl_hypothesis_supplies_the_source(tmp_path: Path) -> None:
    hyp = jsonl(tmp_path / "hyp.jsonl", [record(0, "The agency.", "الوكالة"), record(1, "Mars.", "المريخ")])
    ref = write(tmp_path / "ref.txt", "The agency.\n\nMars.\n")
    report = score_files(hyp, [ref])
    assert report.sources == ["الوكالة", "المريخ"]
    assert report.engines[0]["engine"] == "marian"
    assert report.metric("chrF2").score == pytest.approx(100.0)
