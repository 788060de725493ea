"""CLI commands that are not tied to one library area."""
