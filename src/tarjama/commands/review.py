"""``tarjama review``: post-edit translations in a browser, approve them into the translation memory.

Starts a local web server (``tarjama.review``) over ``tarjama batch`` output folders and
``tarjama translate --format jsonl`` files, prints its URL with a random access token, and
serves until Ctrl+C. It listens on 127.0.0.1 unless ``--host`` says otherwise (then it warns:
anyone with the URL can change the memory and the glossary). The memory is the batch
folder's (``.tarjama-memory.sqlite``) or the one beside a JSONL file, where ``tarjama
translate -o`` looks for it; ``--memory`` names another. The glossary is found as by every
command (``--glossary``, else ``references/glossary.tsv`` when present).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tarjama import settings
from tarjama.commands.common import glossary_path
from tarjama.errors import TarjamaError
from tarjama.memory.store import MEMORY_NAME


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review",
        help="post-edit translations in a browser: approve them into the memory, edit the glossary",
        description="Serve a local review page for tarjama batch output folders and tarjama translate "
        "--format jsonl files: edit the English sentence by sentence, approve it into the translation "
        "memory (it then outranks machine output in later translate and batch runs), add glossary "
        "entries, export the reviewed documents.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="a tarjama batch output folder, or tarjama translate --format jsonl files")
    p.add_argument("--memory", type=Path,
                   help=f"translation memory (default: the folder's {MEMORY_NAME}, or the one beside a JSONL "
                   "file, created there if missing)")
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--glossary", type=Path,
        help=f"glossary TSV to highlight and edit (default: {settings.value('glossary')}, if there)",
    )
    g.add_argument("--no-glossary", action="store_true",
                   help="no glossary: no term highlights, no glossary edits")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, help="port (default: 8765, or a free one when it is taken)")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.add_argument("--field", default="text",
                   help="JSONL field of batch inputs, when their provenance does not say (default: text)")
    p.add_argument("--column", default="text",
                   help="TSV column of batch inputs, when their provenance does not say (default: text)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.port is not None and not 0 <= args.port <= 65535:
        raise TarjamaError(f"--port must be between 0 and 65535, got {args.port}")
    gloss = glossary_path(args)
    if gloss is not None and not gloss.is_file():
        raise TarjamaError(f"{gloss}: glossary not found; check --glossary, or use --no-glossary")
    from tarjama.review.server import serve
    from tarjama.review.workspace import Workspace

    with Workspace.open(args.paths, memory=args.memory, glossary=gloss, field_name=args.field,
                        column=args.column) as workspace:
        notes = [f"{d.name}: not available: {d.problem}" for d in workspace.documents if d.problem]
        return serve(workspace, args.host, args.port, open_browser=args.open, notes=notes)
