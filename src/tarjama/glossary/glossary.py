"""A loaded glossary: entries in file order, a content digest, and term matching in Arabic.

``Glossary.load`` reads and validates a TSV file (``tsv``); the first fatal problem raises
with its line. ``Glossary.match`` finds terms in Arabic text (``matcher``, over the normalised
view of ``tarjama.text.arabic``) or, for English→Arabic runs, in English text (``english``).
The default glossary of every command is the ``glossary``
setting (``tarjama.settings``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tarjama.errors import TarjamaError
from tarjama.glossary.english import EnglishMatcher
from tarjama.glossary.entry import GlossaryEntry
from tarjama.glossary.matcher import Matcher, TermMatch
from tarjama.glossary.tsv import GlossaryFile


class Glossary:
    """A loaded glossary: entries in file order, a content digest, and source-side matching."""

    def __init__(self, entries: list[GlossaryEntry], path: str | os.PathLike[str] | None = None) -> None:
        self.entries = list(entries)
        self.path = Path(path) if path is not None else None
        self._matcher: Matcher | None = None
        self._english: EnglishMatcher | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Glossary:
        """Read and validate a glossary file; the first fatal problem raises with its line."""
        gfile = GlossaryFile.read(path)
        entries, problems = gfile.entries()
        for p in problems:
            if p.fatal:
                raise TarjamaError(f"{path}:{p.line}: {p.message} (`tarjama glossary lint` lists them all)")
        return cls(entries, path)

    def info(self) -> dict[str, str]:
        """What is recorded about the glossary beside every output: its digest and its path."""
        return {"sha256": self.digest(), "path": str(self.path or "")}

    def digest(self) -> str:
        """SHA-256 of the entries' content (not comments, layout or line numbers), in order.

        Order is part of the content: when two entries share a form, the first one wins.
        """
        payload = [["tarjama-glossary", 1]] + [
            [e.ar_forms, e.en, e.kind, e.note, e.en_variants] for e in self.entries
        ]
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def match(self, text: str, language: str = "ar") -> list[TermMatch]:
        """Non-overlapping term occurrences in ``text``, sorted by position.

        ``language`` is the text's: Arabic (``matcher``) or English (``english``: the English
        column, for English→Arabic runs).
        """
        if language == "en":
            if self._english is None:
                self._english = EnglishMatcher(self.entries)
            return self._english.match(text)
        if self._matcher is None:
            self._matcher = Matcher(self.entries)
        return self._matcher.match(text)

    def __len__(self) -> int:
        return len(self.entries)
