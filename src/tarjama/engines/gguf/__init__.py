"""The embedded engine: an instruction-tuned LLM run by llama-cpp-python (the offline default).

``engine`` (``GGUFEngine``), ``batching`` (continuous batching in one llama.cpp context),
``prompts`` (instruction, examples, layout), ``retry`` (the engine's own retry of degenerate
output), ``config`` (``EmbeddedConfig``: named variants and options) and ``retrieval`` (few-shot
examples drawn from a pool the caller gives). Nothing outside this package imports from it;
``tarjama.engines.load_engine`` assembles the engine by its registry name.
"""
