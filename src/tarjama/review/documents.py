"""The documents a review PATH holds, sentence by sentence, and how a reviewed one is written.

Two kinds of PATH:

* a ``tarjama batch`` output folder. ``provenance.jsonl`` names each document's source file,
  output, format, engine and glossary; the latest ``done`` record of each output is the
  document. Its sentences are rebuilt from the source with batch's own code
  (``batch.inputs.read_source``, ``document.requests.build_requests``), so they are exactly the
  segments batch translated, and each machine translation is taken from the translation
  memory by the segment's key (``TranslationRequest.key()``, with and without context, as
  the engine keyed it) under the run's engine and glossary; when the glossary has changed
  since the run (other term hints, other keys) by the segment's source text instead, with
  the notes, terms, findings and confidence the memory keeps.
* a ``tarjama translate --format jsonl`` file (``record.read_translation``): every sentence
  with its translation, notes, terms, findings, confidence and origin.

Paths: outputs named in ``provenance.jsonl`` must lie inside the folder (a record naming a
file elsewhere makes that document unavailable); source files are read, never written.
Export writes ``<output stem>.reviewed<suffix>`` beside the document's output, through the
writers batch uses (``Source.render`` over ``Document.reassemble``) or the one JSONL writer
(``TranslatedDocument.records``), never over an input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.batch.inputs import InputFile, Source, read_source
from tarjama.document.model import Document, parse_text
from tarjama.document.record import (
    ParagraphResult,
    SentenceResult,
    TranslatedDocument,
    TranslationFile,
    read_translation,
)
from tarjama.document.requests import PreparedSegment, build_requests
from tarjama.errors import TarjamaError
from tarjama.text.textio import read_text
from tarjama.translate.run import assemble
from tarjama.types import (
    AR_EN,
    Confidence,
    Direction,
    EngineIdentity,
    Finding,
    Note,
    SegmentTranslation,
    TermOutcome,
    TranslationRequest,
    describe_identity,
)

if TYPE_CHECKING:
    from tarjama.glossary import Glossary, GlossaryEntry
    from tarjama.memory.store import Approval, Comment, Status, TranslationMemory

PROVENANCE = "provenance.jsonl"  # the name tarjama.batch.runner writes
REVIEWED_TAG = ".reviewed"
_FORMATS = ("txt", "md", "jsonl", "tsv")


@dataclass
class Sentence:
    """One translatable segment of a document under review."""

    number: int  # position in the document, 0-based: how pages and requests name it
    label: str  # where it is, for people: "¶3.2", or "line 5 ¶1.2" in a JSONL/TSV batch input
    unit: int  # the JSONL record or TSV row of a batch input (0 for other documents)
    paragraph: int
    index: int  # among its paragraph's translatable sentences
    segment: int  # the segment's index in its paragraph (markup included)
    source: str
    machine: str | None  # the machine translation, when known
    recorded: str | None = None  # the English the reviewed file holds, when it is not the machine's
    notes: list[str] = field(default_factory=list)
    terms: TermOutcome | None = None
    findings: list[Finding] = field(default_factory=list)  # as recorded when it was translated
    confidence: Confidence | None = None
    # Set by the workspace against the current glossary (``attach``).
    request: TranslationRequest = field(default_factory=lambda: TranslationRequest(""))
    key: str = ""  # request.key(): the approval key
    expected: list[GlossaryEntry] = field(default_factory=list)
    approval: Approval | None = None
    status: Status | None = None  # its latest status row (draft, rejected), from the memory
    comment: Comment | None = None  # its standing comment, from the memory

    def attach(self, request: TranslationRequest, expected: list[GlossaryEntry]) -> None:
        self.request, self.key, self.expected = request, request.key(), expected

    @property
    def current(self) -> str | None:
        """The English as it stands: the latest approval, else the machine's, else the file's."""
        if self.approval is not None:
            return self.approval.translation
        return self.machine if self.machine is not None else self.recorded


@dataclass
class ReviewDocument:
    """A document of the session; ``problem`` says why one cannot be reviewed (listed only)."""

    number: int
    name: str  # shown to people: the output's path relative to its PATH
    kind: str  # "batch" or "jsonl"
    format: str  # the output's format: txt, md, jsonl or tsv
    root: Path  # the PATH (folder) it was found under, resolved
    output: Path  # the batch output, or the translate JSONL itself, resolved
    memory_path: Path
    source_path: Path | None = None
    engine: dict[str, Any] | None = None
    sentences: list[Sentence] = field(default_factory=list)
    problem: str | None = None
    # The run's languages (provenance or JSONL ``direction``): requests and keys are the run's.
    direction: Direction = AR_EN
    # How to write it back: a batch input's units and their segments, or the JSONL's records.
    _source: Source | None = None
    _prepared: list[list[PreparedSegment]] = field(default_factory=list)
    _file: TranslationFile | None = None
    _glossary_info: dict[str, str] | None = None

    @property
    def engine_name(self) -> str:
        return describe_identity(self.engine) if self.engine else "unknown engine"

    def export_path(self) -> Path:
        """``a/b.en.txt`` → ``a/b.en.reviewed.txt``: beside the output, never the output itself."""
        return self.output.with_name(self.output.stem + REVIEWED_TAG + self.output.suffix)

    def inputs(self) -> list[Path]:
        """Files an export must never replace."""
        return [p for p in (self.output, self.source_path, self.memory_path) if p is not None]

    def render(self, translations: Sequence[str], human: Callable[[Sentence], tuple[str, TermOutcome | None]]
               ) -> str:
        """The document in its output format with ``translations[i]`` for sentence ``i``.

        ``human(sentence)`` gives an approved sentence's note and term record (JSONL only).
        """
        if self._source is not None:
            return self._render_batch(translations)
        assert self._file is not None
        return self._render_jsonl(translations, human)

    def xliff(
        self, translations: Sequence[str], notes: Sequence[Sequence[Note]], approved: Sequence[bool]
    ) -> str:
        """The document as XLIFF 1.2 for a CAT tool: ``translations[i]`` as sentence ``i``'s target,
        ``notes[i]`` (its comment) as notes, an approved sentence's state ``final``.

        A document of one text or Markdown unit, or a translate JSONL whose paragraphs split into
        the same sentences again; anything else is refused in one line.
        """
        from tarjama.formats.xliff import export

        document, prepared = self._xliff_document()
        results = [SegmentTranslation(t, list(n), origin="human" if a else "machine")
                   for t, n, a in zip(translations, notes, approved, strict=True)]
        result = assemble(document, prepared, results, [False] * len(results),
                          engine=_identity(self.engine), glossary=self._glossary_info, seconds=0.0)
        datatype = "x-markdown" if self.format == "md" else "plaintext"
        return _final(export(result, original=self.name, datatype=datatype), result)

    def _xliff_document(self) -> tuple[Document, list[PreparedSegment]]:
        refuse = TarjamaError(f"{self.name}: its sentences cannot be laid out as one XLIFF file (several "
                              "records or rows); export it in its own format, or translate it with "
                              "--format xliff")
        if self._source is not None:
            if len(self._source.units) != 1:
                raise refuse
            return self._source.units[0].document, self._prepared[0]
        assert self._file is not None
        document = parse_text("\n\n".join(p.source for p in self._file.paragraphs) + "\n")
        prepared = build_requests(document, None)
        if [p.request.source for p in prepared] != [s.source for s in self.sentences]:
            raise refuse
        return document, prepared

    def _render_batch(self, translations: Sequence[str]) -> str:
        """Batch's own writer: each unit assembled from its segments as the runner assembles it."""
        assert self._source is not None
        by_segment: dict[tuple[int, int, int], str] = {}
        for s, text in zip(self.sentences, translations, strict=True):
            by_segment[(s.unit, s.paragraph, s.segment)] = text
        engine = _identity(self.engine)
        results = []
        for u, (unit, prepared) in enumerate(zip(self._source.units, self._prepared, strict=True)):
            texts = [by_segment[(u, p.paragraph.index, p.segment.index)] for p in prepared]
            results.append(assemble(
                unit.document, prepared, [SegmentTranslation(t) for t in texts], [False] * len(prepared),
                engine=engine, glossary=self._glossary_info, seconds=0.0, direction=self.direction,
            ))
        rendered = self._source.render(results)
        assert isinstance(rendered, str)  # review opens text formats only (_FORMATS)
        return rendered

    def _render_jsonl(
        self, translations: Sequence[str], human: Callable[[Sentence], tuple[str, TermOutcome | None]]
    ) -> str:
        assert self._file is not None
        by_place = {(s.paragraph, s.index): (s, t) for s, t in zip(self.sentences, translations, strict=True)}
        paragraphs: list[ParagraphResult] = []
        for p in self._file.paragraphs:
            sentences: list[SentenceResult] = []
            for old in p.sentences:
                s, text = by_place[(p.index, old.index)]
                if s.approval is not None:
                    note, terms = human(s)
                    sentences.append(replace(old, translation=text, origin="human", notes=[note], terms=terms,
                                             seconds=0.0, findings=[], confidence=None))
                else:
                    sentences.append(replace(old, translation=text))
            translation = splice(p.translation, [(o.translation, n.translation)
                                                 for o, n in zip(p.sentences, sentences, strict=True)])
            paragraphs.append(replace(p, sentences=sentences, translation=translation))
        identity = EngineIdentity(**self.engine) if self.engine else EngineIdentity("unknown", "unknown")
        # records() reads paragraphs, engine and glossary only; the source document is not needed.
        empty = Document(text="", paragraphs=[], separators=[""])
        result = TranslatedDocument(empty, paragraphs, identity, self._glossary_info, 0.0, self.direction)
        return result.jsonl()


