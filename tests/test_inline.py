"""Inline markup as placeholders: Markdown scanning, sentences, validation, rendering."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarjama.document import inline
from tarjama.document.markdown import inline_pieces
from tarjama.document.model import parse_text, rebuild_paragraph


def requests(text: str) -> list[str]:
    return [s.request_text for _p, s in parse_text(text, "md").sentences()]


def test_a_link_sentence_is_one_request_and_its_target_never_goes_out() -> None:
    doc = parse_text('اقرأ [البيان الكامل](https://esa.int/a?b=1 "عنوان") على موقع الوكالة.', "md")
    (seg,) = [s for _p, s in doc.sentences()]
    assert seg.request_text == "اقرأ <g1>البيان الكامل</g1> على موقع الوكالة."
    assert seg.plain == "اقرأ البيان الكامل على موقع الوكالة."
    assert seg.render("Read <g1>the full statement</g1> on the agency's website.") == (
        'Read [the full statement](https://esa.int/a?b=1 "عنوان") on the agency\'s website.'
    )


def test_markdown_markup_kinds() -> None:
    assert requests("**وكالة الفضاء** و*مُعززة* و~~قديم~~ و***كلاهما***.") == [
        "<g1>وكالة الفضاء</g1> و<g2>مُعززة</g2> و<g3>قديم</g3> و<g4><g5>كلاهما</g5></g4>."
    ]
    # Code, autolinks, bare URLs and images: standalone or paired, never their targets.
    assert requests(
        "شغّل `run --fast` وزر <https://jaxa.jp> أو https://x.org/a_b. ثم ![صورة](m.png) هنا[^1] الآن."
    ) == [
        "شغّل <x1/> وزر <x2/> أو <x3/>.",
        "ثم <g1>صورة</g1> هنا<x2/> الآن.",
    ]
    assert requests('نص <span class="x">ملون</span> وسطر<br>آخر.') == ["نص <g1>ملون</g1> وسطر<x2/>آخر."]


def test_commonmark_emphasis_rules() -> None:
    # Intraword underscores are not emphasis (snake_case), unmatched delimiters are text,
    # and a space inside the delimiters means no emphasis at all.
    assert requests("اسم snake_case_name هنا.") == ["اسم snake_case_name هنا."]
    assert requests("نجمة * وحيدة و** مفتوحة.") == ["نجمة * وحيدة و** مفتوحة."]
    # Markup around a whole sentence is peeled off: the engine reads what is inside.
    assert requests("*ا **ب** ج*") == ["ا <g1>ب</g1> ج"]


def test_a_pair_cut_by_a_sentence_boundary_is_a_pair_in_each_sentence() -> None:
    doc = parse_text("**جملة أولى. جملة ثانية.** بعدها.", "md")
    segs = [s for _p, s in doc.sentences()]
    # Each part wraps its whole sentence, so it is peeled off and the engine reads plain text.
    assert [s.request_text for s in segs] == ["جملة أولى.", "جملة ثانية.", "بعدها."]
    out = rebuild_paragraph(
        doc.paragraphs[0], lambda s: s.render({0: "First.", 1: "Second.", 2: "After."}[s.index])
    )
    assert out == "**First. Second.** After."


def test_crossing_markup_is_kept_as_standalone_marks() -> None:
    pieces = inline.well_nested(inline_pieces("<b>*</b>ا*"))
    assert [p.role for p in pieces if p.role != "text"] == ["open", "atom", "close", "atom"]
    (seg,) = [s for _p, s in parse_text("نص <b>مهم *جدا</b> هنا* الآن.", "md").sentences()]
    assert seg.request_text == "نص <g1>مهم <x2/>جدا</g1> هنا<x3/> الآن."
    assert seg.render(seg.request_text) == seg.content


def test_table_cells_are_translated_one_by_one() -> None:
    doc = parse_text("| الاسم | القيمة |\n|---|:--:|\n| ليت بيرد | `x` |\n", "md")
    assert [s.request_text for _p, s in doc.sentences()] == ["الاسم", "القيمة", "ليت بيرد"]
    out = rebuild_paragraph(doc.paragraphs[0], lambda s: "T")
    assert out == "| T | T |\n|---|:--:|\n| T | `x` |"


def test_problems_name_every_way_a_translation_breaks_placeholders() -> None:
    source = "أ <g1>ب <g2>ج</g2></g1> د <x3/>."
    assert inline.problems(source, "A <g1>B <g2>C</g2></g1> D <x3/>.") == {}
    assert inline.problems(source, "A <g1>B</g1> <g2>C</g2> D <x3/>.") == {
        2: "nested differently from the source"
    }
    assert inline.problems(source, "A <g1>B <g2>C</g2></g1> D.") == {3: "missing"}
    assert inline.problems(source, "A <g1>B <g2>C</g2></g1> <x3/> D <x3/>.") == {3: "appears more than once"}
    assert inline.problems(source, "A <g1>B <g2>C</g1></g2> D <x3/>.")[1] == "closed out of order"
    assert inline.problems(source, "A <g1></g1> <g2>C</g2> D <x3/>.")[1] == "lost the text it held"
    assert inline.problems(source, "A <g1>B <g2>C</g2></g1> D <x3/> <g9>x</g9>.") == {9: "not in the source"}
    assert inline.problems(source, "A <g1/>B <g2>C</g2> D <x3/>.")[1] == "written as the wrong kind of tag"
    # Dropping the broken parent makes its child valid again, under the parent's parent.
    assert inline.valid_subset(source, "A B <g2>C</g2></g1> D <x3/>.") == {2, 3}


def test_render_writes_only_valid_markup() -> None:
    (seg,) = [s for _p, s in parse_text("قال **المدير** إن `x` يعمل.", "md").sentences()]
    assert seg.render("The <g1>director</g1> said <x2/> works.") == "The **director** said `x` works."
    # A lone "**" would turn the rest of a Markdown file bold: broken tags are left out.
    assert seg.render("The <g1>director said <x2/> works.") == "The director said `x` works."


def test_normalize_canonicalises_placeholders_and_keeps_spaces_outside_pairs() -> None:
    assert inline.normalize("Read < g1 > the text </g1 >and<x2>.") == "Read <g1>the text</g1> and<x2/>."
    assert inline.normalize("a<g1> b </g1>c") == "a <g1>b</g1> c"


_MARKDOWN = st.sampled_from(
    [*"اب ت.*_`[]()<>!|-~^:/\n", "**", "__", "~~", "](u)", "<b>", "</b>", "http://x.y", "[^1]", "\n\n"]
)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_MARKDOWN, max_size=40).map("".join))
def test_rendering_a_request_as_its_own_translation_gives_the_source_back(text: str) -> None:
    doc = parse_text(text, "md")
    assert doc.reassemble([p.text for p in doc.paragraphs]) == text
    for _p, seg in doc.sentences():
        assert inline.problems(seg.request_text, seg.request_text) == {}
        assert seg.render(seg.request_text) == seg.content
