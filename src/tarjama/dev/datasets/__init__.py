"""Evaluation data read in place (never copied into the repository)."""
