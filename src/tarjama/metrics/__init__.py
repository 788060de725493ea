"""Translation-quality metrics beyond sacrebleu's.

``terms`` holds terminology accuracy against a glossary. Corpus BLEU, chrF++ and TER
are computed by sacrebleu through ``tarjama.scoring.metrics``.
"""
