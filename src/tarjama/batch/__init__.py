"""Batch translation: many documents in one run, resumable, cached, sharded.

* ``inputs`` finds the documents (folders, globs, path lists), maps each to its output path
  and reads the four formats (txt, md, jsonl field, tsv column) into translatable units;
* the SQLite translation memory (``tarjama.memory.store``) makes re-runs and repeated sentences
  free, makes a killed run resumable, and brings in human-approved translations;
* ``shard`` splits the work between machines by a stable hash of each relative path;
* ``runner`` batches uncached segments across documents, writes outputs atomically and one
  provenance record per document, and isolates failures to the document that caused them.

``tarjama batch`` (``tarjama.commands.batch``) is the command-line face of this package.
"""

from tarjama.batch.inputs import InputFile, discover, output_path
from tarjama.batch.runner import BatchOptions, BatchRunner, BatchSummary, Failure, plan
from tarjama.batch.shard import parse_shard, select_shard
from tarjama.memory.store import TranslationMemory

__all__ = [
    "BatchOptions",
    "BatchRunner",
    "BatchSummary",
    "Failure",
    "InputFile",
    "TranslationMemory",
    "discover",
    "output_path",
    "parse_shard",
    "plan",
    "select_shard",
]
