#!/usr/bin/env python3
"""Time ``scripts/setup.sh`` from a bare state, step by step.

Each run clones this repository at ``--rev`` into a new temporary folder and runs
``bash scripts/setup.sh PROFILE`` there with nothing cached: no ``.venv``, an empty
``PIP_CACHE_DIR``, an empty ``TARJAMA_CACHE`` (and ``XDG_CACHE_HOME``). Every line the
script prints is echoed with the seconds since the start. The table takes each step's
seconds from the step's own ``[setup] … 12.3 s`` line (steps that run side by side each
count their own time); for a set-up script that prints no seconds (older revisions), a
step lasts from its ``[setup]`` line to the next one. The total is the wall time of the
whole script, measured from outside.

The machine's load average is sampled every 2 s during each run (other jobs on a shared
machine slow the compiler down); the CPU seconds of the set-up and all it ran are counted
(they depend far less on other jobs than the wall time does); and ``--floor`` measures,
after the set-up, what the embedded model can do on this machine (this checkout's
``scripts/bench_seed.py --floor-only`` run by the new environment), so that the seconds can
be read against the machine's speed.

    python3 scripts/bench_setup.py [--profile offline|test] [--runs 1] [--rev HEAD] \
        [--pypi-only] [--floor] [--keep]

``--pypi-only`` ignores pip's configuration files and ``PIP_FIND_LINKS`` (local package
mirrors), so that every package comes from PyPI, as for a new user. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# "[setup] <step> … 12.3 s" (the set-up script's own seconds for a finished step)
STEP_SECONDS = re.compile(r"^\[setup\] (?P<step>.+?)\s+(?:…|\.\.\.)\s+(?P<s>[0-9]+(?:\.[0-9]+)?) s\b")
SETUP_LINE = re.compile(r"^\[setup\] (?P<text>.+)$")


class LoadSampler(threading.Thread):
    """The 1-minute load average every ``every`` seconds until stopped."""

    def __init__(self, every: float = 2.0) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.samples: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append(os.getloadavg()[0])
            self._halt.wait(self.every)

    def stop(self) -> list[float]:
        self._halt.set()
        self.join()
        return self.samples


def bare_env(tmp: Path, pypi_only: bool) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("VIRTUAL_ENV", "PYTHONPATH", "CMAKE_ARGS"):
        env.pop(key, None)
    env["PIP_CACHE_DIR"] = str(tmp / "pip-cache")
    env["TARJAMA_CACHE"] = str(tmp / "model-cache")
    env["XDG_CACHE_HOME"] = str(tmp / "xdg-cache")
    if pypi_only:
        env["PIP_CONFIG_FILE"] = os.devnull
        for key in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL", "PIP_CONSTRAINT"):
            env.pop(key, None)
    return env


def one_run(args: argparse.Namespace, sha: str, index: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="tarjama-setup-bench-"))
    repo = tmp / "repo"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "checkout", "--quiet", "--detach", sha], check=True)
    # The ntrex-dev data is read from ../shared/data next to the repository: point to ours.
    env = bare_env(tmp, args.pypi_only)
    if "TARJAMA_NTREX" not in env and (ROOT.parent / "shared" / "data" / "ntrex-dev").is_dir():
        env["TARJAMA_NTREX"] = str(ROOT.parent / "shared" / "data" / "ntrex-dev")
    print(f"## run {index + 1}: {repo} (rev {sha[:10]}), profile {args.profile}", flush=True)
    sampler = LoadSampler()
    sampler.start()
    start = time.perf_counter()
    proc = subprocess.Popen(
        ["bash", "scripts/setup.sh", args.profile],
        cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    )
    lines: list[tuple[float, str]] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        t = time.perf_counter() - start
        line = line.rstrip("\n")
        lines.append((t, line))
        print(f"{t:7.1f}  {line}", flush=True)
    # wait4: this child's rusage, which includes every descendant it waited for (the compiler too)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    total = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    load = sampler.stop()
    if code != 0:
        sys.exit(f"setup.sh failed with status {code} (folder kept: {tmp})")
    floor = ""
    if args.floor:
        out = subprocess.run(
            [str(repo / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "bench_seed.py"), "--floor-only"],
            cwd=repo, env=env, capture_output=True, text=True,
        )
        failed = f"floor measurement failed: {out.stderr[-500:]}"
        floor = out.stdout.strip() if out.returncode == 0 else failed
        print(floor, flush=True)
    if args.keep:
        print(f"kept: {tmp}", flush=True)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"steps": steps_of(lines, total), "total": total, "cpu": cpu, "load": load, "floor": floor}


def steps_of(lines: list[tuple[float, str]], total: float) -> dict[str, float]:
    """Step name → seconds, from the script's own timings, else from the gaps between its lines."""
    own = {m["step"]: float(m["s"]) for _, text in lines if (m := STEP_SECONDS.match(text))}
    if own:
        return own
    marks = [(t, m["text"]) for t, text in lines if (m := SETUP_LINE.match(text))]
    steps: dict[str, float] = {}
    if marks and marks[0][0] > 0.5:
        steps["(before the first step line)"] = marks[0][0]
    for (t, text), nxt in zip(marks, [*marks[1:], (total, "")], strict=True):
        steps[text] = steps.get(text, 0.0) + nxt[0] - t
    return steps


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", choices=("offline", "test"), default="offline")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--rev", default="HEAD", help="revision of this repository to set up (default: HEAD)")
    ap.add_argument("--pypi-only", action="store_true", help="ignore pip config files and local mirrors")
    ap.add_argument("--floor", action="store_true", help="then measure the model's floor on this machine")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = ap.parse_args()
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", args.rev], check=True, capture_output=True, text=True
    ).stdout.strip()
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    runs = [one_run(args, sha, i) for i in range(args.runs)]

    pip_sources = "PyPI only" if args.pypi_only else "pip as configured on this machine"
    print()
    print(
        f"set-up from a bare state: `bash scripts/setup.sh {args.profile}` at {sha[:10]}, {when}, "
        f"{os.cpu_count()} cores, {pip_sources}, {len(runs)} run(s)"
    )
    print()
    names: list[str] = []
    for r in runs:
        names += [n for n in r["steps"] if n not in names]
    header = " | ".join(f"run {i + 1} s" for i in range(len(runs)))
    print(f"| step | {header} |")
    print("| --- |" + " ---: |" * len(runs))
    for n in names:
        cells = " | ".join(f"{r['steps'][n]:.1f}" if n in r["steps"] else "–" for r in runs)
        print(f"| {n} | {cells} |")
    totals = " | ".join(f"**{r['total']:.1f}**" for r in runs)
    print(f"| **total (wall)** | {totals} |")
    loads = " | ".join(
        f"{min(ld):.1f} / {statistics.mean(ld):.1f} / {max(ld):.1f}" if (ld := r["load"]) else "–"
        for r in runs
    )
    print(f"| load average (1 min) during the run, min / mean / max | {loads} |")
    cpus = " | ".join(f"{r['cpu']:.0f}" for r in runs)
    print(f"| CPU seconds (user + sys) of the set-up and everything it ran | {cpus} |")
    for i, r in enumerate(runs):
        if r["floor"]:
            print()
            print(f"run {i + 1}, the machine's floor right after the set-up:")
            print(r["floor"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
