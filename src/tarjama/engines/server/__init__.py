"""The ``openai`` engine: tarjama's prompts, glossary, checks and memory over any OpenAI-compatible
server (``engine``), and the HTTP rules it follows (``client``)."""
