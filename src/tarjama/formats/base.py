"""The base of every file format: read a file into units, write it back with their translations.

A ``Format`` reads a file (``read``) into a ``Source``: one or more *units*, each a
``Document`` (``tarjama.document.model``) that the pipeline translates like any other, and writes
the file back (``Source.render``) from the units' ``TranslatedDocument``\\ s. What a format
does not translate, it writes back as it was: byte for byte for text formats, element for
element for DOCX and XLIFF.

Rules every format keeps:

* reading errors are ``TarjamaError`` with ``path:line`` where a line is known (the batch
  runner turns them into per-file failures, the CLI into one line);
* ``single`` formats hold one document per file (``tarjama translate`` takes them); the
  others (JSONL records, TSV rows) only go through ``tarjama batch``;
* ``binary`` formats render bytes, the others text (UTF-8);
* a format needing an optional package names the extra to install when it is missing.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from tarjama.document.model import Document
from tarjama.errors import TarjamaError

if TYPE_CHECKING:
    from tarjama.document.record import TranslatedDocument

INSTALL_HINT = "pip install 'tarjama[formats]'"


@dataclass(frozen=True)
class ReadOptions:
    """What a user chooses about reading: the JSONL field and the TSV column to translate, and
    the run's direction (source, target language) that files declaring languages must match
    (None: as an XLIFF declares them, else the language of the text's script)."""

    field_name: str = "text"
    column: str = "text"
    languages: tuple[str, str] | None = None


@dataclass
class Unit:
    """One piece of a file translated as a document: the whole file, a record or a cell."""

    document: Document
    line: int | None = None  # 1-based line in the input, for JSONL records and TSV rows


class Source(abc.ABC):
    """A read input file: its units, and how to write the file back with their translations."""

    units: list[Unit]

    @abc.abstractmethod
    def render(self, results: Sequence[TranslatedDocument]) -> str | bytes:
        """The translated file, from one ``TranslatedDocument`` per unit (in order)."""


class TextSource(Source):
    """A source whose units come back as plain strings (``TranslatedDocument.text()``)."""

    def render(self, results: Sequence[TranslatedDocument]) -> str:
        return self.render_texts([r.text() for r in results])

    @abc.abstractmethod
    def render_texts(self, texts: Sequence[str]) -> str:
        """The translated file from each unit's translated text."""


class Format(abc.ABC):
    """One file format: its name and how to read it (its suffixes are in the registry)."""

    name: ClassVar[str]
    description: ClassVar[str]
    binary: ClassVar[bool] = False
    single: ClassVar[bool] = True

    @abc.abstractmethod
    def read(self, path: Path, options: ReadOptions | None = None) -> Source:
        """Read ``path``; raises ``TarjamaError`` (with ``path:line`` where known) when malformed."""

    def export(
        self, result: TranslatedDocument, *, input_format: str, name: str = "", xliff_version: str = "1.2"
    ) -> str | bytes:
        """A translated document of another format written in this one (``tarjama translate --format``).

        Only the formats a translation can be written as implement it: tarjama's JSONL record, an
        XLIFF for a CAT tool, text from Markdown and Markdown from text.
        """
        raise TarjamaError(f"cannot write a {input_format} input as {self.name}")
