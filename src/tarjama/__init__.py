"""tarjama: Arabic⇄English translation with glossary enforcement and honest evaluation.

The package follows the pipeline: document → segments → glossary matches → engine →
enforcement → reassembled document → scores and reports.
"""

__version__ = "0.1.0"
