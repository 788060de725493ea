"""Prompt layouts, variants, retrieval, invented-name detection and length control of the
embedded engine: everything that does not need the model."""

from __future__ import annotations

import pytest

from tarjama.commands.common import parse_options
from tarjama.engines.gguf.config import DEFAULT_VARIANT, VARIANTS, EmbeddedConfig, resolve
from tarjama.engines.gguf.prompts import EXAMPLES, NO_INVENT_NOTE, PromptSpec, build_prompt, stop_sequences
from tarjama.engines.gguf.retrieval import ExamplePool, PoolEntry
from tarjama.errors import TarjamaError
from tarjama.text.arabic import has_arabic_word as arabic_left
from tarjama.text.quality import invented_names
from tarjama.types import TermHint


def _prefix(prompt: str, source: str) -> str:
    return prompt[: prompt.index(source)]


@pytest.mark.parametrize("template", ["chatml", "raw"])
def test_constant_prefix_is_shared_by_first_attempts_and_retries(template: str) -> None:
    spec = PromptSpec(template=template, context=True)
    hint = (TermHint("اليابان", "Japan"),)
    first = build_prompt("جملة أولى", spec=spec)
    other = build_prompt("جملة ثانية", hint, context="سياق", spec=spec)
    retry = build_prompt("جملة ثانية", hint, strict=True, notes=[NO_INVENT_NOTE], spec=spec)
    # Everything up to the variable request block is identical: llama.cpp reuses its KV cache.
    fixed = _prefix(first, "جملة أولى")
    for p in (other, retry):
        assert p.startswith(fixed.rsplit("Arabic:", 1)[0] if template == "raw" else fixed)
    assert "Use each glossary term exactly" in retry.split("جملة ثانية")[0][len(fixed) - 20 :]


def test_legacy_layout_puts_the_strict_instruction_in_the_system_turn() -> None:
    legacy = build_prompt("جملة", strict=True, spec=PromptSpec(strict_in_system=True))
    assert "exactly as given" in legacy.split("<|im_end|>", 1)[0]
    assert legacy.count("exactly as given") == 1


def test_raw_template_blocks_and_stops() -> None:
    p = build_prompt("جملة", (TermHint("اليابان", "Japan"),), spec=PromptSpec(template="raw"))
    assert "<|im_start|>" not in p
    assert p.endswith("Glossary: اليابان = Japan\nArabic: جملة\nEnglish:")
    assert p.count("\nEnglish: ") == 3  # the three fixed examples, answered
    assert "\n" in stop_sequences("raw")
    assert "<|im_end|>" in stop_sequences("chatml")


def test_hints_and_context_can_be_switched_off_and_on() -> None:
    hint = (TermHint("اليابان", "Japan"),)
    assert "Glossary" not in build_prompt("جملة", hint, spec=PromptSpec(hints=False)).split("assistant")[-2]
    with_context = build_prompt("جملة", context="الجملة السابقة", spec=PromptSpec(context=True))
    assert "Earlier in the paragraph (do not translate): الجملة السابقة" in with_context
    assert "الجملة السابقة" not in build_prompt("جملة", context="الجملة السابقة")


def test_example_count() -> None:
    six = build_prompt("جملة", examples=EXAMPLES[:6])
    assert six.count("<|im_start|>assistant\n") == 7
    assert build_prompt("جملة", examples=()).count("<|im_start|>assistant\n") == 1


def test_variants_resolve_and_overrides_are_typed() -> None:
    assert resolve() == VARIANTS[DEFAULT_VARIANT]
    config = resolve("raw", parse_options(["max-tokens-per-word=2.5", "hints=false", "threads_batch=2"]))
    assert config.template == "raw"
    assert (config.max_tokens_per_word, config.hints, config.threads_batch) == (2.5, False, 2)
    with pytest.raises(TarjamaError, match="unknown embedded variant"):
        resolve("nope")
    with pytest.raises(TarjamaError, match="unknown engine option"):
        resolve(None, {"colour": "red"})
    with pytest.raises(TarjamaError, match="examples must be"):
        resolve(None, {"examples": "9"})
    with pytest.raises(TarjamaError, match="KEY=VALUE"):
        parse_options(["examples"])
    # The default must work without ntrex-dev: it uses the committed examples only.
    assert VARIANTS[DEFAULT_VARIANT].retrieve == 0


def test_length_control_scales_with_the_source() -> None:
    from tarjama.engines.gguf.engine import GGUFEngine

    engine = GGUFEngine.__new__(GGUFEngine)  # no model: only the arithmetic is tested
    engine.config = EmbeddedConfig(max_tokens_per_word=2.5, max_tokens_extra=16)
    assert engine._max_tokens("كلمة " * 10) == 41
    assert engine._max_tokens("كلمة " * 1000) == 512
    engine.config = EmbeddedConfig()
    assert engine._max_tokens("كلمة " * 10) == 64


