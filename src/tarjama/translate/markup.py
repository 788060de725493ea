"""Inline markup through translation: check each sentence's placeholders, retry once, repair, flag.

A request whose source has placeholders (``tarjama.document.inline``) must come back with every one
of them exactly once, nested as in the source. After the engine's answer:

1. placeholders are put in canonical form (``inline.normalize``);
2. a sentence whose placeholders are not valid is translated once more with
   ``strict_markup`` set — engines that keep markup themselves (``Engine.handles_markup``:
   the embedded model retries inside its own flow, sequence-to-sequence engines project the
   tags into a translation of the plain sentence, ``tarjama.engines.projection``) are not asked
   twice;
3. what is still broken is repaired (``repair``): the valid tags are kept; a paired tag is
   put back around the English that the glossary (a hint's target inside it) or a Latin
   token (a name, a number) of its Arabic text pins (``tarjama.document.pins``), or — a tag
   around a whole quotation — the English quotation in the same place, when that English
   occurs exactly once;
   a standalone tag (code, a URL, an image) goes back next to the pinned word beside it, at
   the sentence's edge when it stood there, or else before the final punctuation — never
   lost; a paired tag nothing pins is dropped, keeping its text.

Every repair leaves a note and a ``Finding`` of kind ``markup`` on the result: a tag restored
by a pin is a warning, one dropped or placed by default an error (the sentence needs review).
``lost`` finds any tag still missing from a text alone (an approved translation, an older
memory row); ``named`` rewrites a finding's placeholders as what each tag is ("link to
https://…") for the reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from tarjama.document import inline
from tarjama.document.pins import locate as _locate
from tarjama.document.pins import pins, quoted, word_pins
from tarjama.types import (
    ERROR,
    MARKUP,
    REPAIRED,
    RETRIED,
    WARNING,
    Finding,
    Note,
    SegmentTranslation,
    TranslationRequest,
)

NOTE = "markup: "  # the wording of a repair's note
# Notes of repairs that keep the sentence publishable (the tag sits where a pin put it).
_RESTORED = "restored"
_END_PUNCT = re.compile(r"[\s.!?…:;,\"'”’»)\]]*$")


def needs_check(request: TranslationRequest) -> bool:
    return inline.has_placeholders(request.source)


def ensure(
    requests: Sequence[TranslationRequest],
    results: list[SegmentTranslation],
    retranslate: Callable[[Sequence[TranslationRequest]], list[SegmentTranslation]] | None = None,
) -> None:
    """Make every result's placeholders valid, in place (see the module docstring)."""
    broken: list[int] = []
    for i, (request, result) in enumerate(zip(requests, results, strict=True)):
        if not needs_check(request):
            continue
        result.text = inline.normalize(result.text)
        if inline.problems(request.source, result.text):
            broken.append(i)
    if broken and retranslate is not None:
        again = retranslate([replace(requests[i], strict_markup=True) for i in broken])
        for i, second in zip(broken, again, strict=True):
            before = inline.problems(requests[i].source, results[i].text)
            text = inline.normalize(second.text)
            after = inline.problems(requests[i].source, text)
            results[i].notes.append(
                Note(f"retried: inline markup ({inline.describe(requests[i].source, before)})", RETRIED)
            )
            results[i].seconds += second.seconds
            if len(after) < len(before):
                results[i].text = text
                results[i].notes += second.notes
    for i in broken:
        request, result = requests[i], results[i]
        if inline.problems(request.source, result.text):
            result.text, actions = repair(request, result.text)
            result.notes += [Note(NOTE + message, REPAIRED) for message, _ in actions]
            result.findings += [
                Finding(MARKUP, message, severity=WARNING if restored else ERROR)
                for message, restored in actions
            ]


def _content_spans(source: str) -> dict[int, tuple[int, int]]:
    """Each tag's span in ``source``: a paired tag's inside, a standalone tag's placeholder."""
    spans: dict[int, tuple[int, int]] = {}
    opened: dict[int, int] = {}
    for m in inline.PLACEHOLDER.finditer(source):
        n = int(m.group(3))
        if m.group(2) == "x":
            spans[n] = (m.start(), m.end())
        elif m.group(1):
            spans[n] = (opened.get(n, m.start()), m.start())
        else:
            opened[n] = m.end()
    return spans


def _insert(text: str, at: int, what: str) -> str:
    return text[:at] + what + text[at:]


def _end_position(text: str) -> int:
    """Where a tag goes at the end of a sentence: before its final punctuation."""
    return _END_PUNCT.search(text).start()  # type: ignore[union-attr]


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", text).strip()


