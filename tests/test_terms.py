"""The one term-presence rule (``tarjama.text.terms``), where the engine's old rule and enforcement's
disagreed.

Before ``tarjama.text.terms`` the embedded engine decided "term missing → retry" with its own rule
(no hyphen before the term, one literal space, exact case) while enforcement, term accuracy
and the report used another. These cases are the disagreements; every caller now gives the
answer in the last column.
"""

from __future__ import annotations

import pytest

from tarjama.engines.gguf.retry import required_terms
from tarjama.glossary import Glossary, GlossaryEntry
from tarjama.metrics.term_accuracy import term_accuracy
from tarjama.text.terms import Term, check_terms, contains, count_term, missing, term_present, term_spans
from tarjama.types import TermHint, TranslationRequest

JAXA = GlossaryEntry(["جاكسا"], "JAXA", "organisation")
ESA_FULL = GlossaryEntry(["وكالة الفضاء الأوروبية"], "European Space Agency", "organisation")
DEFENCE = GlossaryEntry(["الدفاع الكوكبي"], "planetary defence", "concept")


@pytest.mark.parametrize(
    ("text", "entry", "old_engine_rule", "rule"),
    [
        # a hyphen before the term: a compound of two names contains both
        ("the ESA-JAXA agreement", JAXA, False, True),
        # a line break or double space between the words of a term
        ("the European Space\nAgency", ESA_FULL, False, True),
        ("the European  Space Agency", ESA_FULL, False, True),
        # a concept at the start of a sentence
        ("Planetary defence is a priority.", DEFENCE, False, True),
        # where both rules agreed
        ("JAXAs", JAXA, False, False),
        ("JAXA's plan", JAXA, True, True),
        ("(JAXA)", JAXA, True, True),
        ("Planetary Defence", DEFENCE, False, False),
    ],
)
def test_one_rule_for_engine_enforcement_and_scoring(
    text: str, entry: GlossaryEntry, old_engine_rule: bool, rule: bool
) -> None:
    del old_engine_rule  # documented above; every caller now agrees on ``rule``
    # enforcement and term accuracy
    assert term_present(text, entry) is rule
    assert (check_terms(text, [entry]) == []) is rule
    assert term_accuracy([entry.ar_forms[0]], [text], Glossary([entry])).correct == int(rule)
    # report highlights mark exactly what is counted
    assert len(term_spans(text, entry)) == count_term(text, entry) == int(rule)
    # the embedded engine's repair plan (which words stood in for a missing term)
    request = TranslationRequest(entry.ar_forms[0], (TermHint(entry.ar_forms[0], entry.en, entry.kind),))
    assert (missing(text, required_terms(request)) == []) is rule


def test_latin_names_from_the_source_keep_their_case() -> None:
    request = TranslationRequest("أطلقت ispace مركبة")
    assert required_terms(request) == [Term("ispace")]
    assert missing("Ispace launched a lander", required_terms(request)) == [Term("ispace")]
    assert missing("ispace launched a lander", required_terms(request)) == []


def test_missing_lists_each_term_once_in_order() -> None:
    terms = [Term("JAXA"), Term("ESA"), Term("JAXA")]
    assert missing("nothing here", terms) == [Term("JAXA"), Term("ESA")]


def test_contains_for_loose_comparisons() -> None:
    assert contains("Rapid Apophis Mission for Space Safety", "apophis", ignore_case=True)
    assert not contains("Rapid Apophis Mission", "apophis")
    assert not contains("Apophisian", "Apophis", ignore_case=True)