def test_mbr_prefers_the_consensus_candidate() -> None:
    from tarjama.engines.gguf.engine import mbr_choice

    cands = ["The agency launched the satellite.", "A cat sat.", "The agency launched a satellite."]
    assert mbr_choice(cands) in (0, 2)
    assert mbr_choice(["only one"]) == 0
    assert mbr_choice(["same", "same"]) == 0  # ties go to the first (greedy) candidate


def _pool() -> ExamplePool:
    return ExamplePool(
        [
            PoolEntry("doc-a", "وقال رئيس الوزراء إن الحكومة ستخفض الضرائب.", "The prime minister said ..."),
            PoolEntry("doc-a", "وأعلنت الشرطة اعتقال رجلين في لندن.", "Police announced ..."),
            PoolEntry(
                "doc-b", "وقال وزير المالية إن الحكومة سترفع الضرائب.", "The finance minister said ..."
            ),
            PoolEntry("doc-c", "فاز الفريق بالمباراة النهائية.", "The team won the final."),
        ]
    )


def test_retrieval_returns_the_most_similar_pairs_closest_last() -> None:
    found = _pool().nearest("وقال رئيس الوزراء إن الحكومة سترفع الضرائب.", 2, exclude_docs=("doc-a",))
    assert [e.en for e in found] == ["The team won the final.", "The finance minister said ..."]


def test_retrieval_never_uses_the_document_being_translated() -> None:
    pool = _pool()
    sentence = "وأعلنت الشرطة اعتقال رجلين في لندن."
    assert pool.documents_containing(sentence) == {"doc-a"}
    # Without any explicit exclusion the sentence's own document is still left out.
    assert all(
        e.ar not in {p.ar for p in pool.entries if p.doc_id == "doc-a"} for e in pool.nearest(sentence, 3)
    )
    assert pool.nearest(sentence, 0) == []


def test_invented_names_are_found_and_transliterations_accepted() -> None:
    src = "وقال كويتشي سوزوكي، نائب رئيس وكالة جاكسا، إن التعاون مع حسن روحاني في باريس سيستمر."
    out = (
        "Kuwait's Space Minister, Dr. Mohammed Al-Suwaidi, said that cooperation with Koichi Suzuki, "
        "Hassan Rouhani and the Japan Aerospace Exploration Agency in Paris will continue."
    )
    assert invented_names(src, out, allowed=["Japan Aerospace Exploration Agency"]) == ["Mohammed Al-Suwaidi"]
    assert invented_names(src, "Koichi Suzuki said so.") == []
    # Latin names of the source are accounted for.
    assert invented_names("أعلنت ESA و JAXA", "The ESA and JAXA Board agreed.") == []


def test_arabic_left_in_output() -> None:
    assert arabic_left("The agency said that التعاون will continue.")
    assert not arabic_left("The agency said that cooperation will continue.")


def test_a_title_does_not_hide_an_invented_name() -> None:
    src = "ومن المقرر أن يزور الرئيس جوكو ويدودو مراكز الإجلاء في بالو يوم الأحد."
    wrong = (
        "It was expected that President Joe Biden would visit the National Cemetery in Washington on Sunday."
    )
    right = "President Joko Widodo was scheduled to visit evacuation centers in Palu on Sunday."
    assert invented_names(src, wrong) == ["Joe Biden"]
    assert invented_names(src, right) == []


def test_eval_command_checks_its_arguments_before_loading_a_model(tmp_path, capsys) -> None:
    from tarjama.cli import main

    tsv = tmp_path / "ntrex.tsv"
    tsv.write_text("doc_id\tar\ten\nd1\tجملة.\tA sentence.\n", encoding="utf-8")
    assert main(["eval", "--ntrex", str(tsv), "--variant", "nope"]) != 0
    assert "unknown embedded variant 'nope'" in capsys.readouterr().err
    assert main(["eval", "--ntrex", str(tsv), "--set", "colour=red"]) != 0
    assert "unknown engine option 'colour'" in capsys.readouterr().err
    assert main(["eval", "--ntrex", str(tmp_path / "missing.tsv"), "--docs", "0"]) != 0


def test_eval_length_ratio_is_sacrebleus() -> None:
    from tarjama.dev.evaluation import length_ratio

    assert length_ratio(["a b c d"], ["a b"]) == 2.0
    assert length_ratio(["a, b."], ["a b c d"]) == 1.0  # 13a tokenisation splits punctuation


