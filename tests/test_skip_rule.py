"""``--fail-on-skip`` (what ``scripts/test.sh`` runs): a skipped test or module fails the run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SKIPS = '''
import pytest

def test_skipped_in_the_body():
    pytest.skip("no browser")

@pytest.mark.xfail(reason="known bug", strict=True)
def test_expected_failure():
    assert False

def test_passes():
    pass
'''
MODULE_SKIP = '''
import pytest
pytest.importorskip("a_module_that_is_not_installed")

def test_never_collected():
    pass
'''


def run_pytest(folder: Path, *args: str, env_flag: bool = False) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "TARJAMA_FAIL_ON_SKIP": "1" if env_flag else "0"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, str(folder)],
        capture_output=True, text=True, cwd=folder, env=env, timeout=120,
    )


def test_skips_fail_the_run_only_with_the_flag(tmp_path: Path) -> None:
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_body.py").write_text(SKIPS, encoding="utf-8")
    plain = run_pytest(tmp_path)
    assert plain.returncode == 0 and "1 passed, 1 skipped, 1 xfailed" in plain.stdout, plain.stdout
    strict = run_pytest(tmp_path, "--fail-on-skip")
    assert strict.returncode == 1, strict.stdout
    assert "1 failed, 1 passed, 1 xfailed" in strict.stdout
    assert "SKIPPED, which --fail-on-skip forbids (Skipped: no browser)" in strict.stdout
    by_env = run_pytest(tmp_path, env_flag=True)
    assert by_env.returncode == 1 and "1 failed" in by_env.stdout


def test_a_module_skipped_at_import_fails_the_run(tmp_path: Path) -> None:
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_module.py").write_text(MODULE_SKIP, encoding="utf-8")
    plain = run_pytest(tmp_path)
    assert "1 skipped" in plain.stdout and plain.returncode == 5  # 5: pytest collected no test
    strict = run_pytest(tmp_path, "--fail-on-skip")
    assert strict.returncode not in (0, 5) and "1 error" in strict.stdout
    assert "could not import 'a_module_that_is_not_installed'" in strict.stdout


def test_the_readme_test_command_runs_pytest_with_the_flag() -> None:
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest --fail-on-skip" in script