def repair(request: TranslationRequest, text: str) -> tuple[str, list[tuple[str, bool]]]:
    """``text`` with valid placeholders, and what was done to each tag: (message, restored by a pin)."""
    source = request.source
    keep = inline.valid_subset(source, text)
    src_tags = inline.tokens(source)
    order = [int(v) for k, v in src_tags if k in ("open", "atom")]  # type: ignore[arg-type]
    broken = [n for n in order if n not in keep]
    text = _tidy(inline.without(text, set(broken) | _unknown(source, text)))
    spans = _content_spans(source)
    atoms = {int(v) for k, v in src_tags if k == "atom"}  # type: ignore[arg-type]
    actions: list[tuple[str, bool]] = []
    for n in broken:
        start, end = spans.get(n, (0, 0))
        label = f"<x{n}/>" if n in atoms else f"<g{n}>"
        if n in atoms:
            text, (message, restored) = _place_atom(request, text, n, start, end, label, keep)
        else:
            text, (message, restored) = _place_pair(request, text, n, start, end, label, keep)
        actions.append((message, restored))
        if inline.problems(source, text, among=keep | {n}) == {}:
            keep.add(n)
    return text, actions


def _unknown(source: str, text: str) -> set[int]:
    known = {int(m.group(3)) for m in inline.PLACEHOLDER.finditer(source)}
    return {int(m.group(3)) for m in inline.PLACEHOLDER.finditer(text)} - known


def _place_pair(
    request: TranslationRequest, text: str, n: int, start: int, end: int, label: str, keep: set[int]
) -> tuple[str, tuple[str, bool]]:
    arabic = inline.strip(request.source[start:end]).strip()
    found = pins(request.source, request.hints, start, end) + quoted(request.source, start, end, text)
    located = _locate(text, found)
    if located is not None:
        s, e, why = located
        candidate = _insert(_insert(text, e, f"</g{n}>"), s, f"<g{n}>")
        if not inline.problems(request.source, candidate, among=keep | {n}):
            return candidate, (
                f"{label} around «{arabic}» {_RESTORED} around «{text[s:e]}», aligned by {' and '.join(why)}",
                True,
            )
    dropped = f"{label} around «{arabic}» dropped: its English could not be aligned; the text is kept"
    return text, (dropped, False)


def _place_atom(
    request: TranslationRequest, text: str, n: int, start: int, end: int, label: str, keep: set[int]
) -> tuple[str, tuple[str, bool]]:
    source = request.source
    tag = f"<x{n}/>"
    before = inline.strip(source[:start]).strip()
    after = inline.strip(source[end:])

    def valid(candidate: str) -> bool:
        return not inline.problems(source, candidate, among=keep | {n})

    if not before and valid(tag + " " + text):
        return tag + " " + text, (f"{label} {_RESTORED} at the start, where the source has it", True)
    # A name or number right before (or after) it in the source pins its place.
    word_before = re.search(r"(\S+)\s*$", before)
    word_after = re.search(r"^\s*(\S+)", after)
    for word, side in ((word_before, "after"), (word_after, "before")):
        if word is None:
            continue
        located = _locate(text, word_pins(request.hints, word.group(1)))
        if located is None:
            continue
        s, e, why = located
        at = e if side == "after" else s
        candidate = _insert(text, at, (" " + tag) if side == "after" else (tag + " "))
        if valid(candidate):
            message = f"{label} {_RESTORED} {side} «{text[s:e]}», aligned by {' and '.join(why)}"
            return candidate, (message, True)
    candidate = _insert(text, _end_position(text), " " + tag)
    if not valid(candidate):
        candidate = text + " " + tag
    if not after.strip(" .!?؟…:;,،؛\"'”’»)]"):
        return candidate, (f"{label} {_RESTORED} at the end, where the source has it", True)
    return (
        candidate,
        (f"{label} placed at the end of the sentence: its place in the English could not be aligned", False),
    )


def lost(source: str, translation: str) -> list[Finding]:
    """A ``markup`` error when ``translation`` lacks or misplaces tags of ``source`` (none otherwise)."""
    if not inline.has_placeholders(source):
        return []
    problems = inline.problems(source, translation)
    if not problems:
        return []
    return [Finding(MARKUP, f"inline markup lost: {inline.describe(source, problems)}")]


def named(finding: Finding, markup: inline.Inline | None) -> Finding:
    """``finding`` with each placeholder of ``markup``'s tags named by what it is (``Tag.describe``)."""
    if finding.check != MARKUP or markup is None:
        return finding
    message = finding.message
    for tag in markup.tags:
        message = message.replace(tag.placeholder, tag.describe())
    return replace(finding, message=message)
