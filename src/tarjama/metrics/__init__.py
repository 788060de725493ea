"""Translation-quality metrics beyond sacrebleu's.

``terms`` holds terminology accuracy against a glossary; ``rouge`` ROUGE-1/2/L for summaries,
over ``tokenize``'s Arabic- and English-aware word tokens. Corpus BLEU, chrF++ and TER are
computed by sacrebleu through ``tarjama.scoring.metrics``.
"""
