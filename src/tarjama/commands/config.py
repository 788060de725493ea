"""``tarjama config``: every setting in effect, where it came from, and each engine's options.

Prints ``tarjama.settings.SETTINGS`` (name, environment variable, value in effect, whether it
came from the environment or the default, meaning), then the ``--engine-option`` keys of each
engine that takes any (``Engine.options``), with their defaults. ``--format json`` gives the same
for machines. docs/settings.md is held against these tables by a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tarjama import settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="show every setting in effect and each engine's options")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=run)


def table() -> dict[str, Any]:
    """The settings and engine options as data (what ``--format json`` prints)."""
    from tarjama.engines import ENGINES

    engines = {}
    for name in ENGINES:
        try:
            options = ENGINES[name].options()
        except ImportError:  # an engine whose optional package is not installed has nothing to list
            continue
        if options:
            engines[name] = [{"key": o.key, "default": o.default, "meaning": o.meaning} for o in options]
    return {
        "settings": [
            {"name": s.name, "env": s.env, "value": settings.value(s.name), "from": settings.source(s.name),
             "default": s.default(), "meaning": s.meaning}
            for s in settings.SETTINGS
        ],
        "engine_options": engines,
    }


def run(args: argparse.Namespace) -> int:
    data = table()
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for s in data["settings"]:
        print(f"{s['name']:<10} {s['env']:<18} {s['value']}  ({s['from']})")
        print(f"{'':<10} {s['meaning']}")
    for engine, options in data["engine_options"].items():
        print(f"\n--engine {engine} --engine-option KEY=VALUE:")
        for o in options:
            print(f"  {o['key']:<22} default {o['default']!s:<8} {o['meaning']}")
    return 0
