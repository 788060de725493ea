"""Every command in both directions, driven as a user drives them: the tiny Marian models (one
Arabic→English, one English→Arabic, both built by the tests) and a scripted engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review_helpers import Parrot
from tarjama.cli import main
from tarjama.document.model import read_document
from tarjama.glossary import Glossary
from tarjama.review.workspace import Workspace
from tarjama.translate.run import Translator
from tarjama.types import EN_AR

pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "references" / "glossary.tsv"
ENGLISH = (
    "The European Space Agency (ESA) and JAXA signed an agreement on Tuesday. Dr. Smith said 3 missions "
    "would follow.\n\nThe U.S. team will join in 2029.\n"
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def english(tmp_path: Path) -> Path:
    path = tmp_path / "article.en.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    return path


def test_translate_detects_english_and_states_the_direction_everywhere(
    tmp_path: Path, english: Path, tiny_marian_en_ar: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "article.ar.txt"
    args = ["--engine", "marian", "--model", str(tiny_marian_en_ar), "--glossary", str(GLOSSARY)]
    code, _, err = run(["translate", str(english), "-o", str(out), *args], capsys)
    assert code == 0, err
    assert "· en-ar" in err and "2 paragraphs, 3 sentences" in err  # Dr. and U.S. do not end sentences
    meta = json.loads((tmp_path / "article.ar.txt.meta.json").read_text(encoding="utf-8"))
    assert meta["direction"] == "en-ar" and meta["engine"]["params"]["direction"] == "en-ar"
    jsonl = tmp_path / "article.jsonl"
    code, _, err = run(
        ["translate", str(english), "-o", str(jsonl), "--source", "en", "--target", "ar", *args], capsys
    )
    assert code == 0, err
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert {r["direction"] for r in records} == {"en-ar"}
    first = records[0]["sentences"][0]
    assert first["terms"]["expected"] == ["وكالة الفضاء الأوروبية", "ESA", "JAXA"]


def test_bad_input_in_either_direction_is_one_line(
    tmp_path: Path,
    english: Path,
    tiny_marian: Path,
    tiny_marian_en_ar: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    arabic = tmp_path / "a.ar.txt"
    arabic.write_text("وقعت الوكالة اتفاقا.\n", encoding="utf-8")
    russian = tmp_path / "r.txt"
    russian.write_text("Международная космическая станция.\n", encoding="utf-8")
    cases = [
        (
            ["translate", str(english), "--engine", "marian", "--model", str(tiny_marian), "--no-glossary"],
            "translates ar-en, not en-ar; choose an engine or model for that direction",
        ),
        (
            [
                "translate",
                str(arabic),
                "--engine",
                "marian",
                "--model",
                str(tiny_marian_en_ar),
                "--no-glossary",
            ],
            "translates en-ar, not ar-en",
        ),
        (
            ["translate", str(arabic), "--source", "en", "--no-glossary"],
            f"{arabic}: the text is Arabic, but the run translates from English (en-ar)",
        ),
        (
            ["translate", str(english), "--source", "en", "--target", "en", "--no-glossary"],
            "--source and --target are both en",
        ),
        (["translate", str(russian), "--no-glossary"], "neither Arabic nor English"),
    ]
    for argv, message in cases:
        code, out, err = run(argv, capsys)
        assert code != 0 and out == "", argv
        ours = [line for line in err.replace("\r", "\n").splitlines() if line.startswith("tarjama")]
        assert message in err and len(ours) == 1 and "Traceback" not in err, err


def test_html_word_and_xliff_outputs_read_right_to_left(
    tmp_path: Path, tiny_marian_en_ar: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("docx")
    args = ["--engine", "marian", "--model", str(tiny_marian_en_ar), "--no-glossary", "--no-checks"]
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><title>Launch news</title></head>\n'
        '<body><p dir="ltr">The agency signed a <b>new</b> deal.</p></body></html>\n',
        encoding="utf-8",
    )
    code, _, err = run(["translate", str(page), "-o", str(tmp_path / "page.ar.html"), *args], capsys)
    assert code == 0, err
    html = (tmp_path / "page.ar.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html and '<p dir="rtl">' in html

    import docx

    word = tmp_path / "memo.docx"
    d = docx.Document()
    d.add_paragraph("The agency signed a new deal.")
    d.add_paragraph("It will launch in 2029.")
    d.save(str(word))
    code, _, err = run(["translate", str(word), "-o", str(tmp_path / "memo.ar.docx"), *args], capsys)
    assert code == 0, err
    out = docx.Document(str(tmp_path / "memo.ar.docx"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for p in out.paragraphs:
        assert p._p.pPr is not None and p._p.pPr.find(f"{w}bidi") is not None
        runs = p._p.findall(f"{w}r")
        assert runs and all(r.find(f"{w}rPr/{w}rtl") is not None for r in runs)
        assert all(r.find(f"{w}rPr/{w}lang").get(f"{w}bidi") == "ar-SA" for r in runs)

    # An Xcode export: English source, Arabic target, empty targets to fill.
    xliff = tmp_path / "ar.xliff"
    xliff.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" '
        'version="1.2">\n<file original="App/en.lproj/Localizable.strings" source-language="en" '
        'target-language="ar" datatype="plaintext">\n<header><tool tool-id="com.apple.dt.xcode" '
        'tool-name="Xcode" tool-version="15.0"/></header>\n<body>\n<trans-unit id="launch.title" '
        'xml:space="preserve">\n<source>The launch was delayed.</source>\n<note>Title of the launch '
        "screen</note>\n</trans-unit>\n</body>\n</file>\n</xliff>\n",
        encoding="utf-8",
    )
    code, _, err = run(["translate", str(xliff), "-o", str(tmp_path / "ar.out.xliff"), *args], capsys)
    assert code == 0, err
    text = (tmp_path / "ar.out.xliff").read_text(encoding="utf-8")
    assert 'source-language="en" target-language="ar"' in text
    assert '<target xml:lang="ar" state="translated">' in text


def test_batch_both_directions_and_a_file_in_the_other_language_fails_alone(
    tmp_path: Path, tiny_marian_en_ar: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "one.en.txt").write_text("The agency signed a deal.\n", encoding="utf-8")
    (inputs / "two.txt").write_text("It will launch in 2029.\n", encoding="utf-8")
    (inputs / "three.ar.txt").write_text("وقعت الوكالة اتفاقا.\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["--engine", "marian", "--model", str(tiny_marian_en_ar), "--no-glossary", "--no-progress"]
    code, _, _err = run(
        [
            "batch",
            str(inputs / "one.en.txt"),
            str(inputs / "two.txt"),
            str(inputs / "three.ar.txt"),
            "-O",
            str(out),
            *args,
        ],
        capsys,
    )
    assert code == 1  # the Arabic file failed; the others were translated
    assert sorted(p.name for p in out.glob("*.txt")) == ["one.ar.txt", "two.ar.txt"]
    records = [json.loads(x) for x in (out / "provenance.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["direction"] for r in records} == {"en-ar"}
    failed = [r for r in records if r["status"] == "failed"]
    assert (
        len(failed) == 1
        and "three.ar.txt: the text is Arabic, but the run translates from English"
        in (failed[0]["failures"][0])
    )


def test_check_and_score_read_the_direction_of_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src.en.txt"
    src.write_text("The agency launched 3 satellites in January.\n", encoding="utf-8")
    hyp = tmp_path / "hyp.ar.txt"
    hyp.write_text("أطلقت الوكالة 4 أقمار صناعية في فبراير.\n", encoding="utf-8")
    ref = tmp_path / "ref.ar.txt"
    ref.write_text("أطلقت الوكالة 3 أقمار صناعية في يناير.\n", encoding="utf-8")
    report = tmp_path / "check.json"
    code, _, err = run(["check", str(src), str(hyp), "--no-glossary", "-o", str(report)], capsys)
    assert code == 0, err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["direction"] == "en-ar" and "names" not in data["checks"]
    messages = [c["message"] for u in data["units"] for c in u["checks"]]
    assert "number 3 (3) is missing from the Arabic" in messages
    assert "month January (يناير) is missing from the Arabic" in messages
    html = tmp_path / "check.html"
    assert run(["check", str(src), str(hyp), "--no-glossary", "-o", str(html)], capsys)[0] == 0
    page = html.read_text(encoding="utf-8")
    assert '<div class="col ar" lang="ar" dir="rtl"><p class="hyp">' in page
    assert '<div class="col en" lang="en" dir="ltr"><p>' in page

    scored = tmp_path / "score.json"
    code, _, err = run(
        ["score", str(hyp), "--ref", str(ref), "--src", str(src), "--normalize", "ar", "-o", str(scored)],
        capsys,
    )
    assert code == 0, err
    data = json.loads(scored.read_text(encoding="utf-8"))
    assert data["direction"] == "en-ar" and data["normalize"] == "ar"
    assert data["corpus"][0]["name"] == "chrF2++"
    bleu = next(m for m in data["corpus"] if m["name"] == "BLEU")
    assert "tok:intl" in bleu["signature"] and bleu["signature"].endswith("|norm:ar")


def test_summarize_an_english_article_gives_english_points_with_arabic(
    tmp_path: Path, tiny_marian_en_ar: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "news.en.txt"
    article.write_text(
        "The European Space Agency signed a new agreement with JAXA on Tuesday in Tokyo.\n\n"
        "The agreement covers joint missions to the Moon and Mars over the next decade.\n\n"
        "Officials from both agencies said the first joint mission could launch in 2029.\n\n"
        "The weather in Tokyo was cold and rainy during the signing ceremony.\n",
        encoding="utf-8",
    )
    out = tmp_path / "summary.jsonl"
    ref = tmp_path / "ref.en.txt"
    ref.write_text(
        "ESA and JAXA signed an agreement covering joint missions to the Moon and Mars.\n", encoding="utf-8"
    )
    code, _, err = run(
        [
            "summarize",
            str(article),
            "-n",
            "2",
            "-o",
            str(out),
            "--engine",
            "marian",
            "--model",
            str(tiny_marian_en_ar),
            "--glossary",
            str(GLOSSARY),
            "--ref-summary",
            str(ref),
        ],
        capsys,
    )
    assert code == 0, err
    header, *points = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert header["direction"] == "en-ar" and len(points) == 2
    assert all(p["source"].isascii() for p in points)
    assert header["english"] == " ".join(p["source"] for p in points)
    assert header["arabic"] == " ".join(p["translation"] for p in points)
    assert "ROUGE F1 (English vs" in err


def test_review_lays_out_an_english_source_and_its_arabic(tmp_path: Path) -> None:
    source = tmp_path / "article.en.txt"
    source.write_text("ESA and JAXA signed a deal. Mars is next.\n", encoding="utf-8")
    glossary = Glossary.load(GLOSSARY)
    with Translator(Arabic(), glossary, checks=None, direction=EN_AR) as t:
        doc = t.translate_document(read_document(source))
    path = tmp_path / "article.ar.jsonl"
    path.write_text(doc.jsonl(), encoding="utf-8")
    with Workspace.open([path], glossary=GLOSSARY) as ws:
        snap = ws.snapshot(0, order="document")
        assert (snap.info.source_lang, snap.info.target_lang) == ("en", "ar")
        first = snap.views[0]
        assert (first.source_lang, first.target_lang) == ("en", "ar")
        assert [(first.source[m.start : m.end], m.term) for m in first.source_marks] == [
            ("ESA", "ESA"),
            ("JAXA", "JAXA"),
        ]
        assert first.missing == ()
        second = snap.views[1]
        assert second.missing == ("المريخ",) and second.status == "review"


class Arabic(Parrot):
    """A scripted English→Arabic engine: the hinted Arabic terms, except Mars'."""

    def directions(self) -> frozenset:
        return frozenset({EN_AR})

    def translate(self, requests, *, done=None):  # type: ignore[no-untyped-def]
        results = super().translate(requests, done=done)
        for r, result in zip(requests, results, strict=True):
            result.text = "ترجمة " + " ".join(h.target for h in r.hints if h.target != "المريخ")
        return results