def test_eval_scores_a_sample_and_the_seed_end_to_end(tmp_path, monkeypatch) -> None:
    """The eval pipeline without a model: an engine that answers with the reference scores 100."""
    from conftest import ROOT
    from tarjama.dev.datasets.ntrex import NtrexDocument
    from tarjama.dev.evaluation import evaluate_ntrex, evaluate_seed
    from tarjama.engines.base import Engine
    from tarjama.types import EngineIdentity, SegmentTranslation

    docs = [
        NtrexDocument(
            "a.1",
            ["وصل الوفد إلى طوكيو.", "أطلقت الوكالة القمر الصناعي."],
            ["The delegation arrived in Tokyo.", "The agency launched the satellite."],
        ),
        NtrexDocument("b.2", ["ارتفعت الأسعار."], ["Prices rose."]),
    ]
    answers = {ar: en for d in docs for ar, en in zip(d.ar, d.en, strict=True)}

    class Oracle(Engine):
        name = "oracle"

        @property
        def identity(self) -> EngineIdentity:
            return EngineIdentity(engine="oracle", model="references")

        def translate(self, requests, *, done=None):
            return [SegmentTranslation(answers.get(r.source, "Something else.")) for r in requests]

    scores = evaluate_ntrex(Oracle(), docs, None, tmp_path / "ntrex", tmp_path / "ntrex.tsv")
    assert round(scores.bleu, 6) == round(scores.chrf, 6) == 100
    assert (scores.length_ratio, scores.sentences) == (1.0, 3)
    assert scores.term_accuracy == "n/a"
    assert {p.name for p in (tmp_path / "ntrex").iterdir()} == {"ntrex.jsonl", "report.md", "report.json"}
    monkeypatch.chdir(ROOT)  # the seed and its reference are found relative to the repository
    seed = evaluate_seed(Oracle(), None, tmp_path)
    assert seed.sentences == 20 and seed.bleu < 5
    assert (tmp_path / "seed.jsonl").is_file() and (tmp_path / "seed-report.md").is_file()


class _OneWordTokenizer:
    """Stands in for llama.cpp's tokenizer: a lone word is one token, anything else one per character."""

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        s = text.decode("utf-8")
        if s.strip() and " " not in s.strip():
            return [100_000 + sum(map(ord, s))]
        return [ord(c) for c in s]


def test_a_repair_request_reaches_the_prompt_and_the_logit_bias_and_confidence_comes_back() -> None:
    from tarjama.engines.gguf.batching import Output
    from tarjama.engines.gguf.engine import GGUFEngine
    from tarjama.engines.gguf.prompts import PromptSpec
    from tarjama.types import Confidence, TranslationRequest

    engine = GGUFEngine.__new__(GGUFEngine)  # no model: the flow's first attempt, driven by hand
    engine.config, engine.spec, engine.pool, engine.exclude_docs = EmbeddedConfig(), PromptSpec(), None, ()
    engine.repeat_penalty, engine.retry_repeat_penalty = 1.0, 1.3
    engine.llm = _OneWordTokenizer()
    note = "The Arabic does not say Chinese: do not add a country or nationality."
    request = TranslationRequest("شركة ispace", notes=(note,), avoid=("Chinese",))
    flow = engine._flow(request)
    (job,) = next(flow)
    assert note in "".join(chr(t) for t in job.tokens if t < 100_000)
    assert job.logit_bias is not None and set(job.logit_bias.values()) == {-100.0}
    assert len(job.logit_bias) == 2  # "Chinese" and " Chinese"
    with pytest.raises(StopIteration) as stop:
        flow.send([Output("The company ispace.", False, 4, (-0.1, -0.5, -0.2, -0.05))])
    result = stop.value.value.first
    assert result.text == "The company ispace."
    assert result.confidence == Confidence(pytest.approx(-0.2125), -0.5, 4)


def _bare_engine():
    from tarjama.engines.gguf.engine import GGUFEngine
    from tarjama.engines.gguf.prompts import PromptSpec

    engine = GGUFEngine.__new__(GGUFEngine)  # no model: flows driven by hand
    engine.config, engine.spec, engine.pool, engine.exclude_docs = EmbeddedConfig(), PromptSpec(), None, ()
    engine.repeat_penalty, engine.retry_repeat_penalty = 1.0, 1.3
    engine.llm = _OneWordTokenizer()
    return engine


