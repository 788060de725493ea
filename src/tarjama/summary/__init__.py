"""Bilingual summaries: Arabic key sentences paired with their English, and checked LLM summaries.

* ``rank`` scores the source sentences (LexRank over the normalised, clitic-stripped Arabic with
  glossary terms as features, a lead-position prior, a term weight) and chooses N of them;
* ``translations`` supplies their English: from a checked ``tarjama translate --format jsonl``
  file, or translated on demand through the pipeline;
* ``abstractive`` asks the embedded LLM for an English summary and ``names`` checks that it names
  nothing the article does not;
* ``core.summarize`` puts these together into a ``Summary``; ``render`` writes it as txt, md,
  jsonl or html. ``tarjama summarize`` (``tarjama.commands.summarize``) is the command.

ROUGE lives in ``tarjama.metrics.rouge``; ``tarjama.scoring.summary`` pairs summaries with
references for ``tarjama score --summary``.
"""

from tarjama.summary.core import KeyPoint, Summary, summarize
from tarjama.summary.rank import Ranking, RankWeights, rank_sentences

__all__ = ["KeyPoint", "RankWeights", "Ranking", "Summary", "rank_sentences", "summarize"]
