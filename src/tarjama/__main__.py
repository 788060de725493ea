"""Entry point for ``python -m tarjama``."""

from tarjama.cli import main

raise SystemExit(main())
