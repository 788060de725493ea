"""``tarjama glossary``: list, add, remove, lint, import and export glossary entries; suggest
entries from the translation memory's approvals.

Every write goes through ``tarjama.glossary.tsv.edit`` (locked against other processes, read
afresh, comments, blank lines and row order kept; add appends a row, remove deletes rows) and
is atomic. A file that does not parse is refused with
its line number and left byte-for-byte as it was. ``suggest --memory DB`` lists the names and
terms editors approved the same way in several sentences (``tarjama.memory.learn``) and writes
nothing; ``--accept N`` appends the chosen ones, only if lint finds no new problem with them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama import settings
from tarjama.commands.common import check_output_path, int_in
from tarjama.errors import TarjamaError
from tarjama.glossary import KINDS, Glossary, GlossaryEntry
from tarjama.glossary.files import FORMATS, Options, describe_counts, detect, make
from tarjama.glossary.lint import lint_file
from tarjama.glossary.tsv import edit
from tarjama.text.arabic import normalize


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "glossary",
        help="list, edit, check and convert the term glossary",
        description="Manage the glossary TSV (columns ar, en, kind, note, en_variants). "
        "`lint` explains every finding; see tarjama.glossary.lint for their meaning.",
    )
    actions = parser.add_subparsers(dest="glossary_action", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--glossary", "-g", type=Path, default=settings.path("glossary"), metavar="PATH",
                        help=f"glossary file (default: {settings.value('glossary')})")

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

    p = actions.add_parser(
        "suggest", parents=[common], help="propose entries from the translation memory's approvals",
        description="List the names and terms editors approved the same way in several sentences of the "
        "memory, each with its evidence; nothing is written unless --accept names it (lint runs first).",
    )
    p.add_argument("--memory", type=Path, required=True, metavar="DB",
                   help="the translation memory to learn from")
    p.add_argument("--accept", type=int_in(1), action="append", default=[], metavar="N",
                   help="append suggestion N of the listing (repeatable); refused whole if lint finds a "
                   "problem")
    p.set_defaults(func=cmd_suggest)

    p = actions.add_parser("lint", parents=[common], help="report problems, one per line (exit 1 if any)")
    p.set_defaults(func=cmd_lint)

    formats = "; ".join(f"{name}: {cls.summary}" for name, cls in FORMATS.items())
    p = actions.add_parser("import", parents=[common], help="append entries from another tool's file",
                           description=f"Formats — {formats}.")
    p.add_argument("source", type=Path, help="a .csv, .xlsx, .tbx or .tsv file")
    p.add_argument("--format", choices=list(FORMATS),
                   help="default: from the suffix (.csv is told apart by its first row)")
    p.add_argument("--kind", choices=KINDS, default="concept",
                   help="kind of entries whose file gives none (default: concept)")
    p.set_defaults(func=cmd_import)

    p = actions.add_parser("export", parents=[common], help="write the entries for another tool",
                           description=f"Formats — {formats}.")
    p.add_argument("dest", type=Path, help="a .csv, .xlsx, .tbx or .tsv file")
    p.add_argument("--format", choices=list(FORMATS),
                   help="default: from the suffix (.csv → csv, .tsv → deepl)")
    p.add_argument("--tbx-version", type=int, choices=(2, 3), default=3,
                   help="TBX written: 2 = TBX-Basic 2008 <martif> (most CAT tools), "
                   "3 = TBX 2019 <tbx> (default)")
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


def _already_mapped(entry: GlossaryEntry, entries: list[GlossaryEntry]) -> bool:
    """True when every source form of ``entry`` is already in the glossary with the same English.

    Formats that carry only source → target pairs (DeepL, Google) bring back entries without
    their kind, note or variants; importing them into the glossary they came from adds nothing.
    """
    taken = {normalize(f): e.en for e in entries for f in e.ar_forms}
    return all(taken.get(normalize(f)) == entry.en for f in entry.ar_forms)


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


def cmd_suggest(args: argparse.Namespace) -> int:
    from tarjama.glossary.lint import EntryRefused, add_entries
    from tarjama.memory.learn import suggest_terms
    from tarjama.memory.store import TranslationMemory

    if not args.memory.is_file():
        raise TarjamaError(f"{args.memory}: no such translation memory; give its path with --memory")
    glossary = Glossary.load(args.glossary) if Path(args.glossary).is_file() else None
    memory = TranslationMemory(args.memory, readonly=True)
    try:
        approvals = memory.standing_approvals()
    finally:
        memory.close()
    found = suggest_terms(approvals, glossary)
    if not args.accept:
        for n, t in enumerate(found, start=1):
            example = t.examples[0][1] if t.examples else ""
            print(f"{n}\t{t.ar}\t{t.en}\t{t.kind}\t{t.support} approvals\te.g. {example}")
        print(f"{args.memory}: {len(found)} suggestion(s) from {len(approvals)} approvals; nothing written "
              f"(append with --accept N)", file=sys.stderr)
        return 0
    wrong = [n for n in args.accept if n > len(found)]
    if wrong:
        raise TarjamaError(f"--accept {wrong[0]}: there are {len(found)} suggestions; list them without "
                           "--accept")
    rows = [{"ar": found[n - 1].ar, "en": found[n - 1].en, "kind": found[n - 1].kind,
             "note": f"approved in {found[n - 1].support} sentences"} for n in dict.fromkeys(args.accept)]
    try:
        written = add_entries(args.glossary, rows)
    except EntryRefused as exc:
        raise TarjamaError(f"{exc}: {'; '.join(exc.details)}") from None
    for e in written:
        print(f"{args.glossary}:{e.line}: added {e.en!r} ({' | '.join(e.ar_forms)})")
    return 0


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
    name = detect(args.source, args.format, writing=False)
    imported = make(name, Options(kind=args.kind)).read(args.source)
    incoming = imported.entries
    added = skipped = 0
    with edit(path, create=True) as (gfile, entries):
        for entry in incoming:
            if entry in entries or _already_mapped(entry, entries):
                skipped += 1
                continue
            clash = _clashes(entry, entries)
            if clash:
                raise TarjamaError(f"{args.source}: entry {entry.line} ({entry.en!r}): {clash}; "
                                   f"nothing was imported and {path} was not changed")
            gfile.append(entry)
            entries.append(entry)
            added += 1
    label = FORMATS[name].label
    print(f"{path}: imported {added} entr{'y' if added == 1 else 'ies'} from {args.source} ({label})"
          + (f", skipped {skipped} already present" if skipped else ""))
    if imported.into_note:
        print(f"{args.source}: kept in the note column: {describe_counts(imported.into_note)}",
              file=sys.stderr)
    if imported.skipped:
        print(f"{args.source}: not imported: {describe_counts(imported.skipped)}", file=sys.stderr)
    if imported.dropped:
        print(f"{args.source}: dropped (no column in the glossary): {describe_counts(imported.dropped)}",
              file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    name = detect(args.dest, args.format, writing=True)
    fmt = make(name, Options(tbx_version=args.tbx_version))
    check_output_path(args.dest, [args.glossary])
    entries = Glossary.load(args.glossary).entries
    report = fmt.write(entries, args.dest)
    what = f"TBX {'2008' if args.tbx_version == 2 else '2019'}" if name == "tbx" else fmt.label
    rows = "" if report.records == len(entries) else f" as {report.records} rows"
    print(f"{args.dest}: wrote {len(entries)} entries{rows} ({what})")
    if report.left_out:
        print(f"{args.dest}: left out ({what} cannot hold them): {describe_counts(report.left_out)}",
              file=sys.stderr)
    for warning in report.warnings:
        print(f"{args.dest}: {warning}", file=sys.stderr)
    return 0
