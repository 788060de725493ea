"""Every setting tarjama reads from its environment, in one table: name, variable, default, meaning.

``SETTINGS`` is the one place a setting is defined and ``value(name)`` the one place it is read;
``tarjama config`` prints the table with the values in effect and where each came from (and
each engine's ``--engine-option`` keys, ``Engine.options``), and a test holds both against
``docs/settings.md``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The repository this module is in, when it runs from a checkout (datasets are read beside it).
_REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    name: str
    env: str  # the environment variable that sets it
    meaning: str

    def default(self) -> str:
        return _DEFAULTS[self.name]()


def _cache_default() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "tarjama")


def _ntrex_default() -> str:
    return str(_REPOSITORY.parent / "shared" / "data" / "ntrex-dev" / "ntrex-dev.ar-en.tsv")


_DEFAULTS = {
    "cache": _cache_default,
    "glossary": lambda: "references/glossary.tsv",
    "ntrex": _ntrex_default,
}

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "cache", "TARJAMA_CACHE",
        "where the assembled embedded model and the compiled llama-cpp-python wheel are kept "
        "(default: $XDG_CACHE_HOME/tarjama, else ~/.cache/tarjama)",
    ),
    Setting(
        "glossary", "TARJAMA_GLOSSARY",
        "the glossary a command uses when given neither --glossary nor --no-glossary, if the file "
        "exists (a relative path is read from the working folder)",
    ),
    Setting(
        "ntrex", "TARJAMA_NTREX",
        "the ntrex-dev TSV (doc_id, ar, en) read in place by the benchmarks, tarjama eval and the CI "
        "report (default: ../shared/data/ntrex-dev beside the repository)",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def value(name: str) -> str:
    """The setting's value: its environment variable when set (and not empty), else its default."""
    setting = _BY_NAME[name]
    return os.environ.get(setting.env) or setting.default()


def source(name: str) -> str:
    """Where the value in effect comes from: the environment variable, or the default."""
    setting = _BY_NAME[name]
    return setting.env if os.environ.get(setting.env) else "default"


def path(name: str) -> Path:
    return Path(value(name)).expanduser()
