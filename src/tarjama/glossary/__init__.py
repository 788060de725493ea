"""The glossary: hand-edited term list, clitic-aware matching in Arabic, enforcement helpers.

* ``Glossary.load(path)`` reads and validates the TSV file (``model``);
* ``Glossary.match(text)`` finds terms in Arabic text (``matcher``, over ``normalize``'s view);
* ``enforce`` checks and repairs English output; ``lint`` audits the file; ``formats``
  converts to and from CSV and TBX-Basic; ``cli`` is ``tarjama glossary``.
"""

from tarjama.glossary.matcher import TermMatch
from tarjama.glossary.model import KINDS, Glossary, GlossaryEntry

__all__ = ["KINDS", "Glossary", "GlossaryEntry", "TermMatch"]
