"""The resume journal: an append-only record of finished segments, so an interrupted run goes on.

``tarjama translate -o OUT`` keeps it beside the output (``.OUT.tarjama-journal``) and removes it
once the output is in place. Each record is one whole line written and fsynced in one call
(``textio.LineLog``), so after a crash every segment written is reusable; a torn last line (a
power cut) is cut off before the next append, and a line that does not parse is ignored. Records
are scoped by the engine identity and the glossary, so another engine or glossary never reuses one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tarjama.text.textio import LineLog, numbered_lines
from tarjama.types import (
    Confidence,
    EngineIdentity,
    Finding,
    SegmentTranslation,
    TermOutcome,
    TranslationRequest,
)


def journal_path(output: Path) -> Path:
    """Where ``tarjama translate -o output`` keeps its journal: beside the output, hidden."""
    return output.with_name(f".{output.name}.tarjama-journal")


def journal_scope(identity: EngineIdentity, glossary_digest: str | None) -> str:
    """What a journal's records are valid for: this engine identity and this glossary."""
    return hashlib.sha256(
        json.dumps([identity.to_dict(), glossary_digest], sort_keys=True).encode()
    ).hexdigest()


class Journal:
    """Finished segments of one scope (engine identity and glossary), keyed by segment key."""

    def __init__(self, path: Path, scope: str) -> None:
        self.path = path
        self.scope = scope
        self.entries: dict[str, dict[str, Any]] = {}
        self._log = LineLog(path)
        for _number, line in numbered_lines(path.read_text(encoding="utf-8", errors="replace")):
            with contextlib.suppress(ValueError, KeyError, TypeError):
                rec = json.loads(line)
                if rec["scope"] == scope:
                    self.entries[rec["key"]] = rec

    def get(self, key: str) -> SegmentTranslation | None:
        rec = self.entries.get(key)
        if rec is None:
            return None
        terms = rec.get("terms")
        confidence = rec.get("confidence")
        findings = rec.get("checks")
        try:
            return SegmentTranslation(
                str(rec["text"]),
                list(rec["notes"]),
                float(rec["seconds"]),
                Confidence.from_dict(confidence) if isinstance(confidence, dict) else None,
                [Finding.from_dict(f) for f in findings] if isinstance(findings, list) else [],
                TermOutcome.from_dict(terms) if isinstance(terms, dict) else None,
            )
        except (KeyError, TypeError, ValueError):
            return None  # a damaged line: translate that segment again

    def get_many(self, keys: Iterable[str], refind: object = None) -> dict[str, SegmentTranslation]:
        """The journal's segments of ``keys`` (it always holds their findings: ``refind`` is unused)."""
        found = {}
        for key in keys:
            if (hit := self.get(key)) is not None:
                found[key] = hit
        return found

    def put_many(self, done: Sequence[tuple[str, TranslationRequest, SegmentTranslation]]) -> None:
        for key, _request, result in done:
            self.add(key, result)

    def add(self, key: str, result: SegmentTranslation) -> None:
        rec = {
            "scope": self.scope,
            "key": key,
            "text": result.text,
            "notes": [n.to_dict() for n in result.notes],
            "seconds": result.seconds,
            "terms": None if result.terms is None else result.terms.to_dict(),
            "confidence": None if result.confidence is None else result.confidence.to_dict(),
            "checks": [f.to_dict() for f in result.findings],
        }
        self._log.append(json.dumps(rec, ensure_ascii=False))

    def close(self) -> None:
        self._log.close()
