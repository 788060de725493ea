"""Batch inputs without a model: discovery, output names, shards, formats, Markdown protection."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tarjama.batch.inputs import InputFile, discover, output_path, read_path_list, read_source
from tarjama.batch.shard import parse_shard, select_shard
from tarjama.document.inline import tokens
from tarjama.document.model import parse_text, rebuild_paragraph
from tarjama.errors import TarjamaError


def _tree(root: Path) -> None:
    (root / "news" / "2024").mkdir(parents=True)
    (root / "news" / "a.ar.txt").write_text("نص.", encoding="utf-8")
    (root / "news" / "2024" / "b.md").write_text("# عنوان", encoding="utf-8")
    (root / "news" / "2024" / "c.jsonl").write_text('{"text": "نص"}\n', encoding="utf-8")
    (root / "news" / "notes.pdf").write_bytes(b"%PDF")
    (root / "news" / ".hidden.txt").write_text("نص.", encoding="utf-8")


def test_folder_is_walked_recursively_in_order_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = discover([str(tmp_path / "news")], tmp_path / "out")
    assert [f.relative for f in found.files] == ["2024/b.md", "2024/c.jsonl", "a.ar.txt"]
    assert [f.format for f in found.files] == ["md", "jsonl", "txt"]
    assert found.problems == []


def test_outputs_mirror_the_tree_with_a_language_suffix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert output_path(InputFile(Path("x"), "2024/b.md", "md"), out) == out / "2024" / "b.en.md"
    assert output_path(InputFile(Path("x"), "a.ar.txt", "txt"), out) == out / "a.en.txt"
    assert output_path(InputFile(Path("x"), "r.jsonl", "jsonl"), out, "fr") == out / "r.fr.jsonl"


def test_glob_list_and_missing_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    found = discover(["news/**/*.md", "news/nothing*.txt", "missing.txt", "news/notes.pdf"], Path("out"))
    assert [(f.relative, f.format) for f in found.files] == [("2024/b.md", "md")]
    reasons = [r for _, r in found.problems]
    suffixes = ".txt/.md/.markdown/.jsonl/.tsv/.html/.htm/.docx/.xlf/.xliff/.sdlxliff/.mqxliff"
    assert f"no {suffixes} file matches" in reasons[0]
    assert "file or folder not found" in reasons[1]
    assert "unsupported format '.pdf'" in reasons[2] and ".docx" in reasons[2]
    listing = tmp_path / "list.txt"
    listing.write_text("# inputs\nnews/a.ar.txt\n\nnews/2024/b.md\n", encoding="utf-8")
    assert read_path_list(listing) == ["news/a.ar.txt", "news/2024/b.md"]


def test_out_dir_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    _tree(tmp_path)
    out = tmp_path / "news" / "translated"
    out.mkdir()
    (out / "a.en.txt").write_text("text.", encoding="utf-8")
    assert "translated/a.en.txt" not in [f.relative for f in discover([str(tmp_path / "news")], out).files]
    with pytest.raises(TarjamaError, match="is also the --out-dir"):
        discover([str(tmp_path / "news")], tmp_path / "news")


def test_two_inputs_writing_the_same_output_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    for d in ("x", "y"):
        (tmp_path / d / "a.txt").write_text("نص.", encoding="utf-8")
    with pytest.raises(TarjamaError, match="would both be written to"):
        discover([str(tmp_path / "x" / "a.txt"), str(tmp_path / "y" / "a.txt")], tmp_path / "out")


def test_shards_cover_every_document_exactly_once() -> None:
    items = [InputFile(Path(f"d{i}.txt"), f"sub{i % 7}/d{i}.txt", "txt") for i in range(200)]
    for n in (1, 2, 3, 5):
        parts = [select_shard(items, k, n) for k in range(1, n + 1)]
        flat = [i.relative for part in parts for i in part]
        assert sorted(flat) == sorted(i.relative for i in items) and len(flat) == len(set(flat))
        if n > 1:
            assert all(part for part in parts)  # a hash spreads them, no shard is left empty
    # Deterministic: the same on every machine, whatever the listing order.
    assert select_shard(items[::-1], 2, 3) == select_shard(items, 2, 3)[::-1]
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "3", "a/b", "1/0"):
        with pytest.raises(TarjamaError, match="--shard"):
            parse_shard(bad)


def test_jsonl_field_is_translated_and_other_fields_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"id": 1, "body": "أ.\\n\\nب.", "tags": ["x"]}\n\n{"body": "", "id": 2}\n', encoding="utf-8"
    )
    source = read_source(InputFile(path, "r.jsonl", "jsonl"), field_name="body")
    assert [u.line for u in source.units] == [1, 3]
    assert len(source.units[0].document.paragraphs) == 2
    out = [json.loads(line) for line in source.render_texts(["A.\n\nB.", ""]).splitlines()]
    assert out == [{"id": 1, "body": "A.\n\nB.", "tags": ["x"]}, {"body": "", "id": 2}]
    assert list(out[1]) == ["body", "id"]  # key order kept


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "أ"}\n{"text": \n', "r.jsonl:2: not valid JSON"),
        ('{"text": "أ"}\n[1]\n', "r.jsonl:2: expected a JSON object"),
        ('{"text": "أ"}\n{"other": "ب"}\n', "r.jsonl:2: record has no field 'text' (fields: other)"),
        ('{"text": 3}\n', "r.jsonl:1: record has a non-string (int) field 'text'"),
    ],
)
def test_malformed_jsonl_names_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(
        TarjamaError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        read_source(InputFile(path, "r.jsonl", "jsonl"))


def test_tsv_column_is_translated_other_columns_and_blank_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("id\tar\tnote\n1\tأ.\tx\n\n2\tب.\ty\n", encoding="utf-8")
    source = read_source(InputFile(path, "t.tsv", "tsv"), column="ar")
    assert [u.line for u in source.units] == [2, 4]
    # A tab or newline in a translation must not break the table.
    assert source.render_texts(["A.", "B\tb\nc"]) == "id\tar\tnote\n1\tA.\tx\n\n2\tB b c\ty\n"
    with pytest.raises(
        TarjamaError, match=r"t.tsv:1: no column 'text' in the header \(columns: id, ar, note\)"
    ):
        read_source(InputFile(path, "t.tsv", "tsv"))
    path.write_text("id\ttext\n1\tأ\textra\n", encoding="utf-8")
    with pytest.raises(TarjamaError, match=r"t\.tsv:2: 3 tab-separated cells, the header has 2"):
        read_source(InputFile(path, "t.tsv", "tsv"))


MARKDOWN = """---
title: "مقال عن الفضاء"
tags: [فضاء, علوم]

