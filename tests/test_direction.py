"""English→Arabic below the commands: detection, English sentences, the glossary in reverse, the checks
into Arabic, Arabic output, scoring Arabic and the embedded engine's prompt and retry (no model runs)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from tarjama.checks import Checker
from tarjama.document.model import parse_text
from tarjama.document.requests import build_requests
from tarjama.engines.base import Engine
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary
from tarjama.glossary.entry import GlossaryEntry
from tarjama.text.arabic import arabic_punctuation
from tarjama.text.language import detect_language, resolve_direction
from tarjama.text.segment import split_sentences
from tarjama.text.terms import ArabicTerm, check_terms, count_term
from tarjama.translate.run import Translator
from tarjama.types import AR_EN, EN_AR, EngineIdentity, SegmentTranslation, TranslationRequest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "references" / "glossary.tsv"


class Scripted(Engine):
    """An English→Arabic engine that answers from a script (and records what it was asked)."""

    name = "scripted"
    handles_term_hints = False

    def __init__(self, answers: dict[str, str], directions: frozenset = frozenset({EN_AR})) -> None:
        self.answers = answers
        self._directions = directions
        self.asked: list[TranslationRequest] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("scripted", "script")

    def directions(self) -> frozenset:
        return self._directions

    def translate(self, requests: Sequence[TranslationRequest], *, done=None) -> list[SegmentTranslation]:
        self.asked += requests
        out = []
        for r in requests:
            text = self.answers.get(r.source, "")
            if r.strict_terms:  # a glossary retry: the script's own correction
                text = self.answers.get("strict:" + r.source, text)
            out.append(SegmentTranslation(text))
        return out


# --- detection --------------------------------------------------------------------------------


def test_language_is_told_by_the_script_and_a_contradicting_source_is_refused() -> None:
    assert detect_language("وقعت وكالة الفضاء الأوروبية اتفاقية مع JAXA.") == "ar"
    assert detect_language("ESA signed an agreement with JAXA (جاكسا).") == "en"
    assert detect_language("2029 — 3.5") is None
    assert detect_language("Международная космическая станция") == "other"
    assert resolve_direction("The agency signed.", "a.txt") == EN_AR
    assert resolve_direction("وقعت الوكالة.", "a.txt") == AR_EN
    assert resolve_direction("The agency signed.", "a.txt", target="ar") == EN_AR
    with pytest.raises(
        TarjamaError, match=r"a\.txt: the text is Arabic, but the run translates from English"
    ):
        resolve_direction("وقعت الوكالة.", "a.txt", source="en")
    with pytest.raises(TarjamaError, match="both en; one must be ar"):
        resolve_direction("The agency.", "a.txt", source="en", target="en")
    with pytest.raises(TarjamaError, match="neither Arabic nor English"):
        resolve_direction("Международная космическая станция", "a.txt")


# --- English sentences ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Dr. Jones. They agreed.", ["Mr. Smith met Dr. Jones. ", "They agreed."]),
        (
            "The U.S. economy grew 2.5 percent. E.U. officials disagreed.",
            ["The U.S. economy grew 2.5 percent. ", "E.U. officials disagreed."],
        ),
        (
            "J. R. R. Tolkien wrote books. He died in 1973.",
            ["J. R. R. Tolkien wrote books. ", "He died in 1973."],
        ),
        (
            '"We will go," she said. "Now." Then they left.',
            ['"We will go," she said. ', '"Now." ', "Then they left."],
        ),
        (
            "Wait... what happened? Nobody knows… The end.",
            ["Wait... what happened? ", "Nobody knows… ", "The end."],
        ),
        ("First line\nSecond line. Third.", ["First line\n", "Second line. ", "Third."]),
    ],
)
def test_english_sentences_by_pysbd_partition_the_text(text: str, expected: list[str]) -> None:
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == expected
    assert "".join(text[a:b] for a, b in spans) == text


def test_arabic_keeps_its_own_splitter() -> None:
    text = "قال د. أحمد إن النسبة 2.5٪، وأضاف: نعم. ثم غادر."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "قال د. أحمد إن النسبة 2.5٪، وأضاف: نعم. ",
        "ثم غادر.",
    ]


# --- the glossary in reverse ------------------------------------------------------------------


def test_english_column_is_matched_in_english_with_case_plural_and_possessive_rules() -> None:
    g = Glossary.load(GLOSSARY)

    def found(text: str) -> list[tuple[str, str]]:
        return [(m.surface, m.entry.en) for m in g.match(text, "en")]

    assert found("JAXA's president met ESA-led teams.") == [("JAXA", "JAXA"), ("ESA", "ESA")]
    assert found("JAXAs and slim satellites") == []  # names take no plural; SLIM keeps its case
    assert found("the moon and the moons of Jupiter") == [("moon", "Moon")]  # a variant of a name
    assert found("Two low Earth orbits and ministerial meetings.") == [
        ("low Earth orbits", "low Earth orbit"),
        ("ministerial meetings", "ministerial meeting"),
    ]
    assert found("Planetary defense starts here.") == [
        ("Planetary defense", "planetary defence")
    ]  # a variant
    assert found("The Japan Aerospace Exploration Agency (JAXA)") == [
        ("Japan Aerospace Exploration Agency", "Japan Aerospace Exploration Agency"),
        ("JAXA", "JAXA"),
    ]


def test_hints_ask_for_the_first_arabic_form_and_any_form_counts() -> None:
    g = Glossary.load(GLOSSARY)
    prepared = build_requests(parse_text("Josef Aschbacher spoke about Apophis and Mars.\n"), g, EN_AR)
    (p,) = prepared
    assert [(h.source, h.target) for h in p.request.hints] == [
        ("Josef Aschbacher", "جوزيف أشباخر"),
        ("Apophis", "أبوفيس"),
        ("Mars", "المريخ"),
    ]
    assert (
        p.request.direction == EN_AR
        and p.request.key()
        != build_requests(parse_text("Josef Aschbacher spoke about Apophis and Mars.\n"), g, AR_EN)[
            0
        ].request.key()
    )
    # Any Arabic form of an entry counts: يوزف أشباخر is listed too.
    assert check_terms("تحدث يوزف أشباخر عن أبوفيس والمريخ.", p.expected) == []
    assert [t.en for t in check_terms("تحدث أشباخر عن المريخ.", p.expected)] == ["جوزيف أشباخر", "أبوفيس"]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("وصل إلى المريخ", 1),
        ("والمريخ", 1),
        ("للمريخ", 1),
        ("بالمرّيخ", 1),
        ("المـريخ", 1),
        ("المرِيخُ ثم وللمريخ", 2),
        ("مريخ", 0),
        ("المريخي", 0),
        ("المريخان", 0),
    ],
)
def test_arabic_terms_are_verified_arabic_aware(text: str, count: int) -> None:
    assert count_term(text, ArabicTerm("المريخ", "place", ("المريخ",))) == count


def test_arabic_variants_and_latin_names_inside_arabic() -> None:
    agency = ArabicTerm("وكالة الفضاء الأوروبية", "organisation", ("وكالة الفضاء الأوروبية",))
    assert count_term("ووكالة الفضاء الاوروبيه وقعت", agency) == 1  # و + alef and ta marbuta variants
    esa = ArabicTerm("ESA", "organisation", ("ESA", "إيسا"))
    assert [count_term(t, esa) for t in ("وقالت لـESA", "وإيسا", "ايسا", "ESAX")] == [1, 1, 1, 0]


def test_missing_arabic_term_is_retried_and_then_recorded() -> None:
    g = Glossary.load(GLOSSARY)
    source = "ESA and Mars."
    engine = Scripted({source: "وكالة والمرّيخ.", "strict:ESA and Mars.": "ESA, والمريخ."})
    with Translator(engine, g, checks=None, direction=EN_AR) as t:
        doc = t.translate(source)
    (s,) = doc.sentences()
    # The retried text gets Arabic punctuation too (the comma it carried over).
    assert s.translation == "ESA، والمريخ." and s.terms is not None and s.terms.missing == []
    assert s.terms.expected == ["ESA", "المريخ"] and s.terms.retried
    assert any(r.strict_terms for r in engine.asked)
    assert doc.direction == EN_AR and next(doc.records())["direction"] == "en-ar"
    assert doc.engine.params["direction"] == "en-ar"
    stubborn = Scripted({source: "وكالة الفضاء."})
    with Translator(stubborn, g, checks=None, direction=EN_AR) as t:
        (s,) = t.translate(source).sentences()
    assert s.terms is not None and s.terms.missing == ["ESA", "المريخ"]
    assert [f.check for f in s.findings] == ["terms", "terms"] and s.needs_review


def test_the_direction_is_part_of_every_key_but_ar_en_keys_stay_as_they_were() -> None:
    import hashlib
    import json

    request = TranslationRequest("ESA signed.")
    legacy = hashlib.sha256(json.dumps(["ESA signed.", []], separators=(",", ":")).encode()).hexdigest()
    assert request.key() == legacy
    assert TranslationRequest("ESA signed.", direction=EN_AR).key() != legacy


def test_an_engine_without_the_direction_is_refused_in_one_line() -> None:
    with pytest.raises(TarjamaError, match=r"scripted:script@unpinned translates ar-en, not en-ar"):
        Translator(Scripted({}, frozenset({AR_EN})), direction=EN_AR)


# --- checks into Arabic -----------------------------------------------------------------------


def errors(source: str, target: str, names: list[str] | None = None) -> list[str]:
    return [f.message for f in Checker(names).findings(source, target, (), EN_AR) if f.severity == "error"]


def test_numbers_and_dates_are_read_in_the_arabic() -> None:
    source = "The agency spent $1.5 billion on 3,200 satellites in January 2029, 40% more."
    good = [
        "أنفقت الوكالة 1.5 مليار دولار على 3,200 قمر في يناير 2029، بزيادة 40%.",
        "أنفقت الوكالة ١٫٥ مليار دولار على ٣٬٢٠٠ قمر في كانون الثاني ٢٠٢٩، بزيادة ٤٠٪.",
        "أنفقت الوكالة مليار ونصف دولار على 3200 قمر في شهر يناير من عام 2029، بزيادة 40 في المئة.",
    ]
    for target in good:
        assert errors(source, target, ["numbers"]) == [], target
    wrong = errors(
        source, "أنفقت الوكالة 1.5 مليار دولار على 3,200 قمر في فبراير 2028، بزيادة 40%.", ["numbers"]
    )
    assert wrong == [
        "month January (يناير) is missing from the Arabic",
        "number 2029 (2029) is missing from the Arabic",
        "month فبراير is not in the source",
        "number 2028 is not in the source",
    ]


def test_number_words_in_the_arabic() -> None:
    assert errors("Three men and twenty-five women.", "ثلاثة رجال وخمس وعشرون امرأة.", ["numbers"]) == []
    assert errors("Three men.", "أربعة رجال.", ["numbers"]) == [
        "number Three (3) is missing from the Arabic",
        "number أربعة is not in the source",
    ]


def test_countries_and_nisbas_both_ways() -> None:
    assert (
        errors(
            "Chinese and Mexican officials met in Japan.",
            "التقى مسؤولون صينيون ومكسيكيون في اليابان.",
            ["countries"],
        )
        == []
    )
    found = errors("Mexican officials met.", "التقى مسؤولون مغاربة مغربيون.", ["countries"])
    assert found == [
        "مغربيون: the source names no such country or nationality",
        "Mexican (مكسيكي) is missing from the Arabic",
    ]


def test_english_left_in_the_arabic_except_acronyms_and_glossary_names() -> None:
    assert (
        errors("NASA and the ESA launched LiteBIRD.", "أطلقت NASA وESA المهمة LiteBIRD.", ["untranslated"])
        == []
    )
    assert errors("The launch was delayed again.", "تم تأجيل the launch مرة أخرى.", ["untranslated"]) == [
        "English left untranslated: the launch"
    ]
    hints = [
        h
        for p in build_requests(parse_text("Gateway opens.\n"), Glossary.load(GLOSSARY), EN_AR)
        for h in p.request.hints
    ]
    assert Checker(["untranslated"]).findings("Gateway opens.", "يفتتح Gateway.", hints, EN_AR) == []


def test_length_band_into_arabic_and_no_names_check() -> None:
    source = "The agency said on Tuesday that it would launch three new missions next year."
    assert errors(source, "قالت الوكالة.", ["length"])[0].startswith("possible omission: the Arabic has")
    assert errors(source, "قالت الوكالة يوم الثلاثاء إنها ستطلق ثلاث مهام جديدة العام المقبل.") == []
    assert [c.name for c in Checker().for_direction(EN_AR)] == [
        "numbers",
        "countries",
        "length",
        "untranslated",
    ]


# --- Arabic output ----------------------------------------------------------------------------


def test_arabic_punctuation_and_no_stray_bidi_marks() -> None:
    assert (
        arabic_punctuation("\u200eقال, إن 1,000 شخص; جاءوا. لماذا?\u200f")
        == "قال، إن 1,000 شخص؛ جاءوا. لماذا؟"
    )
    assert arabic_punctuation("انظر https://x.org/?q=1 الآن") == "انظر https://x.org/?q=1 الآن"
    engine = Scripted({"Why?": "لماذا?", "Yes, now.": "نعم, الآن."})
    with Translator(engine, checks=None, direction=EN_AR) as t:
        doc = t.translate("Why? Yes, now.")
    assert doc.paragraphs[0].translation == "لماذا؟ نعم، الآن."


# --- scoring Arabic ---------------------------------------------------------------------------


def test_scoring_arabic_uses_intl_tokens_chrf_first_and_records_normalisation() -> None:
    from tarjama.api import score

    hyp, ref = ["قالت الوكالة، إن المهمة ستنطلق؟"], [["قالت الوكالة ، إن المهمة ستنطلق ؟"]]
    report = score(hyp, ref)
    assert report.corpus[0].name == "chrF2++"
    bleu = report.metric("BLEU")
    assert "tok:intl" in bleu.signature and bleu.score == pytest.approx(100.0)
    english = score(["The agency, it said?"], [["The agency , it said ?"]])
    assert "tok:13a" in english.metric("BLEU").signature and english.corpus[0].name == "BLEU"
    plain = score(["إن المهمة الأولى"], [["ان المهمه الاولي"]])
    normalised = score(["إن المهمة الأولى"], [["ان المهمه الاولي"]], normalize=True)
    assert normalised.metric("chrF2++").score == pytest.approx(100.0)
    assert plain.metric("chrF2++").score < 90
    assert all(m.signature.endswith("|norm:ar") for m in normalised.corpus)


def test_term_accuracy_into_arabic_is_arabic_aware() -> None:
    from tarjama.metrics.term_accuracy import term_accuracy

    g = Glossary.load(GLOSSARY)
    acc = term_accuracy(["ESA and JAXA reached the Moon."], ["وصلت إيسا وجاكسا إلى القمر."], g, EN_AR)
    assert (acc.correct, acc.total) == (3, 3)
    acc = term_accuracy(["ESA and JAXA reached the Moon."], ["وصلت إيسا إلى قمر."], g, EN_AR)
    assert (acc.correct, acc.total, acc.per_segment[0][2]) == (1, 3, ["JAXA", "القمر"])


# --- the embedded engine's prompt and retry ---------------------------------------------------


def test_english_to_arabic_prompt_has_its_own_instruction_and_examples() -> None:
    from tarjama.engines.gguf import prompts
    from tarjama.engines.gguf.engine import prompt_version
    from tarjama.types import TermHint

    p = prompts.build_prompt(
        "ESA signed.", (TermHint("ESA", "إيسا"),), direction=EN_AR, examples=prompts.EXAMPLES_EN_AR[:3]
    )
    assert "English-to-Arabic" in p and "Arabic-to-English" not in p
    assert p.rstrip().endswith("Glossary:\n- ESA = إيسا\n\nESA signed.<|im_end|>\n<|im_start|>assistant")
    example = prompts.EXAMPLES_EN_AR[0]
    assert f"<|im_start|>user\n{example.en}<|im_end|>" in p and f"<|im_start|>assistant\n{example.ar}" in p
    raw = prompts.build_prompt("Hi there.", direction=EN_AR, spec=prompts.PromptSpec(template="raw"))
    assert raw.endswith("English: Hi there.\nArabic:")
    # The Arabic→English prompt (and so the identity of its output) is what it was before.
    assert prompt_version() == "4feac95f6a6b" and prompt_version(None, EN_AR) != prompt_version()


def test_the_retry_into_arabic_wants_arabic_and_arabic_aware_terms() -> None:
    from tarjama.engines.gguf import retry
    from tarjama.types import TermHint

    request = TranslationRequest(
        "The European Space Agency signed a deal today.",
        (TermHint("European Space Agency", "وكالة الفضاء الأوروبية", "organisation", 4, 25),),
        direction=EN_AR,
    )
    required = retry.required_terms(request)
    assert [t.en for t in required] == ["وكالة الفضاء الأوروبية"]
    checks = retry.Checks()
    assert retry.find_issues(request, "ووقعت وكالة الفضاء الاوروبية اتفاقا اليوم.", False, checks) == []
    # English left as it is is degenerate output into Arabic (missing terms are the stages' repair).
    kinds = [i.kind for i in retry.find_issues(request, "The agency signed a deal today.", False, checks)]
    assert kinds == [retry.Kind.STILL_ENGLISH]
    plan = retry.plan_retry(request, "وقعت الوكالة اتفاقا.", [], required)
    assert plan.request.source == "The وكالة الفضاء الأوروبية signed a deal today." and plan.banned == ()


def test_glossary_lint_reports_unverifiable_arabic(tmp_path: Path) -> None:
    from tarjama.glossary.lint import lint_file

    path = tmp_path / "g.tsv"
    path.write_text(
        "ar\ten\tkind\tnote\ten_variants\nوالمريخ\tMars\tplace\t\t\nشراكتهما\tpartnership\tconcept\t\t\n"
        "أثينا\tAthens\tplace\t\t\n",
        encoding="utf-8",
    )
    found = [(f.line, f.code) for f in lint_file(path)]
    assert found == [(2, "unverifiable"), (3, "unverifiable")]
    assert not lint_file(GLOSSARY)


def test_entry_towards_a_direction() -> None:
    entry = GlossaryEntry(["أبوفيس", "أبولّو", "Apophis"], "Apophis", "place")
    assert entry.towards(AR_EN) is entry and entry.target(EN_AR) == "أبوفيس"
    term = entry.towards(EN_AR)
    assert isinstance(term, ArabicTerm) and term.forms == ("أبوفيس", "أبولّو", "Apophis")
