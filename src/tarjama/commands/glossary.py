"""``tarjama glossary``: list, add, remove, lint, import and export glossary entries.

Every write goes through ``tarjama.glossary.tsv.edit`` (locked against other processes, read
afresh, comments, blank lines and row order kept; add appends a row, remove deletes rows) and
is atomic. A file that does not parse is refused with
its line number and left byte-for-byte as it was.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama.arabic import normalize
from tarjama.commands.common import check_output_path, int_in
from tarjama.errors import TarjamaError
from tarjama.glossary import DEFAULT_PATH, KINDS, Glossary, GlossaryEntry
from tarjama.glossary.formats import FORMATS, format_of, read_entries, write_entries
from tarjama.glossary.lint import lint_file
from tarjama.glossary.tsv import edit


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "glossary",
        help="list, edit, check and convert the term glossary",
        description="Manage the glossary TSV (columns ar, en, kind, note, en_variants). "
        "`lint` explains every finding; see tarjama.glossary.lint for their meaning.",
    )
    actions = parser.add_subparsers(dest="glossary_action", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--glossary", "-g", type=Path, default=DEFAULT_PATH, metavar="PATH",
                        help=f"glossary file (default: {DEFAULT_PATH})")

    p = actions.add_parser("list", parents=[common], help="print the entries")
    p.add_argument("--kind", choices=KINDS, help="only entries of this kind")
    p.set_defaults(func=cmd_list)

    p = actions.add_parser("add", parents=[common], help="append an entry")
    p.add_argument("--ar", required=True, action="append", metavar="FORM",
                   help="source form (repeat, or separate with ' | ')")
    p.add_argument("--en", required=True, help="canonical English")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--note", default="")
    p.add_argument("--variant", action="append", default=[], metavar="EN",
                   help="English variant to rewrite to the canonical form (repeatable)")
    p.set_defaults(func=cmd_add)

    p = actions.add_parser("remove", parents=[common], help="delete entries")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--en", help="delete the entries with this canonical English")
    which.add_argument("--ar", metavar="FORM", help="delete the entries with this source form")
    which.add_argument("--line", type=int_in(1), metavar="N", help="delete the entry on this line")
    p.set_defaults(func=cmd_remove)

    p = actions.add_parser("lint", parents=[common], help="report problems, one per line (exit 1 if any)")
    p.set_defaults(func=cmd_lint)

    p = actions.add_parser("import", parents=[common], help="append entries from CSV or TBX-Basic")
    p.add_argument("source", type=Path, help="a .csv or .tbx file")
    p.add_argument("--format", choices=FORMATS, help="default: from the file suffix")
    p.set_defaults(func=cmd_import)

    p = actions.add_parser("export", parents=[common], help="write the entries as CSV or TBX-Basic")
    p.add_argument("dest", type=Path, help="a .csv or .tbx file")
    p.add_argument("--format", choices=FORMATS, help="default: from the file suffix")
    p.set_defaults(func=cmd_export)


def cmd_list(args: argparse.Namespace) -> int:
    for e in Glossary.load(args.glossary).entries:
        if args.kind in (None, e.kind):
            print(f"{e.line}\t{e.kind}\t{e.en}\t{' | '.join(e.ar_forms)}")
    return 0


def _clashes(entry: GlossaryEntry, entries: list[GlossaryEntry]) -> str | None:
    taken = {normalize(f): e for e in entries for f in e.ar_forms}
    for form in entry.ar_forms:
        other = taken.get(normalize(form))
        if other is not None:
            return f"source form {form!r} is already on line {other.line} (→ {other.en!r})"
    return None


def cmd_add(args: argparse.Namespace) -> int:
    path: Path = args.glossary
    forms = [f.strip() for arg in args.ar for f in arg.split("|")]
    variants = [v.strip() for v in args.variant]
    entry = GlossaryEntry(forms, args.en.strip(), args.kind, args.note.strip(), variants)
    with edit(path, create=True) as (gfile, entries):
        clash = _clashes(entry, entries)
        if clash:
            raise TarjamaError(f"{path}: {clash}; edit or remove that entry instead of adding a second one")
        line = gfile.append(entry)
    print(f"{path}:{line}: added {entry.en!r}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    path: Path = args.glossary
    with edit(path) as (gfile, entries):
        doomed = _doomed(args, entries)
        if not doomed:
            what = f"line {args.line}" if args.line is not None else repr(args.en or args.ar)
            raise TarjamaError(f"{path}: no entry matches {what}; see `tarjama glossary list`")
        gfile.remove_lines({e.line for e in doomed})
    for e in doomed:
        print(f"{path}:{e.line}: removed {e.en!r} ({' | '.join(e.ar_forms)})")
    return 0


def _doomed(args: argparse.Namespace, entries: list[GlossaryEntry]) -> list[GlossaryEntry]:
    if args.line is not None:
        return [e for e in entries if e.line == args.line]
    if args.en is not None:
        return [e for e in entries if e.en == args.en.strip()]
    form = normalize(args.ar)
    return [e for e in entries if form in {normalize(f) for f in e.ar_forms}]


def cmd_lint(args: argparse.Namespace) -> int:
    findings = lint_file(args.glossary)
    for finding in findings:
        print(finding)
    if findings:
        print(f"{args.glossary}: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print(f"{args.glossary}: no problems found", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path: Path = args.glossary
    incoming = read_entries(args.source, format_of(args.source, args.format))
    added = skipped = 0
    with edit(path, create=True) as (gfile, entries):
        for entry in incoming:
            if entry in entries:
                skipped += 1
                continue
            clash = _clashes(entry, entries)
            if clash:
                raise TarjamaError(f"{args.source}: entry {entry.line} ({entry.en!r}): {clash}; "
                                   f"nothing was imported and {path} was not changed")
            gfile.append(entry)
            entries.append(entry)
            added += 1
    print(f"{path}: imported {added} entr{'y' if added == 1 else 'ies'} from {args.source}"
          + (f", skipped {skipped} already present" if skipped else ""))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    check_output_path(args.dest, [args.glossary])
    entries = Glossary.load(args.glossary).entries
    write_entries(entries, args.dest, format_of(args.dest, args.format))
    print(f"{args.dest}: wrote {len(entries)} entries")
    return 0