def _final(text: str, result: TranslatedDocument) -> str:
    """XLIFF 1.2 targets of approved sentences get ``state="final"`` (a person signed them off)."""
    from lxml import etree

    ids = {f"p{para.index + 1}.s{s.index + 1}"
           for para in result.paragraphs for s in para.sentences if s.origin == "human"}
    if not ids:
        return text
    root = etree.fromstring(text.encode("utf-8"))
    for unit in root.iter("{*}trans-unit"):
        if unit.get("id") in ids:
            for target in unit.iter("{*}target"):
                target.set("state", "final")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode") + "\n"


def splice(paragraph: str, changes: Sequence[tuple[str, str]]) -> str:
    """``paragraph`` with each sentence translation replaced, in order, keeping what lies between.

    A translate JSONL paragraph is its sentences' translations joined with the source's layout
    (spaces, line breaks, Markdown markup); each old translation is found after the previous
    one. Should one not be found (a file edited by hand), the sentences are joined with spaces.
    """
    out: list[str] = []
    pos = 0
    for old, new in changes:
        at = paragraph.find(old, pos) if old else -1
        if at < 0:
            return " ".join(new for _, new in changes)
        out.append(paragraph[pos:at])
        out.append(new)
        pos = at + len(old)
    out.append(paragraph[pos:])
    return "".join(out)


