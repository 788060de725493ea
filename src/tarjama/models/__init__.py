"""Where models come from: the embedded GGUF model and local Marian folders."""