def test_ctranslate2_keeps_the_direction_of_the_converted_model(
    tmp_path: Path, english: Path, tiny_marian_en_ar: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("ctranslate2")
    from tarjama.engines.ctranslate2 import CTranslate2Engine
    from tarjama.engines.marian import MarianEngine

    ct2 = tmp_path / "ct2-en-ar"
    assert main(["models", "convert", str(tiny_marian_en_ar), str(ct2), "--quantization", "float32"]) == 0
    capsys.readouterr()
    engine = CTranslate2Engine(str(ct2), num_beams=1)
    assert engine.directions() == frozenset({EN_AR})
    marian = MarianEngine(str(tiny_marian_en_ar), num_beams=1)
    request = [r.request for r in _requests(english)]
    # The same weights decode the same tokens whichever runtime runs them.
    assert [t.text for t in engine.translate(request)] == [t.text for t in marian.translate(request)]
    out = tmp_path / "article.ar.txt"
    code, _, err = run(
        [
            "translate",
            str(english),
            "-o",
            str(out),
            "--engine",
            "ctranslate2",
            "--model",
            str(ct2),
            "--no-glossary",
        ],
        capsys,
    )
    assert code == 0 and "· en-ar" in err, err


def _requests(path: Path):  # type: ignore[no-untyped-def]
    from tarjama.document.requests import build_requests

    return build_requests(read_document(path), None, EN_AR)


def test_the_api_translates_english_into_arabic(tiny_marian: Path, tiny_marian_en_ar: Path) -> None:
    from tarjama.errors import TarjamaError

    with Translator.load(engine="marian", model=str(tiny_marian_en_ar), glossary=GLOSSARY, source="en") as t:
        assert t.direction == EN_AR
        doc = t.translate("ESA signed. JAXA agreed.")
    assert doc.direction == EN_AR and [s.terms.expected for s in doc.sentences()] == [["ESA"], ["JAXA"]]
    with pytest.raises(TarjamaError, match="translates ar-en, not en-ar"):
        Translator.load(engine="marian", model=str(tiny_marian), target="ar")


def test_batch_refuses_an_arabic_output_over_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The agency signed.\n", encoding="utf-8")
    (folder / "a.ar.txt").write_text("The agency met.\n", encoding="utf-8")
    argv = [
        "batch",
        str(folder / "a.txt"),
        str(folder / "a.ar.txt"),
        "-O",
        str(folder),
        "--dry-run",
        "--no-glossary",
    ]
    code, _, err = run(argv, capsys)
    assert code != 0 and f"would be written to {folder / 'a.ar.txt'}, which is the input" in err


def test_an_english_article_reads_its_arabic_quotation_as_untouched(
    tmp_path: Path, tiny_marian_en_ar: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Into Arabic, what is not English (an Arabic quotation) is the text left as it is."""
    path = tmp_path / "quote.en.txt"
    path.write_text("The minister spoke to reporters on Monday.\n\n«وقعت الوكالة.»\n", encoding="utf-8")
    code, out, err = run(["translate", str(path), "--engine", "marian", "--model", str(tiny_marian_en_ar),
                          "--no-glossary", "--no-checks"], capsys)
    assert code == 0, err
    assert "1 segments without English letters left as they are" in err
    assert out.rstrip("\n").endswith("«وقعت الوكالة.»")  # copied as it is
