"""``tarjama glossary``: list, add, remove, lint, import and export glossary entries; suggest
entries from the translation memory's approvals.

Every write goes through ``tarjama.glossary.tsv.edit`` (locked against other processes, read
afresh, comments, blank lines and row order kept; add appends a row, remove deletes rows) and
is atomic. A file that does not parse is refused with
its line number and left byte-for-byte as it was.

``import`` reads the whole file first and reports every problem of it at once, each with its
line in the file: records the glossary's rules refuse, and source forms another entry already
has (``tarjama.glossary.importing``); any problem refuses the import, which then changes
nothing. ``--report`` lists them all and imports nothing; ``--skip-conflicts`` and
``--conflicts-as-variants`` import the rest of a file whose only problems are such conflicts;
``--arabic-codes`` names language codes to read as Arabic besides the default set.

``suggest --memory DB`` lists the names and terms editors approved the same way in several
sentences (``tarjama.memory.learn``) and writes nothing; ``--accept N`` appends the chosen
ones, only if lint finds no new problem with them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama import settings
from tarjama.commands.common import check_output_path, int_in
from tarjama.errors import TarjamaError
from tarjama.glossary import KINDS, Glossary, GlossaryEntry
from tarjama.glossary.files import FORMATS, Imported, Options, describe_counts, detect, make
from tarjama.glossary.lint import lint_file
from tarjama.glossary.tsv import edit
from tarjama.text.arabic import normalize

if TYPE_CHECKING:
    from tarjama.glossary.importing import ImportPlan


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
    p.add_argument("--report", action="store_true",
                   help="list every problem of the file (refused records, conflicts, what would be cleaned) "
                   "with its line in the file, and import nothing; exit 1 when there is one")
    clash = p.add_mutually_exclusive_group()
    clash.add_argument("--skip-conflicts", action="store_const", const="skip", dest="conflicts",
                       help="import the rest when a source form is already another entry's: keep that "
                       "entry, skip this one, and count it")
    clash.add_argument("--conflicts-as-variants", action="store_const", const="variants", dest="conflicts",
                       help="where a source form already has another English (one Arabic term, two "
                       "English terms, as in Weblate's glossaries), add this English to that entry as "
                       "an English variant")
    p.add_argument("--arabic-codes", type=_codes, default=(), metavar="CODES",
                   help="language codes to read as Arabic besides the default set (ar, ar-XX, arb and "
                   "the regional Arabic codes arz, ars, apc, ary, acm, aeb, afb…), comma-separated")
    p.set_defaults(func=cmd_import, conflicts="refuse")

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


def _codes(text: str) -> tuple[str, ...]:
    """``--arabic-codes arz,ars`` → ("arz", "ars"); each a language tag (private ones included)."""
    import re

    codes = tuple(c.strip() for c in text.split(",") if c.strip())
    bad = [c for c in codes if not re.fullmatch(r"[A-Za-z0-9]{1,8}(?:[-_][A-Za-z0-9]{1,8})*", c)]
    if not codes or bad:
        raise argparse.ArgumentTypeError(f"expected language codes separated by commas (e.g. arz,ars), "
                                         f"got {text!r}")
    return codes


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
    from tarjama.glossary.importing import plan_import

    path: Path = args.glossary
    name = detect(args.source, args.format, writing=False)
    imported = make(name, Options(kind=args.kind, arabic_codes=args.arabic_codes)).read(args.source)
    label = FORMATS[name].label
    if args.report:
        entries = Glossary.load(path).entries if path.exists() else []
        plan = plan_import(entries, imported.entries, "refuse")
        return _report(args, imported, plan)
    with edit(path, create=True) as (gfile, entries):
        plan = plan_import(entries, imported.entries, args.conflicts)
        if imported.problems or (plan.clashes and args.conflicts == "refuse"):
            raise TarjamaError(_refusal(args, imported, plan))
        for entry in plan.update:
            gfile.replace(entry)
        for entry in plan.add:
            gfile.append(entry)
    added = len(plan.add)
    print(f"{path}: imported {added} entr{'y' if added == 1 else 'ies'} from {args.source} ({label})"
          + (f", skipped {plan.present} already present" if plan.present else ""))
    if plan.skipped:
        print(f"{args.source}: skipped {plan.skipped} entries whose source form another entry already has "
              f"(--skip-conflicts; `--report` lists them)", file=sys.stderr)
    if plan.merged:
        print(f"{args.source}: {plan.merged} English terms added as English variants of the entry that has "
              "their source form (--conflicts-as-variants)", file=sys.stderr)
    _notes(args, imported)
    return 0


def _notes(args: argparse.Namespace, imported: Imported, *, notices: bool = True) -> None:
    """What the reader kept elsewhere, skipped, dropped or cleaned: one line each."""
    if imported.into_note:
        print(f"{args.source}: kept in the note column: {describe_counts(imported.into_note)}",
              file=sys.stderr)
    if imported.skipped:
        print(f"{args.source}: not imported: {describe_counts(imported.skipped)}", file=sys.stderr)
    if imported.dropped:
        print(f"{args.source}: dropped (no column in the glossary): {describe_counts(imported.dropped)}",
              file=sys.stderr)
    if imported.notices and notices:
        counts = Counter(p.code for p in imported.notices)
        first = imported.place(args.source, imported.notices[0].line)
        print(f"{args.source}: cleaned: {describe_counts(counts)} (first at {first}; `--report` lists them)",
              file=sys.stderr)


def _problem_lines(args: argparse.Namespace, imported: Imported, plan: ImportPlan) -> list[tuple[int, str]]:
    """Every problem as (line, message), in file order: refused records and clashes."""
    lines = [(p.line, p.message) for p in imported.problems]
    lines += [(c.entry.line, c.message(str(args.glossary))) for c in plan.clashes]
    return sorted(lines, key=lambda pair: pair[0])


def _refusal(args: argparse.Namespace, imported: Imported, plan: ImportPlan) -> str:
    problems = _problem_lines(args, imported, plan)
    kinds = []
    if imported.problems:
        kinds.append(f"{len(imported.problems)} refused record{'s' if len(imported.problems) > 1 else ''}")
    if plan.clashes:
        kinds.append(f"{len(plan.clashes)} conflict{'s' if len(plan.clashes) > 1 else ''} with "
                     "source forms another entry has")
    line, message = problems[0]
    return (f"{args.source}: {len(problems)} problem{'s' if len(problems) > 1 else ''} "
            f"({', '.join(kinds)}); the first, {imported.unit} {line}: {message}; list them all with --report"
            f"; nothing was imported and {args.glossary} was not changed")


def _report(args: argparse.Namespace, imported: Imported, plan: ImportPlan) -> int:
    """``--report``: every problem of the file with its line, nothing imported."""
    problems = _problem_lines(args, imported, plan)
    for line, message in problems:
        print(f"{imported.place(args.source, line)}: {message}")
    for notice in imported.notices:
        print(f"{imported.place(args.source, notice.line)}: cleaned on import: {notice.message}")
    print(f"{args.source}: {len(imported.entries)} entries read; {len(problems)} problem(s) "
          f"({len(imported.problems)} refused records, {len(plan.clashes)} conflicts), "
          f"{len(imported.notices)} cleaned; {len(plan.add)} would be added, {plan.present} already present; "
          "nothing was imported", file=sys.stderr)
    _notes(args, imported, notices=False)
    return 1 if problems else 0


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