# --- batch output folders ---------------------------------------------------------------------


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def locate_output(recorded: str, root: Path) -> Path | None:
    """The file a provenance record's ``output`` names, if it lies inside ``root`` (resolved).

    Recorded paths are as batch was given them (relative to where it ran), so a path that
    does not resolve from here is tried as a tail of itself below ``root``.
    """
    path = Path(recorded)
    candidates = [path if path.is_absolute() else Path.cwd() / path]
    parts = path.parts
    candidates += [root.joinpath(*parts[k:]) for k in range(len(parts)) if not Path(*parts[k:]).is_absolute()]
    for candidate in candidates:
        resolved = candidate.resolve()
        if _under(resolved, root) and resolved.is_file():
            return resolved
    return None


def read_provenance(folder: Path) -> list[dict[str, Any]]:
    """The latest ``done`` record of each output in ``folder/provenance.jsonl``, in file order."""
    path = folder / PROVENANCE
    latest: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise TarjamaError(f"{path}:{number}: not valid JSON; this file is written by tarjama batch "
                               "(a torn last line after a crash can be deleted)") from None
        if not isinstance(record, dict) or not isinstance(record.get("source"), str):
            raise TarjamaError(f"{path}:{number}: not a tarjama batch provenance record")
        if record.get("status") == "done" and isinstance(record.get("output"), str):
            record["_line"] = number
            latest.pop(record["output"], None)
            latest[record["output"]] = record
    return list(latest.values())


