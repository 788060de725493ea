"""Making text safe for the report formats: one escaper per format, shared by every renderer.

* ``md_cell``: Markdown table cells — backslashes and pipes escaped, every whitespace run
  (line breaks included) one space, so a translation cannot break a table, and ``md_text``;
* ``md_text``: Markdown prose — ``&``, ``<`` and ``>`` as HTML entities, so ``<script>`` or
  ``<img onerror=…>`` in a text is shown, never run, by a viewer that renders HTML in Markdown;
* ``html``: HTML text and attribute values (``&``, ``<``, ``>``, both quotes);
* ``clip``: a long text shortened with an ellipsis, for table snippets.

Every piece of user text (sources, translations, notes, glossary fields, file names) goes
through one of them before it reaches a report.
"""

from __future__ import annotations

from html import escape


def md_text(text: object) -> str:
    """Text made safe for Markdown prose: no raw HTML gets through."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_cell(text: object) -> str:
    """Text made safe for a Markdown table cell (and for a line of prose)."""
    s = md_text(text).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(s.split())


def html(value: object) -> str:
    """Text made safe for HTML content and quoted attribute values."""
    return escape(str(value), quote=True)


def clip(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` characters with an ellipsis when it is longer."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
