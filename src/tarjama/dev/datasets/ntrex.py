"""NTREX-128 development split (Arabic→English news), read in place.

The file is UTF-8 TSV with header ``doc_id ar en``, one sentence per row, rows in document
order; consecutive rows with the same ``doc_id`` form one document, and each sentence is
treated as a one-sentence paragraph. Licence CC BY-SA 4.0 (Federmann, Kocmi and Xin,
2022); keep the attribution wherever figures computed on it are published.

``fixed_sample`` picks whole documents at evenly spaced positions, so the sample is
document-aligned, reproducible and spread over the whole set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama import settings
from tarjama.errors import TarjamaError
from tarjama.text.textio import read_text

if TYPE_CHECKING:
    from tarjama.engines.gguf.retrieval import ExamplePool

ATTRIBUTION = "NTREX-128 (Federmann, Kocmi and Xin, 2022), CC BY-SA 4.0"


@dataclass
class NtrexDocument:
    doc_id: str
    ar: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)

    def source_text(self) -> str:
        """The Arabic as a document of one-sentence paragraphs."""
        return "\n\n".join(self.ar) + "\n"


def default_path() -> Path | None:
    """The ``ntrex`` setting (``tarjama.settings``: $TARJAMA_NTREX, else beside the repository), if there."""
    path = settings.path("ntrex")
    return path if path.is_file() else None


def read_ntrex(path: str | Path) -> list[NtrexDocument]:
    text = read_text(path)
    lines = text.splitlines()
    if not lines or lines[0].split("\t") != ["doc_id", "ar", "en"]:
        raise TarjamaError(f"{path}:1: expected the header 'doc_id<TAB>ar<TAB>en'")
    docs: list[NtrexDocument] = []
    for number, line in enumerate(lines[1:], start=2):
        cols = line.split("\t")
        if len(cols) != 3 or not all(c.strip() for c in cols):
            raise TarjamaError(
                f"{path}:{number}: need 3 non-empty tab-separated columns (doc_id, ar, en), got {len(cols)}"
            )
        doc_id, ar, en = (c.strip() for c in cols)
        if not docs or docs[-1].doc_id != doc_id:
            docs.append(NtrexDocument(doc_id))
        docs[-1].ar.append(ar)
        docs[-1].en.append(en)
    return docs


def fixed_sample(docs: list[NtrexDocument], n_docs: int) -> list[NtrexDocument]:
    """``n_docs`` whole documents at evenly spaced positions (first and last included)."""
    if n_docs >= len(docs):
        return list(docs)
    if n_docs == 1:
        return [docs[0]]
    step = (len(docs) - 1) / (n_docs - 1)
    return [docs[round(i * step)] for i in range(n_docs)]


def example_pool(path: str | Path | None = None) -> ExamplePool:
    """Every ntrex-dev pair as an example pool for the embedded engine's retrieval variants."""
    from tarjama.engines.gguf.retrieval import ExamplePool, PoolEntry

    path = path or default_path()
    if path is None:
        raise TarjamaError(
            "example retrieval needs the ntrex-dev split ($TARJAMA_NTREX or ../shared/data/ntrex-dev); "
            "use a variant without retrieval"
        )
    return ExamplePool(
        PoolEntry(doc.doc_id, ar, en)
        for doc in read_ntrex(path)
        for ar, en in zip(doc.ar, doc.en, strict=True)
    )
