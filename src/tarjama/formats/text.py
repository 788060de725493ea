"""Plain text (``.txt``) and Markdown (``.md``, ``.markdown``): one document per file.

Paragraphs are blocks separated by blank lines; the document is an exact partition of the
file, so what is not translated comes back byte for byte (see ``tarjama.document.model``, and
``tarjama.document.markdown`` for inline markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.document.model import parse_text
from tarjama.formats.base import Format, ReadOptions, TextSource, Unit

if TYPE_CHECKING:
    from tarjama.document.record import TranslatedDocument

from tarjama.text.textio import read_text


@dataclass
class WholeFile(TextSource):
    units: list[Unit]

    def render_texts(self, texts: Sequence[str]) -> str:
        return texts[0]


class PlainText(Format):
    name = "txt"
    description = "UTF-8 text, paragraphs separated by blank lines"

    def read(self, path: Path, options: ReadOptions | None = None) -> WholeFile:
        return WholeFile([Unit(parse_text(read_text(path), self.name, path=str(path)))])

    def export(
        self, result: TranslatedDocument, *, input_format: str, name: str = "", xliff_version: str = "1.2"
    ) -> str:
        """Markdown as text, or text as Markdown: the translation with the source's layout."""
        return result.text()


class Markdown(PlainText):
    name = "md"
    description = "Markdown: prose translated, structure and inline markup kept"