draft: false
---

# إطلاق `H3` الجديد

قال المدير إن `run --fast` يعمل. انظر [الموقع الرسمي](https://esa.int/a_(b) "عنوان") و<https://jaxa.jp> أيضاً.
زوروا https://example.com/path?q=1&x=2. أو <span class="x">نص</span> الآن.

- بند مع ![صورة](img/moon.png) هنا
- بند [مرجعي][ref]

```python
x = "نص لا يترجم"

y = 2
```

---

<!-- تعليق لا يترجم -->
[ref]: https://example.org "مرجع"
"""

PROTECTED = [
    '---\ntitle: "مقال عن الفضاء"\ntags: [فضاء, علوم]\n\ndraft: false\n---\n',
    "`H3`",
    "`run --fast`",
    '](https://esa.int/a_(b) "عنوان")',
    "<https://jaxa.jp>",
    "https://example.com/path?q=1&x=2",
    '<span class="x">',
    "</span>",
    "![",
    "](img/moon.png)",
    "][ref]",
    '```python\nx = "نص لا يترجم"\n\ny = 2\n```',
    "\n---\n",
    "<!-- تعليق لا يترجم -->",
    '[ref]: https://example.org "مرجع"\n',
]


def fake_english(request: str) -> str:
    """A stand-in translation: every run of Arabic words becomes "T", placeholders stay."""
    out = []
    for kind, value in tokens(request):
        if kind == "text":
            out.append(re.sub(r"[\u0600-\u06FF]+(?:\s+[\u0600-\u06FF]+)*", "T", str(value)))
        else:
            out.append({"open": "<g{}>", "close": "</g{}>", "atom": "<x{}/>"}[kind].format(value))
    return "".join(out)


def test_markdown_only_prose_is_translated() -> None:
    doc = parse_text(MARKDOWN, "md")
    # Each sentence is translated whole, its inline markup as placeholders.
    requests = [s.request_text for _p, s in doc.sentences()]
    assert 'انظر <g1>الموقع الرسمي</g1> و<x2/> أيضاً.' in requests
    assert "قال المدير إن <x1/> يعمل." in requests and "زوروا <x1/>." in requests
    assert not any("http" in r or "run --fast" in r for r in requests)  # targets and code never go out
    out = doc.reassemble([rebuild_paragraph(p, lambda s: s.render(fake_english(s.request_text)))
                          for p in doc.paragraphs])  # fmt: skip
    assert out == (
        '---\ntitle: "مقال عن الفضاء"\ntags: [فضاء, علوم]\n\ndraft: false\n---\n\n'
        "# T `H3` T\n\n"
        'T `run --fast` T. T [T](https://esa.int/a_(b) "عنوان") T<https://jaxa.jp> T.\n'
        'T https://example.com/path?q=1&x=2. T <span class="x">T</span> T.\n\n'
        "- T ![T](img/moon.png) T\n- T [T][ref]\n\n"
        '```python\nx = "نص لا يترجم"\n\ny = 2\n```\n\n---\n\n'
        '<!-- تعليق لا يترجم -->\n[ref]: https://example.org "مرجع"\n'
    )
    for span in PROTECTED:
        assert span in out, span


def test_unclosed_front_matter_is_not_swallowed() -> None:
    doc = parse_text("---\nعنوان\n\nفقرة.", "md")
    assert [p.verbatim for p in doc.paragraphs] == [False, False]
    assert [s.content for s in doc.paragraphs[1].sentences] == ["فقرة."]
