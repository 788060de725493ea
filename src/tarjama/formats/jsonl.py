"""JSONL (``.jsonl``): one record per line; one string field (``--field``) is translated.

Each record's field is a plain-text document; every other field is written back unchanged,
in the same key order. Blank lines are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.document.model import parse_text
from tarjama.errors import TarjamaError
from tarjama.formats.base import Format, ReadOptions, TextSource, Unit

if TYPE_CHECKING:
    from tarjama.document.record import TranslatedDocument

from tarjama.text.textio import check_controls, numbered_lines, read_text


@dataclass
class JsonlSource(TextSource):
    records: list[dict[str, object]]
    field_name: str
    units: list[Unit]

    def render_texts(self, texts: Sequence[str]) -> str:
        lines = []
        for record, text in zip(self.records, texts, strict=True):
            # Same keys in the same order; only the translated field changes.
            lines.append(json.dumps({**record, self.field_name: text}, ensure_ascii=False) + "\n")
        return "".join(lines)


class Jsonl(Format):
    name = "jsonl"
    description = "JSON Lines: one field of each record (--field, default text)"
    single = False

    def export(
        self, result: TranslatedDocument, *, input_format: str, name: str = "", xliff_version: str = "1.2"
    ) -> str:
        """Any translated document as tarjama's translation record (``tarjama.document.record``)."""
        return result.jsonl()

    def read(self, path: Path, options: ReadOptions | None = None) -> JsonlSource:
        text = read_text(path)
        field_name = (options or ReadOptions()).field_name
        records: list[dict[str, object]] = []
        units: list[Unit] = []
        for number, line in numbered_lines(text):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                msg = getattr(exc, "msg", str(exc))
                raise TarjamaError(
                    f"{path}:{number}: not valid JSON ({msg}); "
                    "fix or remove the line (one JSON object per line)"
                ) from None
            if not isinstance(record, dict):
                raise TarjamaError(
                    f"{path}:{number}: expected a JSON object per line, "
                    f"got {type(record).__name__}; fix the line"
                )
            value = record.get(field_name)
            if not isinstance(value, str):
                what = "no" if field_name not in record else f"a non-string ({type(value).__name__})"
                keys = ", ".join(map(str, record)) or "none"
                raise TarjamaError(
                    f"{path}:{number}: record has {what} field {field_name!r} (fields: {keys}); "
                    "name the field to translate with --field"
                )
            # A JSON escape (\u0000) smuggles in what the raw file may not hold.
            check_controls(value, f"{path}:{number}", what=f"field {field_name!r}")
            records.append(record)
            units.append(Unit(parse_text(value, "txt", path=f"{path}:{number}"), number))
        return JsonlSource(records=records, field_name=field_name, units=units)