def batch_documents(
    folder: Path,
    memory: TranslationMemory,
    memory_path: Path,
    glossary: Glossary | None,
    *,
    first_number: int,
    field_name: str,
    column: str,
) -> list[ReviewDocument]:
    """Every document of a batch output folder, with machine translations from ``memory``."""
    root = folder.resolve()
    documents = []
    for record in read_provenance(folder):
        number = first_number + len(documents)
        documents.append(
            _batch_document(record, root, memory, memory_path, glossary, number, field_name, column)
        )
    documents.sort(key=lambda d: d.name)
    for k, doc in enumerate(documents):
        doc.number = first_number + k
    return documents


def _batch_document(
    record: dict[str, Any],
    root: Path,
    memory: TranslationMemory,
    memory_path: Path,
    glossary: Glossary | None,
    number: int,
    field_name: str,
    column: str,
) -> ReviewDocument:
    where = f"{root / PROVENANCE}:{record['_line']}"
    fmt = record.get("format")
    output = locate_output(record["output"], root)
    engine = record.get("engine") if isinstance(record.get("engine"), dict) else None
    doc = ReviewDocument(
        number=number,
        name=record["output"] if output is None else output.relative_to(root).as_posix(),
        kind="batch",
        format=fmt if isinstance(fmt, str) else "?",
        root=root,
        output=output or root / PROVENANCE,
        memory_path=memory_path,
        engine=engine,
    )
    if output is None:
        doc.problem = (f"{where}: output {record['output']} is not a file inside {root}; only files under "
                       "the given folder are opened")
        return doc
    if fmt not in _FORMATS:
        doc.problem = (f"{where}: format {fmt!r} is not reviewed here (only {', '.join(sorted(_FORMATS))}); "
                       "translate it with --format xliff and review it in a CAT tool")
        return doc
    source_path = Path(record["source"])
    doc.source_path = source_path.resolve()
    if not source_path.is_file():
        doc.problem = (f"{where}: source {record['source']} not found (provenance paths are relative to the "
                       "folder tarjama batch ran in: run tarjama review from there)")
        return doc
    item = InputFile(source_path, source_path.name, fmt)
    try:
        source = read_source(item, field_name=record.get("field") or field_name,
                             column=record.get("column") or column)
    except TarjamaError as exc:
        doc.problem = str(exc)
        return doc
    direction = record.get("direction")
    doc.direction = Direction.parse(direction) if direction in ("ar-en", "en-ar") else AR_EN
    prepared = [build_requests(unit.document, glossary, doc.direction) for unit in source.units]
    flat = [p for unit in prepared for p in unit]
    gloss = record.get("glossary")
    digest = gloss.get("sha256") if isinstance(gloss, dict) else None
    machine = _machine_translations(memory, engine, digest, flat)
    several = len(source.units) > 1 or fmt in ("jsonl", "tsv")
    for u, (unit, unit_prepared) in enumerate(zip(source.units, prepared, strict=True)):
        counts: dict[int, int] = {}
        for p in unit_prepared:
            index = counts.get(p.paragraph.index, 0)
            counts[p.paragraph.index] = index + 1
            entry = machine[len(doc.sentences)]
            label = f"¶{p.paragraph.index + 1}.{index + 1}"
            if several:
                label = f"line {unit.line} {label}" if unit.line else f"{u + 1} {label}"
            doc.sentences.append(Sentence(
                number=len(doc.sentences), label=label, unit=u, paragraph=p.paragraph.index, index=index,
                segment=p.segment.index, source=p.request.source,
                machine=entry.text if entry else None,
                notes=list(entry.notes) if entry else [], terms=entry.terms if entry else None,
                findings=list(entry.findings) if entry else [],
                confidence=entry.confidence if entry else None,
            ))
    doc._source, doc._prepared = source, prepared
    return doc


