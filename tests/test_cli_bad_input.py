"""Every command, every bad input a user or a security review tried: one line on stderr, a
non-zero exit, no traceback, nothing destroyed.

The cases run in-process through ``tarjama.cli.main`` (an exception other than tarjama's own
would fail the test itself); a few run as real processes, where a traceback or a
``BrokenPipeError`` would show on stderr. No model is loaded: every refusal comes before one,
and every engine is replaced by one that fails the test if it is ever created.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED
from tarjama.cli import main

GLOSSARY = ROOT / "references" / "glossary.tsv"
ARABIC = "أعلنت وكالة الفضاء الأوروبية عن مهمة جديدة.\n\nوقالت إن المسبار سينطلق العام المقبل.\n"
ENGLISH = "The European Space Agency announced a new mission.\n\nIt said the probe will launch next year.\n"


class Unreachable:
    """Stands in for every engine: a refusal that comes after the model is loaded fails loudly."""

    @classmethod
    def for_model(cls, model: str | None) -> type[Unreachable]:  # the engine contract: the class for a model
        return cls

    @classmethod
    def locate(cls, model: str | None) -> str | None:  # the engine contract's first step: nothing to load
        return model

    def __init__(self, **_options: object) -> None:
        raise AssertionError("an engine was created: the refusal came after the model load")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with good and bad inputs; the tests run in it."""
    from tarjama.engines import ENGINES

    for name in list(ENGINES):
        monkeypatch.setitem(ENGINES, name, "test_cli_bad_input:Unreachable")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "ref.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "hyp.txt").write_text(ENGLISH.replace("new", "fresh"), encoding="utf-8")
    (tmp_path / "nul.txt").write_bytes(b"\x00" * 64)
    (tmp_path / "ascii.txt").write_bytes(bytes(range(128)))
    (tmp_path / "esc.txt").write_bytes("سطر أول.\n\nفيه \x1b[31m لون.\n".encode())
    (tmp_path / "cp1256.txt").write_bytes("مرحبا".encode("cp1256"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\n\t\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "g.tsv").write_bytes(GLOSSARY.read_bytes())
    (tmp_path / "link.txt").symlink_to(tmp_path / "in.txt")
    return tmp_path


def one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert code != 0, f"{argv}: exit 0\n{out}{err}"
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, f"{argv}: stderr is not one line:\n{err}"
    return code, err


TRANSLATE = ["--engine", "marian", "--no-progress"]
SUMMARIZE = ["--engine", "marian"]

# (argv, what the one line must say). Paths are relative to the ``work`` folder.
CASES = [
    # missing, empty, blank, a folder, bad bytes, control characters
    (["translate", "missing.txt", *TRANSLATE], "missing.txt: file not found"),
    (["translate", "empty.txt", *TRANSLATE], "empty.txt: file is empty"),
    (["translate", "blank.txt", *TRANSLATE], "blank.txt: file is empty"),
    (["translate", "folder", *TRANSLATE], "folder: is a directory"),
    (["translate", "cp1256.txt", *TRANSLATE], "cp1256.txt: not valid UTF-8 at line 1, byte 0"),
    (["translate", "nul.txt", *TRANSLATE], "nul.txt: control character U+0000 (NUL) at line 1, byte 0"),
    (["translate", "ascii.txt", *TRANSLATE], "ascii.txt: control character U+0000 (NUL) at line 1, byte 0"),
    (["translate", "esc.txt", *TRANSLATE], "esc.txt: control character U+001B (ESC) at line 3, byte 23"),
    (["summarize", "nul.txt", *SUMMARIZE], "nul.txt: control character U+0000 (NUL) at line 1, byte 0"),
    (["summarize", "in.txt", "--ref-summary", "esc.txt", *SUMMARIZE], "esc.txt: control character U+001B"),
    (["score", "nul.txt", "--ref", "ref.txt"], "nul.txt: control character U+0000 (NUL) at line 1, byte 0"),
    (["score", "hyp.txt", "--ref", "ascii.txt"], "ascii.txt: control character U+0000"),
    (["score", "hyp.txt", "--ref", "ref.txt", "--src", "esc.txt"], "esc.txt: control character U+001B"),
    (["score", "hyp.txt", "--ref", "cp1256.txt"], "cp1256.txt: not valid UTF-8"),
    (["score", "hyp.txt", "--ref", "missing.txt"], "missing.txt: file not found"),
    (["batch", "--files-from", "nul.txt", "--out-dir", "out"], "nul.txt: control character U+0000"),
    (["glossary", "list", "-g", "nul.txt"], "nul.txt: control character U+0000 (NUL) at line 1, byte 0"),
    (["glossary", "import", "nul.csv", "-g", "g.tsv"], "nul.csv: control character U+0000"),
    (["glossary", "add", "-g", "g.tsv", "--ar", "مسبار", "--en", "Pro\x00be", "--kind", "mission"],
     "U+0000 (NUL) at character 4"),
    (["glossary", "add", "-g", "g.tsv", "--ar", "#مسبار", "--en", "Probe", "--kind", "mission"],
     "would start with '#'"),
    # an output that is an input (symbolic links followed)
    (["translate", "in.txt", "-o", "in.txt", *TRANSLATE], "in.txt: is the input file in.txt"),
    (["translate", "in.txt", "-o", "link.txt", *TRANSLATE], "link.txt: is the input file in.txt"),
    (["translate", "in.txt", "-o", "g.tsv", "--glossary", "g.tsv", *TRANSLATE],
     "g.tsv: is the input file g.tsv"),
    (["summarize", "in.txt", "-o", "in.txt", *SUMMARIZE], "in.txt: is the input file in.txt"),
    (["summarize", "in.txt", "-o", "ref.txt", "--ref-summary", "ref.txt", *SUMMARIZE],
     "ref.txt: is the input file ref.txt"),
    (["score", "hyp.txt", "--ref", "ref.txt", "-o", "hyp.txt"], "hyp.txt: is the input file hyp.txt"),
    (["score", "hyp.txt", "--ref", "ref.txt", "-o", "ref.txt"], "ref.txt: is the input file ref.txt"),
    (["score", "hyp.txt", "--ref", "ref.txt", "-o", "link.txt", "--src", "in.txt"],
     "is the input file in.txt"),
    (["score", "hyp.txt", "--ref", "ref.txt", "--report-dir", "reports", "--src", "reports/report.md"],
     "reports/report.md: is the input file reports/report.md"),
    (["glossary", "export", "g.tsv", "-g", "g.tsv"], "g.tsv: is the input file g.tsv"),
    # numbers argparse must check
    (["translate", "in.txt", "--threads", "-3", *TRANSLATE], "--threads: expected a whole number from 1"),
    (["translate", "in.txt", "--threads", "0", *TRANSLATE], "--threads: expected a whole number from 1"),
    (["translate", "in.txt", "--threads", "many", *TRANSLATE], "argument --threads: expected a whole number"),
    (["translate", "in.txt", "--batch-size", "0", *TRANSLATE], "--batch-size: expected a whole number"),
    (["batch", "in.txt", "-O", "out", "--threads", "-1"], "argument --threads: expected a whole number"),
    (["batch", "in.txt", "-O", "out", "--batch-size", "-5"], "--batch-size: expected a whole number"),
    (["summarize", "in.txt", "--threads", "-3"], "argument --threads"),
    (["summarize", "in.txt", "--sentences", "0"], "--sentences/-n: expected a whole number at least 1"),
    (["summarize", "in.txt", "--ratio", "1.5"], "argument --ratio: expected a number above 0 and at most 1"),
    (["summarize", "in.txt", "--ratio", "nan"], "argument --ratio: expected a number above 0 and at most 1"),
    (["score", "hyp.txt", "--ref", "ref.txt", "--width", "-1"], "argument --width/-w"),
    (["score", "hyp.txt", "--ref", "ref.txt", "--bootstrap-samples", "0"], "argument --bootstrap-samples"),
    (["score", "hyp.txt", "--ref", "ref.txt", "--bootstrap-samples", "10000000000"], "from 1 to 100000"),
    (["score", "hyp.txt", "--ref", "ref.txt", "--seed", "-1"], "argument --seed"),
    (["glossary", "remove", "-g", "g.tsv", "--line", "-2"], "argument --line"),
    (["eval", "--docs", "0"], "argument --docs"),
    # usage
    ([], "the following arguments are required: COMMAND"),
    (["translate"], "the following arguments are required: input"),
    (["glossary"], "the following arguments are required: ACTION"),
    (["models"], "the following arguments are required: ACTION"),
    (["translate", "in.txt", "--no-such-option"], "unrecognized arguments: --no-such-option"),
    # batch: empty shard, symlink escape, an output that is an input
    (["batch", "in.txt", "--out-dir", "out", "--shard", ""], "--shard '': expected K/N"),
    (["batch", "in.txt", "--out-dir", "out", "--shard", "3/2"], "K must be between 1 and N"),
    (["batch", "in.txt", "out/in.en.txt", "--out-dir", "out"], "which is the input out/in.en.txt"),
    (["batch", "--out-dir", "out"], "no inputs"),
    # models
    (["translate", "in.txt", "--model", "./no/such/dir"], "--model ./no/such/dir: no such file or folder"),
    (["translate", "in.txt", "--model", "/no/such/model.gguf"], "--model /no/such/model.gguf: no such file"),
    (["translate", "in.txt", "--engine", "nonesuch"], "unknown engine 'nonesuch'"),
]


@pytest.mark.parametrize(("argv", "message"), [c for c in CASES if c[1] is not None],
                         ids=lambda v: " ".join(v)[:70] if isinstance(v, list) else None)
def test_bad_input_is_one_line_and_a_non_zero_exit(
    work: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (work / "nul.csv").write_bytes(b"ar,en,kind,note\n\xd9\x85,Pro\x00be,mission,\n")
    (work / "out").mkdir()
    (work / "out" / "in.en.txt").write_text("already here\n", encoding="utf-8")
    (work / "reports").mkdir()
    (work / "reports" / "report.md").write_text(ARABIC, encoding="utf-8")
    before = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
    _, err = one_line(argv, capsys)
    assert message in err, err
    # Nothing was changed or destroyed: every file is as it was, no new file but a report folder.
    after = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
    assert after == before


def test_the_refusals_name_where_and_how_to_fix(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, err = one_line(["translate", "esc.txt", *TRANSLATE], capsys)
    assert "(column byte 8)" in err and "tr -d" in err
    _, err = one_line(["translate", "in.txt", "-o", "in.txt", *TRANSLATE], capsys)
    assert "writing there would destroy it; choose another -o path" in err
    _, err = one_line(["translate", "in.txt", "--threads", "-3", *TRANSLATE], capsys)
    assert err.startswith("tarjama translate: error: ") and "see `tarjama translate --help`" in err


def test_a_sidecar_that_would_replace_an_input_is_refused(work: Path, capsys: pytest.CaptureFixture[str]):
    """``-o out.txt`` also writes ``out.txt.meta.json``: that file may not be an input either."""
    (work / "out.txt.meta.json").write_text(ARABIC, encoding="utf-8")
    _, err = one_line(["translate", "out.txt.meta.json", "-o", "out.txt", *TRANSLATE], capsys)
    assert "out.txt.meta.json: is the input file out.txt.meta.json" in err
    assert (work / "out.txt.meta.json").read_text(encoding="utf-8") == ARABIC
    # A score summary's sidecar is an input of `tarjama score --summary` too.
    (work / "s.md").write_text("x\n", encoding="utf-8")
    (work / "s.md.meta.json").write_text("{}", encoding="utf-8")
    argv = ["score", "--summary", "s.md", "--summary-ref", "ref.txt", "-o", "s.md.meta.json"]
    _, err = one_line(argv, capsys)
    assert "s.md.meta.json: is the input file" in err


def test_batch_never_writes_through_a_symlinked_folder_under_out_dir(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tarjama.engines import ENGINES

    monkeypatch.setitem(ENGINES, "echo", "test_fuzz:Echo")
    outside = work / "outside"
    outside.mkdir()
    (work / "in" / "sub").mkdir(parents=True)
    (work / "in" / "sub" / "a.txt").write_text(ARABIC, encoding="utf-8")
    (work / "in" / "b.txt").write_text(ARABIC, encoding="utf-8")
    (work / "out").mkdir()
    (work / "out" / "sub").symlink_to(outside, target_is_directory=True)
    capsys.readouterr()
    code = main(["batch", "in", "--out-dir", "out", "--engine", "echo", "--no-glossary", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "out/sub/a.en.txt: resolves to" in err and "outside --out-dir" in err
    assert list(outside.iterdir()) == []  # nothing was written outside
    assert (work / "out" / "b.en.txt").is_file()  # the other document was done
    # The provenance file itself may not be a link out of the folder either.
    (work / "out" / "provenance.jsonl").unlink()
    (work / "out" / "provenance.jsonl").symlink_to(outside / "p.jsonl")
    _, err = one_line(["batch", "in", "--out-dir", "out", "--engine", "echo", "--no-glossary"], capsys)
    assert "provenance.jsonl: resolves to" in err and not (outside / "p.jsonl").exists()


def test_batch_reports_a_control_character_per_document(work: Path, capsys: pytest.CaptureFixture[str]):
    """Bad documents fail alone, each with file, line and byte, on the failure list (exit 1)."""
    (work / "in").mkdir()
    (work / "in" / "nul.txt").write_bytes(b"\x00" * 8)
    (work / "in" / "feed.jsonl").write_text(json.dumps({"text": "سطر\u0000ثان"}) + "\n", encoding="utf-8")
    code = main(["batch", "in", "--out-dir", "out", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED: in/nul.txt: control character U+0000 (NUL) at line 1, byte 0" in out
    assert "FAILED: in/feed.jsonl:1: control character U+0000 (NUL) in field 'text' at line 1, byte 6" in out


def test_dry_run_counts_repeats_apart_from_the_memory(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        (work / "in" / name).write_text(ARABIC, encoding="utf-8")
    assert main(["batch", "in", "--out-dir", "out", "--dry-run", "--no-glossary"]) == 0
    out = capsys.readouterr().out
    assert "(2 segments, 0 cached, 0 repeats)" in out and "(2 segments, 0 cached, 2 repeats)" in out
    assert "4 segments, 0 cached, 2 repeats within this run (translated once), 2 to translate" in out
    assert "no translation memory at out/.tarjama-memory.sqlite yet" in out  # the path as given


def test_glossary_lint_reports_a_control_character(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (work / "g.tsv").read_text(encoding="utf-8")
    text = text.replace("European Space Agency", "European\x00Space Agency", 1)
    (work / "g.tsv").write_text(text, encoding="utf-8")
    assert main(["glossary", "lint", "-g", "g.tsv"]) == 1
    out = capsys.readouterr().out
    assert ": control: column en contains the control character U+0000 (NUL) at character 9" in out
    _, err = one_line(["glossary", "list", "-g", "g.tsv"], capsys)  # and Glossary.load refuses it
    assert "U+0000 (NUL)" in err


def test_models_status_verifies_the_cached_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib

    from tarjama.models import embedded

    content = b"GGUF" + bytes(range(256)) * 40
    spec = embedded.EmbeddedModel("Tiny", "tiny.gguf", len(content), hashlib.sha256(content).hexdigest(),
                                  "none-part{n}", "none_part{n}", 1, "0", "test")
    monkeypatch.setattr(embedded, "QWEN_CODER_1_5B", spec)
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path))
    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "tiny.gguf"

    def status(*extra: str) -> tuple[int, str]:
        code = main(["models", "status", *extra])
        return code, next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("gguf:"))

    assert "assembled: not yet" in status()[1]
    model.write_bytes(content[:-100])  # truncated
    code, line = status()
    assert code == 1 and "CORRUPTED" in line
    assert f"{len(content) - 100:,} bytes, expected {len(content):,}" in line
    model.write_bytes(content[:-1] + b"X")  # same size, one byte changed
    code, line = status()
    assert code == 1 and "CORRUPTED: SHA-256 differs" in line
    code, line = status("--quick")
    assert code == 0 and "SHA-256 not verified: --quick" in line
    model.write_bytes(content)
    code, line = status()
    assert code == 0 and "verified in" in line and "CORRUPTED" not in line


def test_a_closed_stdout_ends_quietly_like_a_unix_tool(work: Path) -> None:
    """`tarjama glossary list | head -1`: no BrokenPipeError, exit 141 (128 + SIGPIPE)."""
    big = work / "big.tsv"
    rows = [f"اسم{i}ا\tName {i}\tperson\t" for i in range(20000)]
    big.write_text("ar\ten\tkind\tnote\n" + "\n".join(rows) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "tarjama", "glossary", "list", "-g", str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does after its line
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141, err
    assert first.startswith(b"2\tperson\tName 0\t") and err == ""


def test_usage_errors_have_no_traceback_in_a_real_process(work: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for argv in (["translate", str(SEED), "--threads", "-3"], ["batch", str(SEED), "-O", "o", "--shard", ""]):
        proc = subprocess.run([sys.executable, "-m", "tarjama", *argv], capture_output=True, text=True,
                              env=env)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert len(proc.stderr.splitlines()) == 1, proc.stderr


def test_markdown_report_shows_html_in_the_text_and_runs_none(work: Path, capsys) -> None:
    hostile = ENGLISH.replace("new", "<script>alert(1)</script> <img src=x onerror=alert(2)>")
    (work / "hyp.txt").write_text(hostile, encoding="utf-8")
    assert main(["score", "hyp.txt", "--ref", "ref.txt", "-o", "report.md"]) == 0
    report = (work / "report.md").read_text(encoding="utf-8")
    assert "<script" not in report and "<img" not in report
    assert "&lt;script&gt;alert(1)" in report


def test_the_python_api_refuses_control_characters_too() -> None:
    from tarjama import Translator, summarize
    from tarjama.errors import TarjamaError
    from test_fuzz import Echo

    with Translator(Echo(), None) as translator:
        with pytest.raises(TarjamaError, match=r"^text: control character U\+0000 \(NUL\) at line 2, byte 4"):
            translator.translate("abc\n\x00")
        with pytest.raises(TarjamaError, match=r"^text 2: control character U\+001B \(ESC\) at line 1, "):
            translator.translate_batch(["ok", "\x1b[0m"])
    with pytest.raises(TarjamaError, match=r"^text: control character U\+007F \(DEL\)"):
        summarize("جملة.\x7f", translator=None)


@pytest.mark.parametrize(
    "argv",
    [
        ["translate", "big.txt", "-o", "out.txt", *TRANSLATE],
        ["score", "big.txt", "--ref", "big.txt"],
        ["glossary", "import", "-g", "new.tsv", "big.csv"],
        ["memory", "import", "big.tmx", "--memory", "m.sqlite", "--no-glossary"],
    ],
)
def test_every_text_input_has_a_size_limit_that_can_be_raised(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    (work / "big.txt").write_text(ARABIC * 200, encoding="utf-8")  # about 20 KB
    (work / "big.csv").write_text("ar,en\n" + "قمر,Moon\n" * 2000, encoding="utf-8")
    (work / "big.tmx").write_text(
        '<tmx version="1.4"><body>' + '<tu><tuv xml:lang="ar"><seg>قمر.</seg></tuv>'
        '<tuv xml:lang="en"><seg>Moon.</seg></tuv></tu>' * 400 + "</body></tmx>", encoding="utf-8"
    )
    _code, err = one_line(["--limit", "input=4K", *argv], capsys)
    assert "KiB, over the input limit of 4 KiB" in err and "tarjama --limit input=" in err
    assert not any((work / name).exists() for name in ("out.txt", "new.tsv", "m.sqlite"))
    # Raised, the same input is read and the command goes on (to the engine, which this test
    # forbids, for translate).
    capsys.readouterr()
    if argv[0] == "translate":
        with pytest.raises(AssertionError, match="an engine was created"):
            main(["--limit", "input=1M", *argv])
    else:
        assert main(["--limit", "input=1M", *argv]) == 0
    assert "input limit" not in capsys.readouterr().err
    # The setting also comes from the environment.
    from tarjama.text import textio

    monkeypatch.setenv("TARJAMA_LIMITS", "input=4K,entries=7")
    assert (textio.Limits.from_env().input, textio.Limits.from_env().entries) == (4096, 7)


def test_a_device_is_read_up_to_the_limit_only(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, err = one_line(["--limit", "input=1M", "score", "/dev/zero", "--ref", "ref.txt"], capsys)
    assert "/dev/zero: more than 1 MiB to read (the input limit), and it is not a regular file" in err
    _code, err = one_line(["--limit", "input=lots", "score", "hyp.txt", "--ref", "ref.txt"], capsys)
    assert "--limit 'input=lots': 'lots' is not a positive size" in err
