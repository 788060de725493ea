"""Development tools, not part of tarjama's API: benchmark datasets, synthetic test models, ``tarjama eval``.

Used by the tests, the benchmark scripts and the CI report; they may change at any time and
are left out of the built package (``pyproject.toml``).
"""
