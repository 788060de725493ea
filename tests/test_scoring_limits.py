"""``tarjama score`` and ``check`` refuse inputs over their size limit with one line, before
scoring, and read a device or a pipe only up to it (issue 29: D14, D15)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.scoring import inputs


def test_a_file_over_the_limit_is_one_line_that_names_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("The agency signed an agreement with Japan in 2030. " * 60_000 + "\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("The agency signed an agreement.\n", encoding="utf-8")
    assert 2 << 20 < hyp.stat().st_size <= 3 << 20
    assert main(["score", str(hyp), "--ref", str(tmp_path / "ref.txt"), "--max-input-mb", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "over the scoring input limit of 2 MiB" in err
    assert "--max-input-mb 3" in err  # what this file needs
    assert main(["check", str(hyp), str(hyp), "--max-input-mb", "2"]) == 2
    assert "over the scoring input limit of 2 MiB" in capsys.readouterr().err


def test_the_default_limit_refuses_the_probes_50_mb_file_at_once(tmp_path: Path) -> None:
    hyp = tmp_path / "hyp50.txt"
    with open(hyp, "wb") as fh:  # sparse: 50 MB on paper, nothing to write
        fh.truncate(50_000_000)
    (tmp_path / "ref.txt").write_text("First sentence about 2030.\n", encoding="utf-8")
    with pytest.raises(inputs.TarjamaError, match=r"47\.7 MiB, over the scoring input limit of 8 MiB"):
        inputs.read_paragraph_file(hyp)


def test_dev_zero_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    (tmp_path / "ref.txt").write_text("First sentence about 2030.\n", encoding="utf-8")

    def limit_memory() -> None:  # the probe's ulimit: reading without a bound ends in MemoryError
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = subprocess.run(
        [sys.executable, "-m", "tarjama", "score", "/dev/zero", "--ref", "ref.txt"],
        cwd=tmp_path, capture_output=True, text=True, preexec_fn=limit_memory, timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1
    assert "/dev/zero: more than the scoring input limit of 8 MiB" in proc.stderr
    assert "not a regular file" in proc.stderr


def test_a_pipe_under_the_limit_is_read() -> None:
    read, write = os.pipe()
    os.write(write, b"The agency signed an agreement.\n")
    os.close(write)
    try:
        assert inputs.read_paragraph_file(f"/dev/fd/{read}").paragraphs == ["The agency signed an agreement."]
    finally:
        os.close(read)
