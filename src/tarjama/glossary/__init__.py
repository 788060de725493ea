"""The glossary: hand-edited term list, clitic-aware matching in Arabic, audit and exchange.

* ``entry``: one row (``GlossaryEntry``), its columns and validation;
* ``tsv``: the file itself, parsed with line numbers and edited line by line;
* ``glossary``: ``Glossary.load(path)``, ``Glossary.match(text)`` and the default path;
* ``matcher``: the Aho–Corasick automaton over the normalised view (``tarjama.text.arabic``);
* ``lint`` audits a file; ``files`` converts to and from the formats of other tools (CSV,
  XLSX, TBX 2008 and 2019, DeepL and Google glossaries), one module per format.

Whether a term is present in English is decided in ``tarjama.text.terms``; the command is
``tarjama glossary`` (``tarjama.commands.glossary``).
"""

from tarjama.glossary.entry import KINDS, GlossaryEntry
from tarjama.glossary.glossary import Glossary
from tarjama.glossary.matcher import TermMatch

__all__ = ["KINDS", "Glossary", "GlossaryEntry", "TermMatch"]
