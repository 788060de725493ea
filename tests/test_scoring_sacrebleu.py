"""``tarjama score`` must reproduce the ``sacrebleu`` command line to the last digit.

The sacrebleu side gets one-paragraph-per-line files written here directly from the
fixture lists; the tarjama side gets the same paragraphs wrapped over several lines and
separated by blank lines, so the comparison also covers paragraph reading.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tarjama.commands import score as cli

HYP = [
    "The European Space Agency (ESA) and the Japan Aerospace Exploration Agency (JAXA) announced an "
    "enhanced partnership covering a range of space endeavours.",
    "JAXA President Hiroshi Yamakawa and ESA Director General Josef Aschbacher formalised the expanded "
    "cooperation on 20 November in Tsukuba, Japan.",
    "Their joint statement sets out new cooperation in several key areas: planetary defence, Earth "
    "observation, activities in low Earth orbit after the ISS era, space science and Mars exploration.",
    "A key element is speeding up the study of possible cooperation on ESA's Rapid Apophis Mission for "
    "Space Safety, which focuses on the approach of asteroid Apophis in 2029.",
    "JAXA and ESA are also exploring small joint landing missions to Mars in the 2030s.",
    "Lunar exploration is another key area of cooperation, including joint analogue tests.",
]
REF1 = [
    "ESA and the Japan Aerospace Exploration Agency (JAXA) have announced a strengthened partnership "
    "spanning various space endeavours.",
    "JAXA President Hiroshi Yamakawa and ESA Director General Josef Aschbacher formalised this expanded "
    "collaboration on 20 November in Tsukuba, Japan.",
    "Their joint statement outlines new cooperation in several key areas: planetary defence, Earth "
    "observation, low Earth orbit activities in the post-ISS era, space science and Mars exploration.",
    "A key element of the expanded collaboration is accelerating the study of potential cooperation on "
    "ESA's Rapid Apophis Mission for Space Safety, focused on the 2029 approach of asteroid Apophis.",
    "JAXA and ESA are also exploring joint small Mars landing missions in the 2030s.",
    "Lunar exploration is another major area of collaboration, including joint analogue tests.",
]
REF2 = [
    "The European and Japanese space agencies announced a stronger partnership across many space activities.",
    "The head of JAXA, Hiroshi Yamakawa, and ESA's Director General, Josef Aschbacher, signed the wider "
    "cooperation in Tsukuba, Japan, on 20 November.",
    "The joint statement sets out cooperation on planetary defence, Earth observation, low Earth orbit "
    "after the International Space Station, space science and the exploration of Mars.",
    "Central to the cooperation is a faster study of working together on ESA's RAMSES mission to "
    "asteroid Apophis, which passes close to Earth in 2029.",
    "The two agencies are also studying small joint Mars landers for the 2030s.",
    "The Moon is another key area, with joint analogue tests planned.",
]


def write_paragraphs(path: Path, paragraphs: list[str]) -> Path:
    path.write_text("\n\n".join(textwrap.fill(p, 50) for p in paragraphs) + "\n", encoding="utf-8")
    return path


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sacrebleu_cli(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "sacrebleu", *args], capture_output=True, text=True, check=True, timeout=120
    )
    return proc.stdout


def tarjama_score(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    parser = argparse.ArgumentParser(prog="tarjama")
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["score", *argv])
    assert args.func(args) == 0
    return capsys.readouterr().out


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "hyp": write_paragraphs(tmp_path / "hyp.txt", HYP),
        "ref1": write_paragraphs(tmp_path / "ref1.txt", REF1),
        "ref2": write_paragraphs(tmp_path / "ref2.md", REF2),
        "hyp_lines": write_lines(tmp_path / "hyp.line", HYP),
        "ref1_lines": write_lines(tmp_path / "ref1.line", REF1),
        "ref2_lines": write_lines(tmp_path / "ref2.line", REF2),
    }


@pytest.mark.parametrize("refs", [["ref1"], ["ref1", "ref2"]], ids=["one-ref", "two-refs"])
def test_corpus_scores_and_signatures_equal_sacrebleu_cli(
    files: dict[str, Path], refs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    ref_args = [a for r in refs for a in ("--ref", str(files[r]))]
    ours = json.loads(tarjama_score([str(files["hyp"]), *ref_args, "--format", "json"], capsys))
    ours_by_name = {m["name"]: m for m in ours["corpus"]}
    line_refs = [str(files[f"{r}_lines"]) for r in refs]

    theirs = json.loads(
        sacrebleu_cli(*line_refs, "-i", str(files["hyp_lines"]), "-m", "bleu", "chrf", "ter",
                      "--chrf-word-order", "2", "-f", "json", "-w", "4")
    )
    # With one metric sacrebleu prints a single object rather than a list.
    theirs.append(json.loads(sacrebleu_cli(*line_refs, "-i", str(files["hyp_lines"]), "-m", "chrf",
                                           "-f", "json", "-w", "4")))
    assert [t["name"] for t in theirs] == ["BLEU", "chrF2++", "TER", "chrF2"]
    for t in theirs:
        mine = ours_by_name[t["name"]]
        assert f"{mine['score']:.4f}" == f"{t['score']:.4f}", t["name"]
        assert mine["signature"] == t["signature"]
    assert ours_by_name["BLEU"]["verbose"] == theirs[0]["verbose_score"]
    assert ours["corpus"][0]["signature"].startswith(f"nrefs:{len(refs)}|")


def test_default_markdown_shows_the_digits_sacrebleu_prints(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tarjama_score([str(files["hyp"]), "--ref", str(files["ref1"])], capsys)
    bleu, chrfpp = json.loads(
        sacrebleu_cli(str(files["ref1_lines"]), "-i", str(files["hyp_lines"]), "-m", "bleu", "chrf",
                      "--chrf-word-order", "2", "-b")
    )
    assert f"| BLEU | {bleu:.1f} | `nrefs:1\\|case:mixed\\|eff:no\\|tok:13a" in out
    assert f"| chrF2++ | {chrfpp:.1f} | `nrefs:1\\|case:mixed\\|eff:yes\\|nc:6\\|nw:2" in out


@pytest.mark.parametrize("metric", ["bleu", "chrf", "ter"])
def test_per_paragraph_scores_equal_sacrebleu_sentence_level(
    files: dict[str, Path], metric: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(files["hyp"]), "--ref", str(files["ref1"]), "--ref", str(files["ref2"]), "-f", "json"]
    ours = json.loads(tarjama_score(argv, capsys))
    name = {"bleu": "BLEU", "chrf": "chrF2++", "ter": "TER"}[metric]
    out = sacrebleu_cli(str(files["ref1_lines"]), str(files["ref2_lines"]), "-i", str(files["hyp_lines"]),
                        "-m", metric, "--chrf-word-order", "2", "-sl", "-w", "4")
    lines = out.strip().splitlines()
    assert len(lines) == len(HYP)
    signature = ours["segment_signatures"][name]
    for para, line in zip(ours["paragraphs"], lines, strict=True):
        head, _, rest = line.partition(" = ")
        assert head == f"{name}|{signature}"
        assert f"{para['scores'][name]:.4f}" == rest.split()[0]
