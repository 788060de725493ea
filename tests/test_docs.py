"""The documentation: README.md stays the short front page, and the site's pages exist.

README.md is what a newcomer reads first: at most ``README_MAX_LINES`` lines, and the two
set-up commands each on a line of their own in a code block. The site (``mkdocs.yml``,
``docs/``) is built with ``mkdocs build --strict`` in ``scripts/test.sh``, where a broken link
or anchor and an API object that does not resolve fail; the checks here are the cheap ones
that need no build: every page the nav names exists, every link of the README into the
repository exists, and the settings page lists the embedded engine's options as they are.
"""

from __future__ import annotations

import re
from dataclasses import MISSING
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MKDOCS = ROOT / "mkdocs.yml"
DOCS = ROOT / "docs"
README_MAX_LINES = 250
SETUP_COMMANDS = ("bash scripts/main.sh", "bash scripts/test.sh")


def code_block_lines(markdown: str) -> list[str]:
    """The lines inside fenced code blocks, stripped."""
    lines, inside = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line.strip())
    return lines


def test_readme_is_a_short_front_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): move the detail into docs/"
    )


@pytest.mark.parametrize("command", SETUP_COMMANDS)
def test_readme_keeps_each_setup_command(command: str) -> None:
    assert command in code_block_lines(README.read_text(encoding="utf-8")), (
        f"README.md must show `{command}` on its own line in a code block"
    )


def test_readme_links_into_the_repository_exist() -> None:
    text = README.read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:|#", t)]
    assert any(t.startswith("docs/") for t in targets), "README.md links into docs/"
    missing = [t for t in targets if not (ROOT / t.split("#")[0]).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"


def nav_pages(node: object) -> list[str]:
    """Every page path in a mkdocs ``nav`` (lists of pages and of {title: page or section})."""
    if isinstance(node, str):
        return [] if re.match(r"[a-z]+://", node) else [node]
    if isinstance(node, list):
        return [p for item in node for p in nav_pages(item)]
    if isinstance(node, dict):
        return [p for value in node.values() for p in nav_pages(value)]
    return []


def test_every_page_in_the_nav_exists() -> None:
    yaml = pytest.importorskip("yaml")

    class Loader(yaml.SafeLoader):
        """mkdocs.yml may hold !!python/name: tags (extensions' options): read them as None."""

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
    config = yaml.load(MKDOCS.read_text(encoding="utf-8"), Loader=Loader)
    pages = nav_pages(config.get("nav"))
    assert pages, "mkdocs.yml has a nav"
    missing = [p for p in pages if not (ROOT / config.get("docs_dir", "docs") / p).is_file()]
    assert not missing, f"pages named in mkdocs.yml's nav but missing from docs/: {missing}"


def table_rows(markdown: str, heading_id: str) -> dict[str, list[str]]:
    """The rows of the first table after the heading ``{ #heading_id }``, by their first cell."""
    section = markdown.split(f"{{ #{heading_id} }}", 1)[1]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        if line.startswith("## "):
            break
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0].strip("`")] = cells
    return rows


def test_settings_page_lists_every_setting_with_its_variable() -> None:
    from tarjama.settings import SETTINGS

    rows = table_rows((DOCS / "settings.md").read_text(encoding="utf-8"), "paths")
    assert {name: cells[1].strip("`") for name, cells in rows.items()} == {s.name: s.env for s in SETTINGS}


def test_settings_page_lists_every_embedded_engine_option() -> None:
    from tarjama.engines import ENGINES
    from tarjama.engines.gguf.config import VARIANTS

    rows = table_rows((DOCS / "settings.md").read_text(encoding="utf-8"), "engine-options")
    options = {o.key: o.default for o in ENGINES["gguf"].options()}
    assert set(rows) == set(options), "docs/settings.md: one row per --engine-option key"
    assert re.findall(r"`([\w.-]+)`", rows["variant"][3])[1:] == list(VARIANTS)
    for name, default in options.items():
        assert default is not MISSING
        if default is None:
            continue  # "all cores", "as threads": said in words
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        assert rows[name][2] == f"`{shown}`", f"docs/settings.md: default of {name}"


@pytest.mark.parametrize("engine", ["nllb", "openai"])
def test_settings_page_lists_every_option_of_the_other_engines(engine: str) -> None:
    from tarjama.engines import ENGINES

    rows = table_rows((DOCS / "settings.md").read_text(encoding="utf-8"), f"engine-options-{engine}")
    options = {o.key: o.default for o in ENGINES[engine].options()}
    assert set(rows) == set(options), f"docs/settings.md: one row per --engine-option key of {engine}"
    for name, default in options.items():
        if default is None:
            continue  # "the model's limit": said in words
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        assert rows[name][2] == f"`{shown}`", f"docs/settings.md: default of {engine} {name}"

