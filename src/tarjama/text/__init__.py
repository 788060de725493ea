"""The text layer, at the bottom: rules about characters and words that every layer above uses.

``arabic`` (the one Arabic-script definition, the normalised view with offsets, clitics,
digits), ``numbers`` (numbers, years, decades and months read on both sides), ``terms`` (the one
term-presence rule), ``quality`` (what makes an output unusable: loops, leftover Arabic,
chatter, invented names, the length band), ``segment`` (sentence splitting), ``textio`` (reading
text files with line and byte in every error; atomic writes; locks) and ``interchange`` (what
every exchange format shares: language codes, safe XML, spreadsheet cells). Nothing here
imports anything of tarjama above ``tarjama.errors``.
"""
