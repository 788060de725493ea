"""The fidelity checks (``tarjama.checks``), the repair they drive in the pipeline, and the record."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from tarjama.checks import CHECKS, Checker, errors, repair_request
from tarjama.checks.countries import CountryCheck, arabic_mentions, english_mentions, lexicon, nisbas
from tarjama.checks.length import HIGH, LOW, LengthCheck
from tarjama.checks.names import NameCheck
from tarjama.checks.numbers import NumberCheck
from tarjama.checks.units import UnitCheck
from tarjama.checks.untranslated import UntranslatedCheck
from tarjama.checks.weekdays import WeekdayCheck
from tarjama.document.model import parse_text
from tarjama.document.record import read_translation
from tarjama.engines.base import Engine, SegmentDone
from tarjama.engines.injection import model_input
from tarjama.text.names import MATCH, align_names, name_similarity, similarity
from tarjama.translate.run import Translator
from tarjama.types import (
    Confidence,
    EngineIdentity,
    Finding,
    SegmentTranslation,
    TermHint,
    TranslationRequest,
)

SEED_DECADE = "ويخطط الطرفان لإرسال مركبات هبوط مشتركة إلى المريخ في ثلاثينيات القرن الحادي والعشرين."
# The decade dropped: a repair is the only way to get it back.
FIRST = "The two sides plan to send joint landing craft to Mars in the coming decades."
GOOD = "The two sides plan to send joint landing craft to Mars in the 2030s."
# A repair that invents: two decades the source does not have.
WORSE = "The two sides plan to send joint landers to Mars in the 1980s and in the 1970s."
OTHER = "Both sides are planning to send joint landing craft to Mars in future decades."
# The decade replaced by another: the source's own is written back, with no engine call.
SWAPPED = "The two sides plan to send joint landing craft to Mars in the 1970s."


def messages(flags) -> list[str]:
    return [f.finding.message for f in flags]


def test_registry_lists_one_module_per_check() -> None:
    assert list(CHECKS) == ["numbers", "weekdays", "units", "names", "countries", "length", "untranslated"]
    assert Checker().names == list(CHECKS)
    assert Checker(["countries", "numbers"]).names == ["numbers", "countries"]


# --- numbers -------------------------------------------------------------------------------


def test_seed_decade_invented_as_1970s_is_found_with_evidence_on_both_sides() -> None:
    english = "The two sides plan to send joint landers to Mars in the 1970s."
    flags = NumberCheck().run(SEED_DECADE, english)
    assert len(flags) == 2
    missing, added = flags
    assert SEED_DECADE[slice(*missing.finding.source)] == "ثلاثينيات القرن الحادي والعشرين"
    assert "2030s" in missing.finding.message and missing.finding.severity == "error"
    assert english[slice(*added.finding.target)] == "1970s"
    # The fix writes the decade into the model's input and tells an LLM what the Arabic says.
    assert missing.fix is not None and missing.fix.hint is not None and missing.fix.hint.target == "2030s"
    assert "2030s" in missing.fix.note and "1970s" in missing.fix.note
    assert NumberCheck().run(SEED_DECADE, "They plan joint Mars landers in the 2030s.") == []


def test_numbers_both_month_series_and_hijri() -> None:
    check = NumberCheck()
    assert check.run("وقعت الاتفاقية في 20 تشرين الثاني.", "It was signed on 20 November.") == []
    assert check.run("وقعت الاتفاقية في 20 نوفمبر.", "It was signed on November 20.") == []
    assert messages(check.run("وصل في كانون الثاني.", "He arrived in February."))[0].startswith(
        "month January"
    )
    assert check.run("يبدأ شهر رمضان غدا.", "The month of Ramadan starts tomorrow.") == []


def test_a_number_written_in_groups_and_multiples_in_words() -> None:
    check = NumberCheck()
    # ntrex-dev: a phone number grouped in the English, joined in the Arabic.
    assert check.run("اتصل بالرقم 116123 مجانًا.", "Call 116 123 free of charge.") == []
    assert messages(check.run("اتصل بالرقم 116123 مجانًا.", "Call 116 124 free of charge."))[0].startswith(
        "number 116123"
    )
    # "tripled" supports ثلاث (ثلاث مرات), as "twice" supports two.
    assert check.run("وتضاعف عدد المشاهدين ثلاث مرات.", "The audience nearly tripled.") == []


def test_glossary_english_supports_its_numbers() -> None:
    hint = TermHint("القمر الصناعي", "CX-4 satellite", "name", 0, 13)
    assert NumberCheck().run("القمر الصناعي جاهز.", "The CX-4 satellite is ready.", [hint]) == []


# --- weekdays, units, currencies and percentages ---------------------------------------------


def test_weekdays_both_ways_and_the_swap_is_rewritten() -> None:
    check = WeekdayCheck()
    source = "وقع الانفجار يوم الأحد في مستودع الذخيرة."
    assert check.run(source, "The explosion happened on Sunday at the ammunition depot.") == []
    flags = check.run(source, "The explosion happened on Monday at the ammunition depot.")
    assert messages(flags) == [
        "weekday Sunday (الأحد) is missing from the English",
        "weekday Monday is not in the source",
    ]
    english = "The explosion happened on Monday at the ammunition depot."
    assert flags[0].fix is not None and flags[0].fix.rewrite == (
        (english.index("Monday"), english.index("Monday") + 6),
        "Sunday",
    )
    # الأحد and الاثنين are also "the one" and "the two": without يوم they only support.
    assert check.run("قال أحد المسؤولين إن الاثنين وصلا.", "One official said the two had arrived.") == []
    assert check.run("وصل الوفد الخميس.", "The delegation arrived on Thursday.") == []
    assert check.run("عمل لمدة يوم واحد.", "He worked for one day.") == []  # يوم واحد is no Sunday
    # A weekday that starts a name is not a date.
    assert check.run("ظهر في برنامج ساترداي نايت لايف.", "He appeared on Saturday Night Live.") == []


def test_a_weekday_written_together_with_the_words_around_it() -> None:
    """يومالأحد in a source that runs its words together is Sunday, and a sure one."""
    check = WeekdayCheck()
    source = "أعلنالوزيريومالأحدأنه سيستقيل."
    assert check.run(source, "The minister announced on Sunday that he would resign.") == []
    assert messages(check.run(source, "The minister announced that he would resign.")) == [
        "weekday Sunday (الأحد) is missing from the English"
    ]


def test_a_percentage_states_a_fraction() -> None:
    """"50 percent" says النصف and 25 في المئة "a quarter": no number or per cent is invented."""
    numbers, units = NumberCheck(), UnitCheck()
    source = "يجب أن تتجاوز نسبة المشاركة النصف."
    for english in ("Turnout must exceed 50 percent.", "Turnout must exceed 50%."):
        assert numbers.run(source, english) == [] and units.run(source, english) == []
    wrong = "Turnout must exceed 40 percent."
    assert messages(numbers.run(source, wrong)) == [
        "number 0.5 (النصف) is missing from the English",
        "number 40 is not in the source",
    ]
    assert messages(units.run(source, wrong)) == ["percent: the source counts in no per cent"]
    quarter = "بلغت نسبة المشاركة 25 في المئة."
    assert numbers.run(quarter, "Turnout reached a quarter.") == []
    assert units.run(quarter, "Turnout reached a quarter.") == []
    assert messages(units.run(quarter, "Turnout reached a third.")) == [
        "per cent (في المئة) is missing from the English"
    ]
    # 100 per cent is no "one".
    assert messages(numbers.run("وصل رجل واحد.", "100 percent came.")) == ["number 100 is not in the source"]


def test_currencies_units_and_percentages() -> None:
    check = UnitCheck()
    source = "خصصت الحكومة 5 مليارات يورو لبناء طريق طوله 800 كيلومتر، أي 40 في المئة من الميزانية."
    good = "The government allocated 5 billion euros for an 800-kilometre road, 40 percent of the budget."
    assert check.run(source, good) == []
    dollars = good.replace("5 billion euros", "$5 billion")
    flags = check.run(source, dollars)
    assert messages(flags) == ["euro (يورو) is missing from the English", "$: the source counts in no dollar"]
    assert flags[0].fix is not None and flags[0].fix.rewrite == (
        (dollars.index("$"), dollars.index("$") + 1),
        "€",
    )
    miles = good.replace("800-kilometre", "800-mile")
    assert messages(check.run(source, miles)) == ["kilometre (كيلومتر) is missing from the English"]
    points = good.replace("40 percent", "40 points")
    assert messages(check.run(source, points)) == ["per cent (في المئة) is missing from the English"]
    # A measure the English adds (a conversion) is no error; money and per cent are.
    assert check.run("المسافة 300 كم.", "The distance is 300 km (190 miles).") == []
    assert check.run("وزنه 550 رطلاً.", "It weighs 550 pounds.") == []  # the pound as a weight


# --- names ---------------------------------------------------------------------------------


def test_latin_names_must_be_kept() -> None:
    source = "وقعت ESA اتفاقية مع JAXA."
    flags = NameCheck().run(source, "The agency signed an agreement with JAXA.")
    assert messages(flags) == ["name ESA is missing from the English"]
    assert source[slice(*flags[0].finding.source)] == "ESA"
    assert flags[0].fix is not None and flags[0].fix.hint == TermHint("ESA", "ESA", "name", 5, 8)
    assert NameCheck().run(source, "esa signed an agreement with JAXA.") == []  # case aside


def test_transliterated_names_are_accounted_for() -> None:
    check = NameCheck()
    # Consonant skeletons (هاكامادا ~ Hakamada), clitics (لترامب), a Latin word of the source.
    assert check.run("وقال هاكامادا إن الفريق مستعد.", "Hakamada said the team was ready.") == []
    trump = check.run("وأكد المتحدث لترامب أن الاتفاق قائم.", "The spokesman assured Trump the deal stands.")
    assert trump == []
    assert check.run("وصلت بعثة من ispace.", "A team from ispace arrived.") == []
    # Ordinary English capitalised at the start, a title, a month: not names.
    assert check.run("وصل الوفد في نوفمبر.", "Officials said the delegation arrived in November.") == []
    # The romanizer's candidates support what skeletons alone cannot (جوزيف ~ Joseph).
    assert check.run("صرح جوزيف أشباخر للصحفيين.", "Joseph Aschbacher told reporters.") == []


def test_an_invented_place_is_an_error_with_nothing_in_the_source() -> None:
    # The source names Jeddah; the English another city.
    (flag,) = NameCheck().run("زار الرئيس جدة أمس.", "The president visited Riyadh yesterday.")
    assert flag.finding.severity == "error" and flag.finding.source is None
    assert "Riyadh" in flag.finding.message and flag.finding.suggestion is None
    assert flag.fix is not None and flag.fix.avoid == ("Riyadh",) and "names no Riyadh" in flag.fix.note
    assert NameCheck().run("زار الرئيس الرياض أمس.", "The president visited Riyadh yesterday.") == []


def test_a_garbled_name_points_at_its_arabic_and_suggests_a_spelling() -> None:
    source = "سجل كريستيانو رونالدو هدفين."
    english = "Cristiano Rolando scored two goals."
    (flag,) = NameCheck().run(source, english)
    finding = flag.finding
    assert english[slice(*finding.target)] == "Rolando" and finding.severity == "error"
    assert source[slice(*finding.source)] == "رونالدو" and finding.suggestion == "Ronaldo"
    # The repair writes the suggestion into the model's input in place of the Arabic word.
    assert flag.fix is not None and flag.fix.hint is not None and flag.fix.avoid == ("Rolando",)
    assert (flag.fix.hint.source, flag.fix.hint.target) == ("رونالدو", "Ronaldo")
    # The suggestion travels with the finding (JSON), and records without one read as before.
    assert Finding.from_dict(finding.to_dict()) == finding
    plain = Finding("numbers", "x")
    assert "suggestion" not in plain.to_dict() and Finding.from_dict(plain.to_dict()) == plain


def test_letters_arabic_writes_as_two_or_reads_otherwise() -> None:
    """English "ch", Pinyin "zh" and German "z" are تش/تس in Arabic; ق writes a foreign "g"."""
    pairs = [
        ("قال تشن إن الاتفاق قائم.", "Chen said the deal stands.", "Chen"),
        ("نشرت صحيفة دي تسايت تقريرا.", "Die Zeit published a report.", "Zeit"),
        ("وصل الوفد إلى قوانغتشو أمس.", "The delegation reached Guangzhou yesterday.", "Guangzhou"),
        ("ألقى معمر القذافي خطابا.", "Muammar Gaddafi gave a speech.", "Gaddafi"),
    ]
    for source, english, name in pairs:
        (match,) = [m for m in align_names(source, english, transliterate=False) if m.token.text == name]
        assert match.how == "skeleton", name
    # A transliteration candidate is compared with "z" read as "ts" too.
    assert similarity("Zeit", "Tassait") < MATCH <= name_similarity("Zeit", "Tassait")
    # These readings match only exactly: Munich read as "Munits" is not لمدة ساعة with a slack.
    (flag,) = NameCheck().run("توقف الإنتاج لمدة ساعة.", "Production in Munich stopped for an hour.")
    assert "Munich" in flag.finding.message


def test_one_word_takes_one_place_among_those_transliterated() -> None:
    """The readings of وبقاياه (with ق read as "g": Baja's consonants) must not crowd out باخا."""
    source = "ويكون الخطر من العاصفة وبقاياه هو المطر على باخا."
    assert NameCheck().run(source, "The hazard from the storm and its remnants is rain over Baja.") == []


def test_a_name_inside_words_written_together() -> None:
    """A source that runs two words together (غايغرإن = غايغر إن) still accounts for the name."""
    check = NameCheck()
    assert check.run("قال غايغرإن الجهاز يعمل في مختبره.", "Geiger said the device works in his lab.") == []
    assert check.run("قال كافانوعندها إنه بريء.", "Kavanaugh then said that he is innocent.") == []
    # The part must still be the name: another one glued to إن is no support, and a part is
    # matched exactly (دوغان, the end of أردوغان, is no support for a garbled Eldogan).
    (flag,) = check.run("قال مولرإن الجهاز يعمل في مختبره.", "Geiger said the device works in his lab.")
    assert "Geiger" in flag.finding.message
    (flag,) = check.run("قال الرئيس أردوغان إن الاتفاق قائم.", "President Eldogan said the deal stands.")
    assert "Eldogan" in flag.finding.message
    # A short name would find a part of some long word by chance: Sulu is not سولاوسي.
    (flag,) = check.run("ضرب الزلزال جزيرة سولاوسي.", "The earthquake hit the island of Sulu.")
    assert "Sulu" in flag.finding.message


def test_names_english_translates_rather_than_transliterates() -> None:
    check = NameCheck()
    assert check.run("يقول الإنجيل إن المحبة تصبر.", "The Bible says that love is patient.") == []
    assert check.run("وصل الوفد إلى القدس.", "The delegation arrived in Jerusalem.") == []
    (flag,) = check.run("يقول الكاتب إن المحبة تصبر.", "The Bible says that love is patient.")
    assert "Bible" in flag.finding.message


# --- countries -----------------------------------------------------------------------------


def test_country_names_come_from_cldr_and_nisbas_are_derived() -> None:
    lex = lexicon()
    assert "CN" in lex.english["China"] and "CN" in lex.english["Chinese"]
    assert "CN" in lex.arabic["الصين"]
    assert nisbas("الصين")[:4] == ["صيني", "صينية", "صينيون", "صينيين"]
    assert nisbas("روسيا")[0] == "روسي" and nisbas("السعودية")[0] == "سعودي"
    assert nisbas("جنوب السودان") == []  # جنوبي is "southern"


def test_countries_with_clitics() -> None:
    found = {
        m.text: set(m.codes) for m in arabic_mentions("وقعت والصين وللصينيين وبالكويت والألمانية اتفاقا")
    }
    assert found == {"الصين": {"CN"}, "صينيين": {"CN"}, "الكويت": {"KW"}, "الألمانية": {"DE"}}
    assert [m.text for m in english_mentions("Michael Jordan visited Kuwait's Latin America office")] == [
        "Kuwait"
    ]


def test_seed_chinese_company_is_an_invented_nationality() -> None:
    source = "وستطلق شركة ispace مركبة هبوط إلى القمر."
    english = "ispace, a Chinese company, will launch a lander to the Moon."
    flags = CountryCheck().run(source, english)
    assert messages(flags) == ["Chinese: the source names no such country or nationality"]
    assert english[slice(*flags[0].finding.target)] == "Chinese"
    assert flags[0].fix is not None and flags[0].fix.avoid == ("Chinese",)
    assert CountryCheck().run("وستطلق شركة صينية مركبة.", "A Chinese company will launch a lander.") == []


def test_countries_inside_words_written_together() -> None:
    # ntrex-dev has sources whose words run together: the country is found inside them.
    source = "زاربومبيوكورياالشماليةثلاثمراتمسبقًاهذاالعام."
    assert CountryCheck().run(source, "Pompeo has visited North Korea three times already this year.") == []
    flags = CountryCheck().run(source, "Pompeo has visited South Africa three times already this year.")
    assert messages(flags) == ["South Africa: the source names no such country or nationality"]


def test_a_country_the_source_spells_otherwise_is_no_invention() -> None:
    """Not CLDR's spelling (ميكرونيزيا, فلبينية) or inside a transliterated name: same consonants."""
    check = CountryCheck()
    assert check.run("تحطمت طائرة قرب ميكرونيسيا.", "A plane crashed near Micronesia.") == []
    assert check.run("وظفت الأسرة مربية فليبينية.", "The family hired a Filipino nanny.") == []
    assert check.run("نشرت صحيفة تشاينا ديلي الخبر.", "The China Daily published the story.") == []
    # A word written without vowel letters is an Arabic word, not a transliteration: ترك "left".
    assert messages(check.run("ترك الوزير منصبه.", "The minister left Turkey.")) == [
        "Turkey: the source names no such country or nationality"
    ]
    # A name with the same consonants is not the country: نوجرو (Nugroho) garbled into Nigeria.
    assert messages(check.run("قال نوجرو إن الموج جرف المنازل.", "Nigeria said the waves hit houses.")) == [
        "Nigeria: the source names no such country or nationality"
    ]
    # Nor is the article part of a transliteration: الإضافة ("the addition") is not Latvia.
    assert messages(check.run("وصل الوفد بالإضافة إلى الوزير.", "The delegation reached Latvia.")) == [
        "Latvia: the source names no such country or nationality"
    ]


def test_a_country_named_by_its_three_letter_code() -> None:
    """PNG answers بابوا غينيا الجديدة; a code never counts as a country the source lacks."""
    check = CountryCheck()
    source = "سقطت طائرة مسجلة في بابوا غينيا الجديدة."
    assert check.run(source, "A PNG-registered plane crashed.") == []
    assert messages(check.run(source, "A locally registered plane crashed.")) == [
        "بابوا غينيا الجديدة (Papua New Guinea) is missing from the English"
    ]
    assert check.run("سقطت طائرة.", "A PNG-registered plane crashed.") == []


def test_a_country_of_the_source_missing_from_the_english() -> None:
    flags = CountryCheck().run("وزار الوزير اليابان أمس.", "The minister visited yesterday.")
    assert messages(flags) == ["اليابان (Japan) is missing from the English"]
    assert flags[0].fix is not None and flags[0].fix.hint is not None and flags[0].fix.hint.target == "Japan"


def test_a_source_naming_one_country_and_an_english_naming_another() -> None:
    """Japan in the Arabic, China in the English: both sides are reported, each where it stands."""
    source, english = "وزار الوزير اليابان أمس.", "The minister visited China yesterday."
    flags = CountryCheck().run(source, english)
    assert messages(flags) == [
        "China: the source names no such country or nationality",
        "اليابان (Japan) is missing from the English",
    ]
    assert english[slice(*flags[0].finding.target)] == "China"
    assert source[slice(*flags[1].finding.source)] == "اليابان"
    assert all(f.finding.severity == "error" for f in flags)
    # A nationality against another country's name, too.
    japanese = CountryCheck().run("وقعت شركة يابانية العقد.", "A Chinese company signed the contract.")
    assert messages(japanese) == [
        "Chinese: the source names no such country or nationality",
        "يابانية (Japanese) is missing from the English",
    ]
    assert CountryCheck().run(source, "The minister visited Japan yesterday.") == []


def test_glossary_english_is_not_an_invented_country() -> None:
    hint = TermHint("جاكسا", "Japan Aerospace Exploration Agency", "org", 5, 10)
    flags = CountryCheck().run(
        "وقعت جاكسا اتفاقا.", "The Japan Aerospace Exploration Agency signed a deal.", [hint]
    )
    assert flags == []


# --- length and untranslated text ----------------------------------------------------------


def test_length_band() -> None:
    source = "أعلنت وزارة الصحة يوم الثلاثاء عن افتتاح ثلاثة مستشفيات جديدة في المنطقة الشمالية."
    good = "The Ministry of Health announced on Tuesday the opening of three new hospitals in the north."
    assert LengthCheck().run(source, good) == []
    short = LengthCheck().run(source, "The ministry spoke.")
    assert short and "omission" in short[0].finding.message and short[0].finding.severity == "error"
    long = LengthCheck().run(source, good + " " + good)
    assert long and "addition" in long[0].finding.message
    assert LengthCheck().run("نعم.", "Yes, indeed, certainly, absolutely.") == []  # short sources
    assert 0 < LOW < 1 < HIGH


def test_untranslated_arabic_left_in_the_english() -> None:
    source = "وصل المسبار إلى المدار."
    flags = UntranslatedCheck().run(source, "The probe reached المدار today.")
    assert messages(flags) == ["Arabic left untranslated: المدار"]
    assert source[slice(*flags[0].finding.source)] == "المدار"
    assert UntranslatedCheck().run(source, "The probe reached orbit.") == []


# --- repair requests -------------------------------------------------------------------------


def test_repair_request_carries_hints_notes_and_words_to_avoid() -> None:
    request = TranslationRequest(SEED_DECADE)
    flags = Checker(["numbers"]).run(SEED_DECADE, "Joint Mars landers are planned for the 1970s.")
    repaired = repair_request(request, flags)
    assert repaired.strict_terms
    assert any("2030s" in n for n in repaired.notes)
    # Every engine sees the decade written in English in its input.
    assert "2030s" in model_input(repaired) and "ثلاثينيات" not in model_input(repaired)
    chinese = Checker(["countries"]).run("شركة ispace", "ispace, a Chinese company")
    assert repair_request(TranslationRequest("شركة ispace"), chinese).avoid == ("Chinese",)
    # Constraints are part of the request's key, so a repair is never mistaken for the plain job.
    assert repaired.key() != request.key()


# --- the pipeline's checks stage -----------------------------------------------------------


class Scripted(Engine):
    """First call: ``first``; a repair (a request with notes): ``second`` — unless it has the hint."""

    name = "scripted"

    def __init__(self, first: str, second: str, confidence: tuple[float, float] = (-0.5, -0.2)) -> None:
        self.first, self.second, self.conf = first, second, confidence
        self.requests: list[TranslationRequest] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("scripted", "table")

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        self.requests += requests
        out = []
        for r in requests:
            text = self.second if r.notes else self.first
            conf = Confidence(self.conf[1] if r.notes else self.conf[0], -3.0, 5)
            out.append(SegmentTranslation(text, [], 0.01, conf))
        return out


def test_a_flagged_sentence_is_repaired_once_with_the_finding_as_a_constraint() -> None:
    engine = Scripted(FIRST, GOOD)
    result = Translator(engine, checks=Checker()).translate_document(parse_text(SEED_DECADE + "\n"))
    (sentence,) = result.sentences()
    assert sentence.translation == GOOD
    assert sentence.findings == [] and not sentence.needs_review
    assert any(n.startswith("repaired after checks") for n in sentence.notes)
    assert len(engine.requests) == 2
    assert "2030s" in model_input(engine.requests[1]) and engine.requests[1].notes
    assert sentence.confidence == Confidence(-0.2, -3.0, 5)
    assert result.engine.params["checks"] == Checker().describe()


def test_what_a_repair_cannot_fix_is_flagged_for_review_and_kept() -> None:
    engine = Scripted(FIRST, WORSE)
    result = Translator(engine, checks=Checker()).translate_document(parse_text(SEED_DECADE + "\n"))
    (sentence,) = result.sentences()
    assert sentence.translation == FIRST  # a repair that adds errors is never kept
    assert sentence.needs_review
    assert {f.check for f in sentence.findings} == {"numbers"}
    kept = next(n for n in sentence.notes if "the first translation was kept" in n)
    assert "the repair was not kept: it adds 1970s, 1980s" in kept
    record = json.loads(result.jsonl())
    (out,) = record["sentences"]
    assert out["needs_review"] is True and out["checks"][0]["check"] == "numbers"
    assert out["confidence"] == {"mean": -0.5, "min": -3.0, "tokens": 5}
    assert result.metadata()["needs_review"] == 1


def test_ties_keep_the_first_translation_and_confidence_breaks_them() -> None:
    # Same findings both times: the higher confidence wins.
    engine = Scripted(FIRST, OTHER, confidence=(-0.9, -0.1))
    (s,) = Translator(engine, checks=Checker()).translate_document(parse_text(SEED_DECADE + "\n")).sentences()
    assert s.translation == OTHER and s.needs_review
    engine = Scripted(FIRST, OTHER, confidence=(-0.1, -0.9))
    (s,) = Translator(engine, checks=Checker()).translate_document(parse_text(SEED_DECADE + "\n")).sentences()
    assert s.translation == FIRST


def test_no_checks_means_no_repair_and_no_findings() -> None:
    engine = Scripted(FIRST, GOOD)
    result = Translator(engine, checks=None).translate_document(parse_text(SEED_DECADE + "\n"))
    (sentence,) = result.sentences()
    assert sentence.translation == FIRST
    assert sentence.findings == [] and not sentence.needs_review and len(engine.requests) == 1
    assert "checks" not in result.engine.params


def test_checked_output_round_trips_through_the_jsonl_reader(tmp_path) -> None:
    engine = Scripted(FIRST, WORSE)
    result = Translator(engine, checks=Checker()).translate_document(parse_text(SEED_DECADE + "\n"))
    path = tmp_path / "out.jsonl"
    path.write_text(result.jsonl(), encoding="utf-8")
    (sentence,) = read_translation(path).paragraphs[0].sentences
    assert sentence.needs_review and sentence.findings == result.sentences()[0].findings
    assert sentence.confidence == result.sentences()[0].confidence


def test_journal_keeps_findings_and_confidence(tmp_path) -> None:
    engine = Scripted(FIRST, WORSE)
    journal = tmp_path / "journal"
    translator = Translator(engine, checks=Checker())
    first = translator.translate_document(parse_text(SEED_DECADE + "\n"), journal=journal)
    again = translator.translate_document(parse_text(SEED_DECADE + "\n"), journal=journal)
    assert len(engine.requests) == 2  # the second run resumed from the journal
    assert again.sentences()[0].findings == first.sentences()[0].findings
    assert again.sentences()[0].confidence == first.sentences()[0].confidence
    # Unchecked output has another identity, so it is never taken from a checked journal.
    Translator(engine, checks=None).translate_document(parse_text(SEED_DECADE + "\n"), journal=journal)
    assert len(engine.requests) == 3


@pytest.mark.parametrize("name", list(CHECKS))
def test_every_check_is_quiet_on_a_faithful_translation(name: str) -> None:
    source = "وقعت وكالة الفضاء اليابانية (JAXA) اتفاقية مع الصين في 20 نوفمبر 2023 بقيمة 1.2 مليار دولار."
    english = (
        "The Japanese space agency (JAXA) signed an agreement with China on 20 November 2023 worth "
        "$1.2 billion."
    )
    assert errors(CHECKS[name]().run(source, english)) == []


def test_an_engine_that_reads_no_notes_is_not_asked_again_for_nothing() -> None:
    # A length finding has only a note; an engine without a prompt would decode the same again.
    engine = Scripted("Mars.", "Mars.")
    translator = Translator(engine, checks=Checker(["length"]))
    (s,) = translator.translate_document(parse_text(SEED_DECADE + "\n")).sentences()
    assert len(engine.requests) == 1 and s.needs_review
    assert "not repaired: the engine cannot be told more than it was" in s.notes

    class Instructed(Scripted):
        follows_notes = True

    engine = Instructed("Mars.", GOOD)
    translator = Translator(engine, checks=Checker(["length"]))
    (s,) = translator.translate_document(parse_text(SEED_DECADE + "\n")).sentences()
    assert len(engine.requests) == 2 and s.translation == GOOD and not s.needs_review


# --- a repair never invents ------------------------------------------------------------------


def test_a_decade_put_in_place_of_the_sources_is_rewritten_without_an_engine_call() -> None:
    engine = Scripted(SWAPPED, WORSE)
    (s,) = Translator(engine, checks=Checker()).translate_document(parse_text(SEED_DECADE + "\n")).sentences()
    assert s.translation == GOOD and s.findings == []
    assert len(engine.requests) == 1
    assert "rewritten from the source: 1970s → 2030s" in s.notes


ISPACE = "أعلنت شركة ispace اليابانية عن خطط لاستكشاف القمر، التي لها وجود أوروبي."


def test_the_seeds_ispace_sentence_ends_with_no_nationality_the_source_lacks() -> None:
    # The first translation names the company Chinese; the repair invents "American" for European.
    first = "The Chinese company ispace announced plans to explore the Moon, which has a European presence."
    repair = "The Japanese company ispace plans to explore the Moon, which has an American presence."
    engine = Scripted(first, repair)
    (s,) = Translator(engine, checks=Checker()).translate_document(parse_text(ISPACE + "\n")).sentences()
    assert "American" not in s.translation and "Chinese" not in s.translation
    assert s.translation == first.replace("Chinese", "Japanese") and s.findings == []
    assert "rewritten from the source: Chinese → Japanese" in s.notes
    # The rewrite fixed everything: the engine was not asked again.
    assert len(engine.requests) == 1


def test_a_repair_that_invents_a_nationality_is_not_kept() -> None:
    # Nothing to rewrite from (the source names no country): the repair is asked for, adds one.
    source = "أعلنت الشركة عن خطط لاستكشاف القمر."
    first = "The company announced plans to explore the Moon with Chinese partners."
    engine = Scripted(first, "The American company announced plans to explore the Moon.")
    (s,) = Translator(engine, checks=Checker()).translate_document(parse_text(source + "\n")).sentences()
    assert len(engine.requests) == 2 and s.translation == first and s.needs_review
    assert any("the repair was not kept: it adds American" in n for n in s.notes)


def test_no_repair_leaves_a_word_in_two_spellings() -> None:
    source = "وقعت الاتفاقية في 4 أغسطس 2013."
    first = "The agreement was signed on 4 2013."
    doubled = "The agreement was signed on 4 August/Agust 2013."
    numbers = Checker(["numbers"])
    engine = Scripted(first, doubled)
    (s,) = Translator(engine, checks=numbers).translate_document(parse_text(source + "\n")).sentences()
    assert "/" not in s.translation and s.needs_review
    assert any("a word written in two spellings" in n for n in s.notes)
    engine = Scripted(first, "The agreement was signed on 4 August 2013.")
    (s,) = Translator(engine, checks=numbers).translate_document(parse_text(source + "\n")).sentences()
    assert s.translation == "The agreement was signed on 4 August 2013." and not s.needs_review


# --- one spelling per name -------------------------------------------------------------------

HAKAMADA = "وقال هاكامادا إن الفريق مستعد.\n\nوأضاف هاكامادا أن الإطلاق سيتم قريبا.\n"


class Table(Engine):
    """Translates by a table of source → English."""

    name = "table"

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.requests: list[TranslationRequest] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("table", "t")

    def translate(self, requests, *, done=None):
        self.requests += requests
        return [SegmentTranslation(self.table[r.source]) for r in requests]


SPELT = {
    "وقال هاكامادا إن الفريق مستعد.": "Hakamada said the team was ready.",
    "وأضاف هاكامادا أن الإطلاق سيتم قريبا.": "Hakameda added that the launch would come soon.",
}


def test_a_name_is_spelt_one_way_in_a_document() -> None:
    result = Translator(Table(SPELT), checks=Checker()).translate_document(parse_text(HAKAMADA))
    first, second = result.sentences()
    assert first.translation == "Hakamada said the team was ready."
    assert second.translation == "Hakamada added that the launch would come soon."
    assert "name spelt as in an earlier sentence: Hakameda → Hakamada" in second.notes
    # Without the names check the run changes nothing.
    plain = Translator(Table(SPELT), checks=Checker(["numbers"])).translate_document(parse_text(HAKAMADA))
    assert plain.sentences()[1].translation.startswith("Hakameda")


def test_across_a_batch_only_when_asked() -> None:
    docs = ["وقال هاكامادا إن الفريق مستعد.\n", "وأضاف هاكامادا أن الإطلاق سيتم قريبا.\n"]
    apart = Translator(Table(SPELT), checks=Checker()).translate_batch(docs)
    assert apart[1].sentences()[0].translation.startswith("Hakameda")
    together = Translator(Table(SPELT), checks=Checker(), consistent_names="run").translate_batch(docs)
    assert together[1].sentences()[0].translation.startswith("Hakamada")


def test_in_a_run_a_later_document_gets_the_spelling_as_a_hint() -> None:
    docs = ["وقال هاكامادا إن الفريق مستعد.\n", "وأضاف هاكامادا أن الإطلاق سيتم قريبا.\n"]
    engine = Table(SPELT)
    Translator(engine, checks=Checker(), consistent_names="run", batch_size=1).translate_batch(docs)
    first, second = engine.requests
    assert first.hints == ()
    (hint,) = second.hints
    assert (hint.source, hint.target, hint.kind) == ("هاكامادا", "Hakamada", "name")
    assert second.source[hint.start : hint.end] == "هاكامادا"


def test_an_approved_spelling_wins(tmp_path) -> None:
    from tarjama.memory.store import Approval, TranslationMemory
    from tarjama.translate.run import Job

    translator = Translator(Table(SPELT), checks=Checker())
    prepared = translator.prepare(parse_text(HAKAMADA))
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    memory.scope(None, None)
    request = prepared[1].request
    text = "Hakamadah added that the launch would come soon."
    memory.approve(request, Approval(request.key(), request.source, text, "amal", 0.0))
    (job,) = translator.translate_jobs([Job(prepared)], memory=memory)
    memory.close()
    first, second = job.results
    assert second.origin == "human" and second.text.startswith("Hakamadah")
    assert first.text == "Hakamadah said the team was ready."
