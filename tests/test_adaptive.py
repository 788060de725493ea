"""Adaptive translation: the memory's approved sentences most like a segment, given to the engine.

Retrieval (``tarjama.memory.matches``): the threshold, determinism, the direction, the segment's
own approval never its example. The run (``Translator.run``): examples looked up once, carried
on the request and in its key, noted in the result, off with ``adapt=False`` or for an engine
that does not take them, handed to executors elsewhere (Ray's actors) on the requests; the best
fuzzy match recorded in the JSONL.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.document.model import parse_text
from tarjama.document.requests import segment_request
from tarjama.engines import ENGINES
from tarjama.engines.base import Engine, SegmentDone
from tarjama.glossary import Glossary
from tarjama.memory.matches import MatchIndex, cosine, trigrams, view
from tarjama.memory.store import MEMORY_NAME, Approval, TranslationMemory, engine_hash
from tarjama.translate.executor import LocalExecutor, Work
from tarjama.translate.run import Job, JobResult, Translator
from tarjama.translate.stages import Stages
from tarjama.types import ADAPTED, EN_AR, EngineIdentity, SegmentTranslation, TranslationRequest

KIM = "وقال كيم جونغ أون إن المحادثات مع سيول ستستمر."
# Like KIM, less (0) and more (1), and hardly at all (2).
APPROVED = [
    ("والتقى كيم جونغ أون بالرئيس الأمريكي في سنغافورة.", "Kim Jong Un met the US president in Singapore."),
    ("وقال وزير الخارجية ري يونغ هو إن المحادثات يجب أن تتقدم.",
     "Foreign Minister Ri Yong Ho said the talks must move forward."),
    ("وارتفعت أسعار النفط يوم الاثنين.", "Oil prices rose on Monday."),
]
# The examples the run gives KIM: least similar first.
EXPECTED = [APPROVED[0][1], APPROVED[1][1]]


class Echo(Engine):
    """Takes examples: its English names how many examples it saw and their English."""

    name = "echo"
    takes_examples = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.seen: list[TranslationRequest] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("echo", "rules")

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        self.seen += requests
        return [SegmentTranslation(f"EN[{len(r.examples)}: {' | '.join(e.target for e in r.examples)}]")
                for r in requests]


class Deaf(Echo):
    """The same engine, but it cannot take examples."""

    name = "deaf"
    takes_examples = False


def approval(source: str, target: str, when: float, direction: str = "ar-en") -> Approval:
    return Approval(TranslationRequest(source).key(), source, target, "amal", when, direction=direction)


def memory_with(path: Path, pairs: Sequence[tuple[str, str]], glossary: Glossary | None = None) -> Path:
    memory = TranslationMemory(path)
    memory.scope(None, glossary.digest() if glossary else None)
    for k, (ar, en) in enumerate(pairs):
        request, _ = segment_request(ar, glossary)
        memory.approve(request, Approval(request.key(), ar, en, "amal", 1_700_000_000.0 + k))
    memory.close()
    return path


# --- retrieval -------------------------------------------------------------------------------------


def test_examples_are_the_most_similar_approvals_above_the_threshold_least_similar_first() -> None:
    index = MatchIndex.of([approval(ar, en, k) for k, (ar, en) in enumerate(APPROVED)])
    scores = [cosine(trigrams(view(KIM)), trigrams(view(ar))) for ar, _ in APPROVED]
    assert scores[1] > scores[0] > 25 > scores[2]  # the oil sentence shares almost nothing
    examples = index.examples(KIM)
    assert [e.target for e in examples] == EXPECTED  # the closest last
    assert [e.score for e in examples] == [round(scores[0], 1), round(scores[1], 1)]
    assert examples[-1].ref == TranslationRequest(APPROVED[1][0]).key()
    # The threshold: raised above the second, only the first is left; at 0 every overlapping one.
    assert [e.target for e in index.examples(KIM, threshold=scores[0] + 0.1)] == [APPROVED[1][1]]
    assert len(index.examples(KIM, threshold=0, limit=5)) == 3
    assert index.examples(KIM, limit=0) == ()


def test_the_same_memory_gives_the_same_examples_in_whatever_order_it_was_written() -> None:
    twins = [("قال كيم جونغ أون إن المحادثات بدأت.", "A"), ("قال كيم جونغ أون إن المحادثات بدأت!", "B")]
    rows = [approval(ar, en, k) for k, (ar, en) in enumerate([*APPROVED, *twins])]
    first = MatchIndex.of(rows).examples(KIM)
    assert MatchIndex.of(list(reversed(rows))).examples(KIM) == first
    assert MatchIndex.of(rows[2:] + rows[:2]).examples(KIM) == first
    assert {e.target for e in first} >= {"A", "B"}


def test_examples_come_from_approvals_of_the_same_direction_only() -> None:
    # Sources in Latin letters look alike in both directions; only the run's direction counts.
    rows = [approval("ESA, NASA و JAXA.", "ESA, NASA and JAXA.", 1.0),
            approval("ESA, NASA and JAXA signed.", "وقعت ESA و NASA و JAXA.", 2.0, direction="en-ar")]
    assert [e.target for e in MatchIndex.of(rows).examples("ESA و NASA و JAXA.")] == ["ESA, NASA and JAXA."]
    assert [e.target for e in MatchIndex.of(rows, EN_AR).examples("ESA, NASA and JAXA met.")] \
        == ["وقعت ESA و NASA و JAXA."]


def test_a_segment_is_never_its_own_example_but_its_approval_is_its_match() -> None:
    index = MatchIndex.of([approval(KIM, "Kim Jong Un said talks with Seoul would continue.", 1.0),
                           approval(*APPROVED[0], 2.0)])
    assert [e.target for e in index.examples(KIM)] == [APPROVED[0][1]]
    # the same sentence with other diacritics or hamza forms is the same view: still left out
    assert [e.target for e in index.examples(KIM.replace("أون", "اون"))] == [APPROVED[0][1]]
    best = index.best(KIM)
    assert best is not None and best.percent == 100 and best.target.startswith("Kim Jong Un said")


def test_a_later_approval_of_a_source_replaces_the_earlier_and_a_withdrawn_one_is_gone() -> None:
    index = MatchIndex.of([approval(APPROVED[0][0], "old", 1.0), approval(APPROVED[0][0], "new", 2.0)])
    assert [e.target for e in index.examples(KIM)] == ["new"]
    index.withdraw(APPROVED[0][0])
    assert index.examples(KIM) == () and index.best(APPROVED[0][0]) is None


# --- the run -----------------------------------------------------------------------------------------


def test_the_run_gives_each_segment_its_examples_in_its_key_and_notes_which(tmp_path: Path) -> None:
    memory = TranslationMemory(memory_with(tmp_path / "m.sqlite", APPROVED))
    engine = Echo()
    try:
        with Translator(engine, None, checks=None) as translator:
            result = translator.translate_document(parse_text(KIM + "\n"), memory=memory)
            identity = translator.identity
    finally:
        memory.close()
    (request,) = engine.seen
    assert [e.target for e in request.examples] == EXPECTED
    assert request.key() != TranslationRequest(KIM).key()  # adapted output never answers for unadapted
    (sentence,) = result.sentences()
    assert sentence.translation == f"EN[2: {EXPECTED[0]} | {EXPECTED[1]}]"
    (note,) = [n for n in sentence.notes if n.kind == ADAPTED]
    assert TranslationRequest(APPROVED[1][0]).key()[:12] in note and "2 approved examples" in note
    assert identity.params["adapt"]["examples"] == 3
    # the adaptation setting is recorded, but keys the memory no differently
    assert engine_hash(identity.to_dict()) == engine_hash(Echo().identity.to_dict())


def test_no_examples_with_adapt_off_for_an_engine_that_cannot_take_them_or_without_approvals(
    tmp_path: Path,
) -> None:
    path = memory_with(tmp_path / "m.sqlite", APPROVED)
    for engine, adapt in ((Echo(), False), (Deaf(), True)):
        memory = TranslationMemory(path, readonly=True)
        with Translator(engine, None, checks=None, adapt=adapt) as translator:
            translator.translate_document(parse_text(KIM + "\n"), memory=memory)
            assert "adapt" not in translator.identity.params
        memory.close()
        assert [r.examples for r in engine.seen] == [()]
    empty = TranslationMemory(tmp_path / "empty.sqlite")
    engine = Echo()
    with Translator(engine, None, checks=None) as translator:
        translator.translate_document(parse_text(KIM + "\n"), memory=empty)
    empty.close()
    assert [r.examples for r in engine.seen] == [()]


def test_an_exact_approval_is_used_and_never_becomes_an_example_of_its_own_segment(tmp_path: Path) -> None:
    # Approved under another glossary (other hints, another key): the segment goes to the engine,
    # which must not be shown that approval of the very same sentence.
    glossary_path = tmp_path / "g.tsv"
    glossary_path.write_text("ar\ten\tkind\tnote\nسيول\tSeoul\tplace\t\n", encoding="utf-8")
    old = Glossary.load(glossary_path)
    path = memory_with(tmp_path / "m.sqlite", [(KIM, "Kim said the Seoul talks go on."), APPROVED[0]], old)
    engine = Echo()
    memory = TranslationMemory(path, readonly=True)
    with Translator(engine, None, checks=None) as translator:  # no glossary now: no exact approval
        translator.translate_document(parse_text(KIM + "\n"), memory=memory)
    (request,) = engine.seen
    assert [e.target for e in request.examples] == [APPROVED[0][1]]
    assert request.source == KIM
    # With the glossary it was approved under, the approval is taken as it is: no engine call.
    engine = Echo()
    with Translator(engine, old, checks=None) as translator:
        result = translator.translate_document(parse_text(KIM + "\n"), memory=memory)
    memory.close()
    assert engine.seen == [] and result.sentences()[0].origin == "human"


def test_adapted_and_unadapted_translations_are_separate_memory_rows(tmp_path: Path) -> None:
    path = memory_with(tmp_path / "m.sqlite", APPROVED)
    memory = TranslationMemory(path)

    def run(engine: Engine, adapt: bool = True) -> JobResult:
        with Translator(engine, None, checks=None, adapt=adapt) as translator:
            document = parse_text(KIM + "\n")
            job = Job(translator.prepare(document), document)
            (result,) = translator.run([job], memory=memory, store=memory)
            return result

    assert run(Echo()).translated == 1
    again, unadapted = Echo(), Echo()
    assert run(again).cached == [True]  # the same examples: a memory hit
    result = run(unadapted, adapt=False)  # no examples: another key, translated
    memory.close()
    assert again.seen == [] and len(unadapted.seen) == 1 and result.results[0].text == "EN[0: ]"


def test_an_executor_elsewhere_gets_the_examples_on_the_requests_and_its_worker_uses_them(
    tmp_path: Path,
) -> None:
    np = pytest.importorskip("numpy")
    from tarjama.batch.ray_runner import TranslateBatch

    handed: list[Work] = []

    class Remote(LocalExecutor):
        def translate(self, work, batch_size, *, isolate=True, done=None):  # type: ignore[override]
            handed.extend(work)
            # What crosses to a Ray actor: the pickled work, translated by a worker without a memory.
            worker = TranslateBatch(spec, expected, None, str(tmp_path / "results"), "run", 1)
            rows = worker({"work": np.array([pickle.dumps(list(work))], dtype=object)})["outcomes"]
            from tarjama.batch.ray_runner import load_outcomes

            yield load_outcomes(rows[0])

    class Spec:
        def load(self, threads: int) -> Engine:
            return actor_engine

    actor_engine = Echo()
    spec, expected = Spec(), engine_hash(Echo().identity.to_dict())
    memory = TranslationMemory(memory_with(tmp_path / "m.sqlite", APPROVED))
    with Translator(executor=Remote(Stages(Echo())), checks=None) as translator:
        result = translator.translate_document(parse_text(KIM + "\n"), memory=memory)
    memory.close()
    (work,) = handed
    assert [e.target for e in work.request.examples] == EXPECTED
    assert [e.target for e in actor_engine.seen[0].examples] == EXPECTED
    (sentence,) = result.sentences()
    assert sentence.translation.startswith("EN[2:") and any(n.kind == ADAPTED for n in sentence.notes)


def test_translate_jsonl_records_the_best_match_percentage_and_no_adapt_turns_examples_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ENGINES, "echo", "test_adaptive:Echo")
    near = "وقال كيم جونغ أون إن المحادثات مع سيول ستتواصل."
    memory_with(tmp_path / MEMORY_NAME, [(near, "Kim Jong Un said talks with Seoul would go on."), *APPROVED])
    source = tmp_path / "kim.ar.txt"
    source.write_text(KIM + "\n\nوارتفعت أسعار الذهب يوم الخميس في لندن.\n", encoding="utf-8")
    out = tmp_path / "kim.en.jsonl"
    common = ["translate", str(source), "-o", str(out), "--engine", "echo", "--no-glossary", "--no-checks",
              "--no-progress"]
    assert main(common) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    first, second = [json.loads(line)["sentences"][0] for line in lines]
    from rapidfuzz import fuzz

    assert first["match"]["percent"] == round(fuzz.ratio(view(KIM), view(near)), 1) >= 75
    assert first["match"]["translation"] == "Kim Jong Un said talks with Seoul would go on."
    assert "match" not in second  # nothing in the memory reaches 75 %
    assert first["translation"].startswith("EN[3:")
    assert main([*common, "--no-adapt"]) == 0
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["sentences"][0]
    assert first["translation"] == "EN[0: ]" and "match" in first
