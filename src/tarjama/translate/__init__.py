"""One translation run: requests through the engine and every stage after it, for any caller.

``run`` holds ``Translator``, the one object every caller translates through (the commands,
the API, batch, Ray, summaries, review); ``stages`` the work after the engine call (markup,
glossary enforcement, checks and repair); ``journal`` the resumable record of finished
sentences; ``progress`` what the user sees meanwhile.
"""
