"""The fidelity checks of English→Arabic runs: the same kinds as ``tarjama.checks``, sides swapped.

=============  =================================================================================
name           module
=============  =================================================================================
numbers        ``numbers``: the English source's numbers, decades and months in the Arabic, and no other
countries      ``countries``: countries and nationalities (CLDR Arabic names, nisba adjectives) both ways
length         ``length``: the length band of human English→Arabic translations (ntrex-dev)
untranslated   ``untranslated``: English words left in the Arabic (acronyms and glossary names allowed)
=============  =================================================================================

Each is registered under the name of its Arabic→English counterpart in ``CHECKS_EN_AR``
(``tarjama.checks``); ``Checker.run`` picks the set by the request's direction. The names
check has no English→Arabic counterpart: names are transliterated into Arabic, and whether
"هيروشي ياماكاوا" renders "Hiroshi Yamakawa" is the glossary's job, not a rule's.
"""
