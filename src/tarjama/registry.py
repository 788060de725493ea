"""Registries: named implementations of one kind, each loaded from ``"module:Attribute"`` on first use.

Every extensible part of tarjama keeps one: engines (``tarjama.engines.ENGINES``), file
formats (``tarjama.formats.FORMATS``), fidelity checks (``tarjama.checks.CHECKS``), metrics
(``tarjama.metrics.METRICS``), glossary exchange formats (``tarjama.glossary.files.FORMATS``)
and report renderers (``tarjama.report.RENDERERS``). A registry maps a name to what its target
names (a class, or a function); iterating it gives the names in registration order, which is
the order commands list them in (``--help``) and run them in. A module is imported only when
its entry is used, so an optional package is needed only by the entry that uses it. An unknown
name is one ``TarjamaError`` line listing the names there are.

An entry may also be registered at run time (``registry["name"] = "module:Class"``, or the
object itself), which is how a plug-in or a test adds an engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

from tarjama.errors import TarjamaError

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """Names of one ``kind`` ("engine", "check", …) to the objects their targets name."""

    def __init__(self, kind: str, targets: Mapping[str, str | T]) -> None:
        self.kind = kind
        self._targets: dict[str, str | T] = dict(targets)
        self._loaded: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        if name not in self._targets:
            raise KeyError(name)
        if name not in self._loaded:
            target = self._targets[name]
            if isinstance(target, str):
                module, _, attribute = target.partition(":")
                self._loaded[name] = getattr(importlib.import_module(module), attribute)
            else:
                self._loaded[name] = target
        return self._loaded[name]

    def __setitem__(self, name: str, target: str | T) -> None:
        self._targets[name] = target
        self._loaded.pop(name, None)

    def __delitem__(self, name: str) -> None:
        del self._targets[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._targets))

    def __len__(self) -> int:
        return len(self._targets)

    def load(self, name: str) -> T:
        """The entry called ``name``; an unknown name is one line listing the known ones."""
        if name not in self._targets:
            raise TarjamaError(f"unknown {self.kind} {name!r}; choose one of: {self.names()}")
        return self[name]

    def target(self, name: str) -> str:
        """Where ``name`` is defined (``module:Attribute``), for docs and messages."""
        target = self._targets[name]
        if isinstance(target, str):
            return target
        return f"{getattr(target, '__module__', '?')}:{getattr(target, '__qualname__', repr(target))}"

    def names(self) -> str:
        """The names, comma-separated, in registration order (for ``--help`` and errors)."""
        return ", ".join(self._targets)

    def all(self) -> dict[str, Any]:
        """Every entry, loaded, in order."""
        return {name: self[name] for name in self._targets}
