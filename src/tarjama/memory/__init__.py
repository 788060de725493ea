"""The translation memory: one SQLite file of machine translations and human approvals, and TMX.

``store`` (``TranslationMemory``: keyed rows, approvals with who and when, merge) and ``tmx``
(import and export for CAT tools).
"""
