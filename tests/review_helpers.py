"""What the review workbench's tests share: documents made with a scripted engine, a running
server, and a small HTTP client that speaks to it as a browser or a script would."""

from __future__ import annotations

import contextlib
import http.client
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.api import Translator
from tarjama.document.model import read_document
from tarjama.document.record import TranslatedDocument
from tarjama.engines.base import Engine, SegmentDone
from tarjama.glossary import Glossary
from tarjama.review.confidence import LOW_BELOW
from tarjama.review.server import Server
from tarjama.review.workspace import Workspace
from tarjama.types import Confidence, EngineIdentity, Finding, SegmentTranslation, TranslationRequest

# The flagged sentence's mean token log-probability: low, whatever the calibration.
FLAGGED_CONFIDENCE = round(LOW_BELOW - 0.1, 2)

GLOSSARY = """# a small glossary for the review tests
ar\ten\tkind\tnote\ten_variants
وكالة الفضاء الأوروبية\tEuropean Space Agency\torganisation\t\t
JAXA | جاكسا\tJAXA\torganisation\t\t
المريخ\tMars\tplace\t\t
القمر\tMoon\tplace\t\t
"""

ARTICLE = (
    "وقعت وكالة الفضاء الأوروبية اتفاقا مع جاكسا. وسيدرس الفريق المريخ في العام المقبل.\n\n"
    "أعلنت جاكسا عن مهمة جديدة إلى القمر. وقال المدير إن العمل بدأ.\n\n"
    "وتعمل الوكالتان على الدفع الكهربائي للمركبات.\n"
)


class Parrot(Engine):
    """A scripted engine: ``EN[<source>]`` followed by the hinted terms, except for sources in
    ``forget`` (their terms stay missing, as a weak model's would)."""

    name = "parrot"

    def __init__(self, forget: Sequence[str] = ()) -> None:
        self.forget = set(forget)
        self.calls: list[list[str]] = []

    @property
    def identity(self) -> EngineIdentity:
        return EngineIdentity("parrot", "rules", params={"forget": sorted(self.forget)})

    def translate(
        self, requests: Sequence[TranslationRequest], *, done: SegmentDone | None = None
    ) -> list[SegmentTranslation]:
        self.calls.append([r.source for r in requests])
        out = []
        for r in requests:
            terms = "" if r.source in self.forget else " ".join(h.target for h in r.hints)
            out.append(SegmentTranslation(f"EN[{r.source}]{' ' + terms if terms else ''}", seconds=0.01))
        return out


def write_glossary(folder: Path, text: str = GLOSSARY) -> Path:
    path = folder / "glossary.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def translate(source: Path, glossary: Path | None, engine: Engine | None = None) -> TranslatedDocument:
    gloss = Glossary.load(glossary) if glossary else None
    with Translator(engine or Parrot(), gloss, checks=None) as translator:
        return translator.translate_document(read_document(source))


def jsonl_with_findings(folder: Path, text: str = ARTICLE, *, name: str = "article.en.jsonl",
                        forget: Sequence[str] = ()) -> tuple[Path, Path]:
    """A translate JSONL whose sentence about "next year" carries fidelity findings; (jsonl, glossary)."""
    folder.mkdir(parents=True, exist_ok=True)
    glossary = folder / "glossary.tsv" if (folder / "glossary.tsv").exists() else write_glossary(folder)
    source = folder / "article.ar.txt"
    source.write_text(text, encoding="utf-8")
    doc = translate(source, glossary, Parrot(forget))
    out = folder / name
    flagged = next((s for s in doc.sentences() if "العام المقبل" in s.source), None)
    if flagged is None:
        out.write_text(doc.jsonl(), encoding="utf-8")
        return out, glossary
    start = flagged.source.index("العام المقبل")
    flagged.findings = [
        Finding("numbers", "“العام المقبل” has no counterpart in the English", (start, start + 12), None,
                "error"),
        Finding("length", "the English is long for its source", None, (0, 3), "warning"),
    ]
    flagged.confidence = Confidence(FLAGGED_CONFIDENCE, -4.2)
    out.write_text(doc.jsonl(), encoding="utf-8")
    return out, glossary


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """Requests to a review server; by default with the access token and the CSRF token."""

    def __init__(self, server: Server) -> None:
        self.port = server.port
        self.token = server.access.token
        self.csrf = server.access.csrf

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: bool = True,
        csrf: bool = True,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> Reply:
        sent: dict[str, str] = {}
        if token:
            sent["Authorization"] = f"token {self.token}"
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode("utf-8"))
        if data is not None:
            sent["Content-Type"] = content_type
            if csrf:
                sent["X-CSRF-Token"] = self.csrf
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            conn.close()

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, {} if body is None else body, **kwargs)

    def approve(self, doc: int, sentence: int, text: str, editor: str = "", **kwargs: Any) -> Reply:
        body = {"sentence": sentence, "translation": text, "editor": editor, "seconds": 5}
        return self.post(f"/api/doc/{doc}/approve", body, **kwargs)


@contextlib.contextmanager
def serving(paths: Sequence[Path], **options: Any) -> Iterator[tuple[Workspace, Server, Client]]:
    """A workspace over ``paths`` served on a free loopback port for the duration of the block."""
    with Workspace.open(paths, **options) as workspace:
        server = Server(workspace, "127.0.0.1", 0).start()
        try:
            yield workspace, server, Client(server)
        finally:
            server.stop()
