"""What importing another tool's entries into the glossary does: the plan, in one pass.

``plan_import(existing, incoming, conflicts)`` decides, for every incoming entry in file
order, against the glossary and the entries of the same file before it:

* **present**: the same entry, or every source form already mapped to the same English —
  nothing to add (an MT-service export coming back);
* **new**: none of its source forms is taken — added;
* **a clash**: a source form (compared as ``tarjama.text.arabic.normalize`` reads it) is
  already another entry's. With ``conflicts="refuse"`` (the default) every clash is listed
  and nothing is imported; ``"skip"`` keeps the first entry and counts the others;
  ``"variants"`` makes the clashing English an English variant of the entry that has the
  form (one Arabic term with two English terms, as Weblate's glossaries hold them: the first
  English becomes canonical, the second is rewritten to it), and imports the entry's other
  forms, if any, as an entry of their own.

Each entry is looked up in dictionaries, so a plan is linear in the size of the glossary and
the file (a 100,000-row export imports in seconds, not hours).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tarjama.errors import TarjamaError
from tarjama.glossary.entry import GlossaryEntry
from tarjama.text.arabic import normalize

CONFLICT_MODES = ("refuse", "skip", "variants")


@dataclass(frozen=True)
class Clash:
    """An incoming entry's source form that another entry already has."""

    entry: GlossaryEntry          # the incoming entry
    form: str
    other: GlossaryEntry          # the entry that has the form
    in_glossary: bool             # ``other`` is in the glossary (else earlier in the same file)

    def message(self, glossary: str) -> str:
        where = (f"in {glossary} on line {self.other.line}" if self.in_glossary
                 else f"on line {self.other.line} of this file")
        if self.other.en == self.entry.en:
            return (f"source form {self.form!r} is already {where} (→ {self.other.en!r}) in another entry; "
                    "merge the two entries")
        return (f"source form {self.form!r} → {self.entry.en!r} here, but → {self.other.en!r} {where}; "
                "one source form needs one English: keep one, or import with --skip-conflicts or "
                "--conflicts-as-variants")


@dataclass
class ImportPlan:
    add: list[GlossaryEntry] = field(default_factory=list)       # new entries, in file order
    update: list[GlossaryEntry] = field(default_factory=list)    # glossary entries given a variant
    present: int = 0
    clashes: list[Clash] = field(default_factory=list)            # every clash found
    skipped: int = 0                                              # entries skipped for a clash
    merged: int = 0                                               # English merged as variants


def _key(e: GlossaryEntry) -> tuple[object, ...]:
    return (tuple(e.ar_forms), e.en, e.kind, e.note, tuple(e.en_variants))


def plan_import(existing: list[GlossaryEntry], incoming: list[GlossaryEntry],
                conflicts: str = "refuse") -> ImportPlan:
    """The plan for adding ``incoming`` to a glossary holding ``existing`` (module docstring)."""
    if conflicts not in CONFLICT_MODES:
        raise TarjamaError(f"unknown conflict rule {conflicts!r}; use one of {', '.join(CONFLICT_MODES)}")
    plan = ImportPlan()
    holder: dict[str, tuple[GlossaryEntry, bool]] = {}  # normalised form → (entry, in the glossary)
    for e in existing:
        for form in e.ar_forms:
            holder.setdefault(normalize(form), (e, True))
    seen = {_key(e) for e in existing}
    updated: dict[int, GlossaryEntry] = {}
    for entry in incoming:
        forms = [(form, normalize(form)) for form in entry.ar_forms]
        if _key(entry) in seen or all(
            (h := holder.get(n)) is not None and h[0].en == entry.en for _f, n in forms
        ):
            plan.present += 1
            continue
        clashes = [Clash(entry, form, *holder[n]) for form, n in forms if n in holder]
        if not clashes:
            seen.add(_key(entry))
            plan.add.append(entry)
            for _form, n in forms:
                holder[n] = (entry, False)
            continue
        plan.clashes += clashes
        if conflicts == "skip":
            plan.skipped += 1
            continue
        if conflicts == "refuse":
            continue
        # variants: the English joins the entry that has the form; the other forms stand alone.
        first = clashes[0]
        target = first.other
        for english in (entry.en, *entry.en_variants):
            if english != target.en and english not in target.en_variants:
                target.en_variants.append(english)
                plan.merged += 1
        if first.in_glossary and id(target) not in updated:
            updated[id(target)] = target
            plan.update.append(target)
        rest = [form for form, n in forms if n not in holder]
        if rest:
            alone = GlossaryEntry(rest, entry.en, entry.kind, entry.note, list(entry.en_variants),
                                  line=entry.line)
            seen.add(_key(alone))
            plan.add.append(alone)
            for form in rest:
                holder[normalize(form)] = (alone, False)
    return plan
