"""Translate many documents: the same as ``tarjama batch …`` (see ``tarjama batch --help``).

A thin wrapper for environments where the console script is not on PATH, e.g.
``python scripts/translate_batch.py articles/ --out-dir out/articles --engine gguf``.
"""

from __future__ import annotations

import sys

from tarjama.cli import main

if __name__ == "__main__":
    sys.exit(main(["batch", *sys.argv[1:]]))