def test_the_stages_repair_is_decoded_in_the_same_flow_right_after_the_first_translation() -> None:
    from tarjama.engines.gguf.batching import Output
    from tarjama.types import TermHint, TranslationRequest

    engine = _bare_engine()
    source = "ويخطط الطرفان لإرسال مركبات إلى المريخ في ثلاثينيات القرن الحادي والعشرين."
    request = TranslationRequest(source)
    start = source.index("ثلاثينيات")
    hint = TermHint("ثلاثينيات القرن الحادي والعشرين", "2030s", "number", start, len(source) - 1)
    asked = []

    def judge(result):
        asked.append(result.text)
        return TranslationRequest(source, (hint,), strict_terms=True, notes=("The Arabic says 2030s.",))

    flow = engine._flow(request, judge)
    next(flow)
    repair = flow.send([Output("Both plan to send landers to Mars in the 1970s.", False, 9, (-0.3,) * 9)])
    assert asked == ["Both plan to send landers to Mars in the 1970s."]
    # The repair: the decade written into the Arabic, the note in the prompt, best of 3 candidates.
    assert len(repair) == EmbeddedConfig().retry_candidates
    prompt = "".join(chr(t) for t in repair[0].tokens if t < 100_000)
    assert "إلى المريخ في 2030s." in prompt and "The Arabic says 2030s." in prompt
    outputs = [Output("Both plan to send landers to Mars in the 2030s.", False, 9, (-0.2,) * 9)] * len(repair)
    with pytest.raises(StopIteration) as stop:
        flow.send(outputs)
    judged = stop.value.value
    assert judged.first.text.endswith("1970s.") and judged.followup is not None
    assert [c.text for c in judged.candidates] == ["Both plan to send landers to Mars in the 2030s."] * len(
        repair
    )


def test_the_engine_retries_only_degenerate_output_itself() -> None:
    from tarjama.engines.gguf.batching import Output
    from tarjama.types import TermHint, TranslationRequest

    engine = _bare_engine()
    request = TranslationRequest(
        "أطلقت جاكسا المسبار بنجاح إلى القمر.", (TermHint("جاكسا", "JAXA", "org", 6, 11),)
    )
    # A glossary term missing is not the engine's to retry: the flow ends (no judge: no repair).
    flow = engine._flow(request)
    next(flow)
    with pytest.raises(StopIteration) as stop:
        flow.send([Output("The agency launched the probe to the Moon.", False, 8, (-0.2,) * 8)])
    assert stop.value.value.first.notes == []
    # A loop is: a retry with the retry's candidates comes first.
    flow = engine._flow(request)
    next(flow)
    retry = flow.send([Output("the probe the probe the probe the probe the probe", False, 10, (-0.2,) * 10)])
    assert len(retry) == EmbeddedConfig().retry_candidates


class _CharTokenizer:
    """Every character one token of the fake model's small vocabulary (``test_batching``)."""

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return [1 + ord(c) % 38 for c in text.decode("utf-8")]


def test_checks_and_their_repairs_run_inside_one_batched_pass() -> None:
    """The whole path without a model: the stages judge each first translation inside the
    embedded engine's one ``BatchedGenerator.run`` and its repair is decoded there too."""
    from tarjama.checks import Checker
    from tarjama.engines.gguf.batching import BatchedGenerator
    from tarjama.translate.stages import Stages
    from tarjama.types import EngineIdentity, TranslationRequest
    from test_batching import FakeBackend

    engine = _bare_engine()
    engine.llm = _CharTokenizer()
    engine._identity = EngineIdentity("gguf", "fake")
    generator = BatchedGenerator(FakeBackend(parallel=4, n_batch=256, n_cells=200_000), 4)
    engine._batched = generator
    generator.set_prefix(engine.shared_prefix())
    runs = []
    run = generator.run
    generator.run = lambda flows, done=None: runs.append(len(flows)) or run(flows, done)  # type: ignore[method-assign]
    sources = [
        "وقع الانفجار يوم الأحد في مستودع الذخيرة.",
        "خصصت الحكومة 5 مليارات يورو لبناء الطريق.",
        "وقال هاكامادا إن الفريق مستعد.",
        "أطلقت وكالة الفضاء المسبار في ثلاثينيات القرن الحادي والعشرين.",
        "نعم.",
    ]
    done: list[int] = []
    results = Stages(engine, None, Checker()).translate(
        [TranslationRequest(s) for s in sources], [[] for _ in sources], done.append
    )
    assert runs == [len(sources)]  # one pass: no second engine call for the repairs
    assert sorted(done) == list(range(len(sources)))
    # The fake model writes gibberish: the checks find it and a repair was decoded in the pass.
    repaired = [r for r in results if any(n.kind in ("repaired", "kept") for n in r.notes)]
    assert repaired and all(r.findings for r in repaired)
