#!/usr/bin/env python3
"""``tarjama batch --runner ray``: what this machine gives, 1 vs 2 actors, and an estimate for N machines.

Everything in one run, so that every ratio compares numbers taken under the same load:

1. **the machine**: a CPU-bound Python loop in 1 process, then in 2 at once; the ratio of their
   throughputs is what 2 workers can get here right now (2.0 on two idle cores). Measured
   before and after the Ray runs, with the load average each time;
2. **the cluster**: ``ray.init`` of a local cluster with 2 CPUs (start-up seconds);
3. **the tiny Marian model** (random weights, built here; every run starts from an empty
   memory) on ntrex-dev documents (read in place, written as .txt into a temporary folder)
   through the same library calls as ``tarjama batch --runner ray``, with 1 actor and with 2
   (``--rounds`` alternating pairs). Segments/s is measured over the *steady window*, from the
   moment every actor has loaded the model to the last batch, so start-up does not count;
   the whole run's rate (start-up and writing included) is shown too. Ratio = 2 actors ÷ 1
   actor; efficiency = that ratio ÷ the CPU loop's ratio (target ≥ 0.9). Also: actor start-up
   (dispatch → model loaded), model load, model loads counted, peak RSS of the driver, of each
   actor and of the whole cluster (every process under this one, sampled from /proc);
4. **N machines, estimated**: the per-batch times measured on the 2 actors (one busy 2-core
   machine), the driver's measured planning cost per segment and merge cost per batch, and
   the runner's waves (``RayOptions.wave_batches``; plan a wave, start actors, translate, merge)
   replayed by a small discrete-event simulation over N machines of 2 actors each; the table
   shows where the driver (the only memory writer) becomes the bottleneck.

No number is asserted. Linux only (/proc).

    .venv/bin/python scripts/bench_ray.py [--docs 12] [--batch-size 8] [--rounds 1]
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import logging
import math
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"


# -- 1. the machine -----------------------------------------------------------------------------


def spin(n: int) -> int:
    x = 0
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    return x


def cpu_ratio(n: int, repeats: int = 3) -> tuple[float, float, float]:
    """(loops/s in 1 process, loops/s in 2 at once, ratio), medians of ``repeats``."""
    one, two = [], []
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(spin, [1000, 1000]))  # both workers started
        for _ in range(repeats):
            start = time.perf_counter()
            pool.submit(spin, n).result()
            one.append(n / (time.perf_counter() - start))
            start = time.perf_counter()
            list(pool.map(spin, [n, n]))
            two.append(2 * n / (time.perf_counter() - start))
    a, b = statistics.median(one), statistics.median(two)
    return a, b, b / a


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


# -- memory of this process tree ----------------------------------------------------------------


def _status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            return dict(line.split(":", 1) for line in fh if ":" in line)
    except OSError:
        return {}


def _kib(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


class TreeMemory:
    """Samples the RSS of every process under this one (the Ray cluster it started) twice a second."""

    def __init__(self) -> None:
        self.peak_total = 0  # KiB, the largest sum of RSS over the tree at one moment
        self.peak_by_pid: dict[int, tuple[str, int]] = {}  # pid → (name, VmHWM KiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            parents: dict[int, int] = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                            parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                    except (OSError, IndexError, ValueError):
                        pass
            tree, frontier = set(), {me}
            while frontier:
                frontier = {p for p, pp in parents.items() if pp in frontier} - tree
                tree |= frontier
            total = _kib(_status(me).get("VmRSS"))
            for pid in tree:
                status = _status(pid)
                total += _kib(status.get("VmRSS"))
                name = status.get("Name", "").strip()
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as fh:
                        cmd = fh.read().split(b"\0")[0].decode(errors="replace")
                except OSError:
                    cmd = name
                self.peak_by_pid[pid] = (cmd or name, _kib(status.get("VmHWM")))
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(0.5)

    def actors(self) -> list[int]:
        return [kib for cmd, kib in self.peak_by_pid.values() if "TranslateBatch" in cmd]


# -- 3. Ray runs --------------------------------------------------------------------------------


@dataclass
class RayRun:
    actors: int
    segments: int = 0
    wall: float = 0.0  # runner.run, planning to last document written
    plan_seconds: float = 0.0  # before the first batch was handed over (reading, keys, memory)
    startup: float = 0.0  # dispatch → the last actor ready
    model_load: float = 0.0  # mean seconds inside an actor to load the engine
    loads: int = 0
    steady_segments: int = 0
    steady_seconds: float = 0.0
    service: list[float] = field(default_factory=list)  # per-batch seconds, per actor, steady state
    merge: list[float] = field(default_factory=list)  # driver seconds per batch (commit, files, documents)
    peak_driver_mib: float = 0.0
    peak_actor_mib: list[float] = field(default_factory=list)
    peak_cluster_mib: float = 0.0

    @property
    def steady_rate(self) -> float:
        return self.steady_segments / self.steady_seconds if self.steady_seconds else 0.0

    @property
    def wall_rate(self) -> float:
        return self.segments / self.wall if self.wall else 0.0


def ray_run(actors: int, inputs: Path, out: Path, model: Path, batch_size: int) -> RayRun:
    from tarjama.batch import BatchOptions, BatchRunner, discover
    from tarjama.batch.ray_runner import EngineSpec, RayExecutor, RayOptions
    from tarjama.memory.store import TranslationMemory
    from tarjama.translate.run import Translator

    result = RayRun(actors)
    found = discover([str(inputs)], out)
    options = BatchOptions(out_dir=out, batch_size=batch_size)
    translator = RayExecutor(
        EngineSpec("marian", str(model)), None, out, RayOptions(workers=actors, wave_batches=10**6),
        run_id=options.run_id,
    )  # fmt: skip
    marks: dict[str, float] = {}
    arrivals: list[tuple[float, int, int]] = []  # (time, segments, actor pid)
    inner = translator.translate

    def timed(work, size, **options):  # type: ignore[no-untyped-def]
        marks.setdefault("dispatch", time.time())
        for outcomes in inner(work, size, **options):
            arrivals.append((time.time(), len(outcomes), outcomes[0].process))
            handed = time.perf_counter()
            yield outcomes
            result.merge.append(time.perf_counter() - handed)  # the runner merged it meanwhile

    translator.translate = timed  # type: ignore[method-assign]
    memory = TranslationMemory(out / ".tarjama-memory.sqlite")
    with TreeMemory() as tree:
        started = time.time()
        runner = BatchRunner(Translator(executor=translator), memory, options)
        summary = runner.run(found.files, found.problems)
        result.wall = time.time() - started
    memory.close()
    translator.close()
    if summary.failures:
        sys.exit(f"{actors} actors: {len(summary.failures)} documents failed: {summary.failures[0].reason}")
    loads = translator.loads.records
    result.segments = summary.translated
    result.plan_seconds = marks["dispatch"] - started
    ready = max(r["ready"] for r in loads)
    result.startup = ready - marks["dispatch"]
    result.model_load = statistics.mean(r["seconds"] for r in loads)
    result.loads = len(loads)
    steady = [a for a in arrivals if a[0] > ready]
    if steady:
        result.steady_segments = sum(n for _, n, _ in steady)
        result.steady_seconds = steady[-1][0] - ready
    for pid in {p for _, _, p in arrivals}:
        times = [t for t, _, p in arrivals if p == pid and t > ready]
        result.service += [b - a for a, b in itertools.pairwise(times)]
    result.peak_driver_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.peak_actor_mib = [kib / 1024 for kib in tree.actors()]
    result.peak_cluster_mib = tree.peak_total / 1024
    return result


# -- 4. N machines ------------------------------------------------------------------------------


def simulate(
    machines: int, per_machine: int, run: RayRun, plan_per_segment: float, batch_size: int, segments: int
) -> tuple[float, float]:
    """(segments/s, driver busy share) for ``segments`` on ``machines`` × ``per_machine`` actors.

    Replays the runner's waves: the driver plans a wave (actors idle), the actors start and load
    the model (measured start-up), take batches in turn with the measured per-batch times, and
    the driver merges each arrival in order with the measured merge times.
    """
    actors = machines * per_machine
    wave_batches = max(256, 128 * actors)
    batches = math.ceil(segments / batch_size)
    clock = busy = 0.0
    k = 0
    while batches > 0:
        wave = min(wave_batches, batches)
        batches -= wave
        planning = plan_per_segment * wave * batch_size
        clock += planning
        busy += planning
        free = [clock + run.startup] * actors
        heapq.heapify(free)
        finished = []
        for _ in range(wave):
            start = heapq.heappop(free)
            end = start + run.service[k % len(run.service)]
            finished.append(end)
            heapq.heappush(free, end)
            k += 1
        driver = clock
        for i, end in enumerate(sorted(finished)):
            merge = run.merge[i % len(run.merge)]
            driver = max(driver, end) + merge
            busy += merge
        clock = driver
    return segments / clock, busy / clock


# -- the run ------------------------------------------------------------------------------------


def write_documents(folder: Path, n: int) -> int:
    from tarjama.dev.datasets.ntrex import default_path, fixed_sample, read_ntrex

    path = default_path()
    if path is None:
        sys.exit("ntrex-dev not found: set TARJAMA_NTREX or put it in ../shared/data/ntrex-dev/")
    docs = fixed_sample(read_ntrex(path), n)
    folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        (folder / f"{doc.doc_id}.ar.txt").write_text(doc.source_text(), encoding="utf-8")
    return sum(len(d.ar) for d in docs)


def tiny_model(folder: Path) -> Path:
    from tarjama.dev.datasets.ntrex import default_path
    from tarjama.dev.synthetic import build_marian

    lines = SEED.read_text(encoding="utf-8").splitlines()
    path = default_path()
    if path is not None:
        for row in path.read_text(encoding="utf-8").splitlines()[1:]:
            lines += row.split("\t")[1:]
    return build_marian(folder / "tiny-marian", [line for line in lines if line.strip()])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=12, help="ntrex-dev documents (default 12)")
    parser.add_argument("--batch-size", type=int, default=8, help="segments per batch (default 8)")
    parser.add_argument("--rounds", type=int, default=1, help="pairs of 1-actor and 2-actor runs (default 1)")
    parser.add_argument("--spin", type=int, default=20_000_000, help="CPU loop iterations (default 2e7)")
    parser.add_argument("--archive", type=int, default=1_000_000, help="segments for the N-machine estimate")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import ray

    stamp = time.strftime("%Y-%m-%d %H:%M")
    print(f"date {stamp} · {os.cpu_count()} CPUs · ray {ray.__version__}", flush=True)
    loads_seen = [load_average()]
    before = cpu_ratio(args.spin)
    print(f"CPU loop before: {before[0]:.3g} loops/s alone, {before[1]:.3g} with 2 processes, "
          f"ratio {before[2]:.2f} · load average {loads_seen[-1]}", flush=True)  # fmt: skip
    runs: list[RayRun] = []
    with tempfile.TemporaryDirectory(prefix="tarjama-bench-ray-") as tmp:
        work = Path(tmp)
        total = write_documents(work / "ntrex", args.docs)
        model = tiny_model(work)
        for attempt in range(3):  # on a loaded machine the raylet can miss Ray's 30 s start-up limit
            started = time.perf_counter()
            try:
                ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                         logging_level=logging.ERROR)  # fmt: skip
                break
            except Exception as exc:
                ray.shutdown()
                print(f"ray.init failed ({exc}); attempt {attempt + 1} of 3", flush=True)
        else:
            return 1
        cluster_start = time.perf_counter() - started
        print(f"ray.init (local cluster, 2 CPUs): {cluster_start:.1f} s; {args.docs} documents, {total} "
              f"segments, batch size {args.batch_size}", flush=True)  # fmt: skip
        try:
            for r in range(args.rounds):
                for actors in (1, 2):
                    run = ray_run(actors, work / "ntrex", work / f"out-{r}-{actors}", model, args.batch_size)
                    loads_seen.append(load_average())
                    print(f"  {actors} actor(s): {run.steady_rate:.2f} segments/s steady, {run.wall:.1f} s "
                          f"wall · load average {loads_seen[-1]}", flush=True)  # fmt: skip
                    runs.append(run)
        finally:
            ray.shutdown()
    after = cpu_ratio(args.spin)
    loads_seen.append(load_average())
    print(f"CPU loop after: ratio {after[2]:.2f} · load average {loads_seen[-1]}\n", flush=True)
    cpu = (before[2] + after[2]) / 2

    one = [r for r in runs if r.actors == 1]
    two = [r for r in runs if r.actors == 2]
    ratios = [b.steady_rate / a.steady_rate for a, b in zip(one, two, strict=True)]
    print("| run | segments | steady segments/s | whole run segments/s | ratio (2 ÷ 1 actor) | "
          "efficiency (ratio ÷ CPU ratio) | actor start-up s | model load s | model loads | "
          "peak RSS MiB: driver / each actor / cluster |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    cpu_cell = f"{before[2]:.2f} before, {after[2]:.2f} after"
    print(f"| CPU loop, 1 vs 2 processes | – | – | – | {cpu_cell} | – | – | – | – | – |")
    for i, run in enumerate(runs):
        pair = i // 2
        ratio = f"{ratios[pair]:.2f}" if run.actors == 2 else "1"
        eff = f"{ratios[pair] / cpu:.2f}" if run.actors == 2 else "–"
        actor_mib = ", ".join(f"{m:.0f}" for m in run.peak_actor_mib) or "?"
        print(f"| tiny Marian, {run.actors} actor{'s' if run.actors > 1 else ''} | {run.segments} "
              f"| {run.steady_rate:.2f} | {run.wall_rate:.2f} | {ratio} | {eff} | {run.startup:.1f} "
              f"| {run.model_load:.1f} | {run.loads} | {run.peak_driver_mib:.0f} / {actor_mib} / "
              f"{run.peak_cluster_mib:.0f} |")  # fmt: skip
    print(f"\nload average (1/5/15 min) at each step: {' → '.join(loads_seen)}")
    print(f"ray.init {cluster_start:.1f} s")

    # N machines of 2 actors: replay the 2-actor measurements.
    # Every 2-actor run's per-batch times; every run's merge times (the driver's work per batch).
    ref = RayRun(2, service=[t for r in two for t in r.service], merge=[m for r in runs for m in r.merge])
    ref.startup = statistics.mean(r.startup for r in two)
    ref.steady_segments = sum(r.steady_segments for r in two)
    ref.steady_seconds = sum(r.steady_seconds for r in two)
    plan_per_segment = statistics.mean(r.plan_seconds / r.segments for r in runs)
    merge = statistics.mean(ref.merge)
    driver_limit = args.batch_size / (merge + plan_per_segment * args.batch_size)
    print(f"\ndriver: planning {1000 * plan_per_segment:.2f} ms per segment, merge {1000 * merge:.1f} ms "
          f"per batch of {args.batch_size} → at most {driver_limit:.0f} segments/s; per-batch actor time "
          f"median {statistics.median(ref.service):.2f} s over {len(ref.service)} batches; actor start-up "
          f"{ref.startup:.1f} s per wave\n")  # fmt: skip
    print(f"| machines (2 actors each) | estimated segments/s, {args.archive:,} segments | speed-up vs 1 "
          "machine | efficiency | driver busy |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|")
    base = None
    for machines in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024):
        rate, busy = simulate(machines, 2, ref, plan_per_segment, args.batch_size, args.archive)
        base = base or rate
        speedup = rate / base
        print(f"| {machines} | {rate:.1f} | {speedup:.1f}× | {speedup / machines:.2f} | {100 * busy:.0f} % |")
    print(f"\n(measured 2-actor steady rate {ref.steady_rate:.2f} segments/s; the 1-machine estimate "
          "replays it with start-up and waves)")  # fmt: skip
    print(json.dumps({"cpu_ratio": [before[2], after[2]], "ray_ratios": ratios,
                      "efficiency": [x / cpu for x in ratios]}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