def _machine_translations(
    memory: TranslationMemory,
    engine: dict[str, Any] | None,
    digest: str | None,
    prepared: list[PreparedSegment],
) -> list[SegmentTranslation | None]:
    """Each segment's machine translation in the memory: by exact key, else by source text."""
    if engine is None:
        return [None] * len(prepared)
    memory.scope(engine, digest)
    keys = [(p.request.key(), p.request.key(with_context=True)) for p in prepared]
    found = memory.get_many(k for pair in keys for k in pair)
    out: list[SegmentTranslation | None] = [found.get(plain) or found.get(ctx) for plain, ctx in keys]
    lost = [p.request.source for p, entry in zip(prepared, out, strict=True) if entry is None]
    if lost:
        by_source = memory.machine_by_source(lost)
        out = [entry or by_source.get(p.request.source) for p, entry in zip(prepared, out, strict=True)]
    return out


# --- translate JSONL files ------------------------------------------------------------------


def jsonl_document(path: Path, memory_path: Path, *, number: int) -> ReviewDocument:
    """A ``tarjama translate --format jsonl`` file as a document under review."""
    resolved = path.resolve()
    text = read_text(path)
    tfile = read_translation(path, text=text, need_sentences=True)
    doc = ReviewDocument(
        number=number,
        name=path.name,
        kind="jsonl",
        format="jsonl",
        root=resolved.parent,
        output=resolved,
        memory_path=memory_path,
        engine=tfile.engines[0] if tfile.engines else None,
    )
    doc._file = tfile
    doc.direction = tfile.direction or AR_EN
    doc._glossary_info = _first_glossary(text)
    for p in tfile.paragraphs:
        for s in p.sentences:
            doc.sentences.append(Sentence(
                number=len(doc.sentences), label=f"¶{p.index + 1}.{s.index + 1}", unit=0, paragraph=p.index,
                index=s.index, segment=s.index, source=s.source,
                # A sentence the file already took from an approval: the machine text is the approval's.
                machine=s.translation if s.origin == "machine" else None,
                recorded=None if s.origin == "machine" else s.translation,
                notes=list(s.notes), terms=s.terms, findings=list(s.findings), confidence=s.confidence,
            ))
            if s.origin != "machine":
                doc.sentences[-1].notes.insert(0, f"origin: {s.origin} in {path.name}")
    return doc


def _first_glossary(text: str) -> dict[str, str] | None:
    for line in text.splitlines():
        if line.strip():
            record = json.loads(line)
            gloss = record.get("glossary")
            return gloss if isinstance(gloss, dict) else None
    return None


def _identity(engine: dict[str, Any] | None) -> EngineIdentity:
    """The engine a batch record names, as an identity (what an XLIFF export records)."""
    engine = engine or {}
    return EngineIdentity(str(engine.get("engine", "unknown")), str(engine.get("model", "unknown")),
                          engine.get("revision"), engine.get("sha256"), dict(engine.get("params") or {}))
