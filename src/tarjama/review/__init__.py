"""The review workbench: a local web page where an editor post-edits and approves translations.

``tarjama review PATH…`` (``tarjama.commands.review``) serves, on 127.0.0.1 by default, the
documents of ``tarjama batch`` output folders and ``tarjama translate --format jsonl`` files:
English on the left, Arabic on the right, sentence by sentence, glossary terms highlighted
in both, findings and confidence beside each sentence, sentences needing review first.
**Approve** stores a sentence in the translation memory as a human translation (who, when,
the machine text it replaced), which then outranks machine output in every later
``translate`` and ``batch`` run with that glossary; **add to glossary** writes a linted
entry into the glossary TSV; **export** writes the reviewed document in its original format.

The parts, bottom up:

* ``documents``: what a PATH holds — documents rebuilt sentence by sentence with the
  pipeline's own code, their machine translations, and export through the batch writers;
* ``suggest``: fuzzy suggestions (rapidfuzz, ≥ 75 %) from earlier approvals;
* ``timelog``: the minutes an editor spent, per document;
* ``workspace``: a review session — documents, memories, glossary — and every action on it,
  without any web code (the tests drive it directly);
* ``security``: access token, Host check, CSRF check, response headers;
* ``server``: the Starlette application (Jinja2 templates with autoescape, plain JavaScript
  and CSS vendored under ``static/``; nothing is fetched from a network) and ``serve``.

Rules of the package: no request ever names a file — documents are numbers into the list
built at start; every page escapes every text (templates autoescape, scripts set
``textContent``, never HTML from a request); every state change is a POST with the CSRF
token; an approval is committed to SQLite before its response is sent.
"""
