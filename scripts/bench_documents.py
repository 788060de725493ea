"""Real documents end to end: a Word article and an Arabic news page, translated and checked.

No document from the web is stored here, so the two inputs are built from the seed article's
Arabic (``seeds/esa-jaxa-partnership.ar.txt``), laid out as the tools that write such documents
lay them out:

* ``article.ar.docx``: Word's own package (python-docx's template is a file Word saved:
  ``[Content_Types].xml``, ``docProps/core.xml`` and ``app.xml``, ``word/styles.xml``,
  ``settings.xml``, ``fontTable.xml``, ``theme1.xml``, ``numbering.xml``), the paragraphs as Word
  writes Arabic: ``w:bidi`` paragraphs, runs with ``w:rtl``, ``w:rFonts w:hint="cs"``,
  ``w:lang w:bidi="ar-SA"``, bold and italic set for both scripts (``w:b``/``w:bCs``,
  ``w:i``/``w:iCs``), plain text split over runs with different ``w:rsidR`` and a
  ``w:proofErr`` (Word's fragmentation), a ``w:hyperlink`` whose runs have the ``Hyperlink``
  character style and whose target is an external relationship, a ``Heading 1`` headline and a
  ``w:tbl`` table (``Table Grid``, ``w:bidiVisual``, a bold header row, a bold cell word);
* ``news.ar.html``: an article page as Arabic news sites lay them out: ``<html lang="ar"
  dir="rtl">``, a head with ``<title>``, description and Open Graph ``<meta>``, a stylesheet
  and a script; a header with the site's name and a ``<nav>`` menu, an ``<article>`` with its
  ``<h1>``, byline and ``<time>``, a ``<figure>`` (``alt``, ``<figcaption>``), paragraphs with
  ``<strong>``, ``<em>`` and ``<a href>``, a ``<table>`` with caption, ``<th>`` and ``<td>``,
  and a ``<footer>``.

Then each is translated with ``tarjama translate INPUT -o OUTPUT`` (default settings; anything
after ``--`` is passed on) and what came back is checked, without the model:

* the file: Word's zip reads (``testzip``), every XML part parses, python-docx and pandoc open
  it, the package has the same parts as the source; the HTML parses (the standard library's
  parser and pandoc) and has the same sequence of tags as the source;
* every paragraph translated (no Arabic letter left in the text);
* each formatting kind, per paragraph: bold, italic, links (the same targets) and table cells,
  counted in the source and in the English — kept (the same count, around English text),
  lost — and which sentences the ``.meta.json`` flags (a ``markup`` note or finding);
* right-to-left settings and the Arabic language switched to English (``w:bidi``, ``w:rtl``,
  ``w:bidiVisual``, ``w:lang``; ``dir``, ``lang``, ``og:locale``).

    python scripts/bench_documents.py --out /tmp/bench-documents            # build, translate, check
    python scripts/bench_documents.py --out /tmp/bench-documents --make     # only build the inputs
    python scripts/bench_documents.py --out /tmp/bench-documents --check    # only check the outputs
    python scripts/bench_documents.py --only article                       # only the Word article

The report is printed and written as ``report.json`` in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "esa-jaxa-partnership.ar.txt"
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def seed_paragraphs() -> list[str]:
    return [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def _cut(text: str, *spans: str) -> list[tuple[str, str]]:
    """``text`` cut around ``spans`` (each found once, in order): [(piece, kind)], kind '' for
    the text between; a span is given as 'kind|words'."""
    pieces: list[tuple[str, str]] = []
    rest = text
    for span in spans:
        kind, words = span.split("|", 1)
        before, found, after = rest.partition(words)
        if not found:
            raise ValueError(f"{words!r} is not in the seed paragraph")
        if before:
            pieces.append((before, ""))
        pieces.append((words, kind))
        rest = after
    if rest:
        pieces.append((rest, ""))
    return pieces


def article() -> dict:
    """The article both documents carry: a headline, paragraphs cut into formatted pieces
    (kinds: b, i, a=URL), a table."""
    seed = seed_paragraphs()
    return {
        "headline": "شراكة مُعززة بين وكالة الفضاء الأوروبية ووكالة استكشاف الفضاء اليابانية",
        "paragraphs": [
            _cut(seed[0], "b|وكالة الفضاء الأوروبية (ESA)", "i|شراكة مُعززة", "b|هيروشي ياماكاوا"),
            _cut(seed[1], "i|الدفاع الكوكبي", "a=https://www.esa.int/ISS|محطة الفضاء الدولية (ISS)"),
            _cut(
                seed[2],
                "b|Rapid Apophis Mission for Space Safety",
                "a=https://www.esa.int/ministerial|الاجتماع الوزاري المقبل",
            ),
            _cut(
                seed[4], "i|الاختبارات التناظرية المُشتركة", "a=https://www.esa.int/moonlight|برنامج Moonlight"
            ),
        ],
        "caption": "مهام مشتركة بين الوكالتين",
        "table": [
            ["المهمة", "الوكالة", "المجال"],
            ["RAMSES", "ESA", "الدفاع الكوكبي"],
            ["EarthCARE", "ESA و JAXA", "مراقبة الأرض"],
            ["SLIM", "JAXA", "هبوط على **القمر**"],
        ],
        "closing": _cut(seed[6], "i|التعاونات الكبيرة التالية", "b|تغير المناخ"),
    }


# --- the Word article -----------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    a = article()
    d = docx.Document()
    d.core_properties.title = a["headline"]
    d.core_properties.author = "فريق التحرير"
    d.core_properties.language = "ar-SA"
    link_style = d.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)  # Word adds it with the first link
    link_style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link_style.font.underline = True
    for name in ("Normal", "Heading 1"):  # Word's Arabic template: right to left, Arabic language
        d.styles[name].element.get_or_add_pPr().append(OxmlElement("w:bidi"))
    rsids = iter(f"00{n:06X}" for n in range(0x3A1F20, 0x3B0000, 7))

    def bidi(paragraph) -> None:
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))

    def run(text: str, *, bold=False, italic=False, style: str = ""):
        r = OxmlElement("w:r")
        r.set(qn("w:rsidR"), next(rsids))
        rpr = OxmlElement("w:rPr")
        if style:
            rs = OxmlElement("w:rStyle")
            rs.set(qn("w:val"), style)
            rpr.append(rs)
        fonts = OxmlElement("w:rFonts")
        fonts.set(qn("w:hint"), "cs")
        rpr.append(fonts)
        for on, tags in ((bold, ("w:b", "w:bCs")), (italic, ("w:i", "w:iCs"))):
            if on:
                for tag in tags:
                    rpr.append(OxmlElement(tag))
        rpr.append(OxmlElement("w:rtl"))
        lang = OxmlElement("w:lang")
        lang.set(qn("w:bidi"), "ar-SA")
        rpr.append(lang)
        r.append(rpr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
        return r

    def fill(paragraph, pieces: list[tuple[str, str]], *, bold_all=False) -> None:
        bidi(paragraph)
        p = paragraph._p
        for text, kind in pieces:
            if kind.startswith("a="):
                rid = d.part.relate_to(kind[2:], RT.HYPERLINK, is_external=True)
                link = OxmlElement("w:hyperlink")
                link.set(qn("r:id"), rid)
                link.set(qn("w:history"), "1")
                link.append(run(text, style="Hyperlink"))
                p.append(link)
            elif kind:
                p.append(run(text, bold=kind == "b" or bold_all, italic=kind == "i"))
            else:
                # Word's fragmentation: one formatting, several runs (edits on other days), a
                # proofing mark between them.
                words = text.split(" ")
                half = len(words) // 2
                if half:
                    p.append(run(" ".join(words[:half]) + " ", bold=bold_all))
                    mark = OxmlElement("w:proofErr")
                    mark.set(qn("w:type"), "spellStart")
                    p.append(mark)
                    p.append(run(" ".join(words[half:]), bold=bold_all))
                else:
                    p.append(run(text, bold=bold_all))

    heading = d.add_paragraph(style="Heading 1")
    fill(heading, [(a["headline"], "")])
    for pieces in a["paragraphs"]:
        fill(d.add_paragraph(), pieces)
    caption = (
        d.add_paragraph(style="Caption") if "Caption" in [s.name for s in d.styles] else d.add_paragraph()
    )
    fill(caption, [(a["caption"], "")])
    table = d.add_table(rows=len(a["table"]), cols=len(a["table"][0]))
    table.style = d.styles["Table Grid"]
    table._tbl.tblPr.append(OxmlElement("w:bidiVisual"))
    for r_index, row in enumerate(a["table"]):
        for c_index, value in enumerate(row):
            cell = table.cell(r_index, c_index)
            para = cell.paragraphs[0]
            if "**" in value:
                before, word, after = value.split("**")
                fill(para, [(before, ""), (word, "b"), (after, "")] if after else [(before, ""), (word, "b")])
            else:
                fill(para, [(value, "")], bold_all=r_index == 0)
    fill(d.add_paragraph(), a["closing"])
    d.sections[0]._sectPr.append(OxmlElement("w:bidi"))
    d.save(path)
    return path


def _docx_paragraphs(path: Path) -> list[dict]:
    """Every body paragraph (table cells included, in document order) with its text and
    formatting: bold and italic spans (consecutive runs with it), links and their targets."""
    import docx

    d = docx.Document(str(path))
    rels = {rid: rel.target_ref for rid, rel in d.part.rels.items() if rel.is_external}
    out = []
    for p in d.element.body.iter(f"{{{W}}}p"):
        in_cell = any(a.tag == f"{{{W}}}tc" for a in p.iterancestors())
        spans: dict[str, list[str]] = {"bold": [], "italic": [], "link": []}
        current: dict[str, list[str] | None] = {"bold": None, "italic": None}
        text = []
        for r in p.iter(f"{{{W}}}r"):
            t = "".join(x.text or "" for x in r.iter(f"{{{W}}}t"))
            text.append(t)
            rpr = r.find(f"{{{W}}}rPr")
            for kind, tag in (("bold", "b"), ("italic", "i")):
                el = rpr.find(f"{{{W}}}{tag}") if rpr is not None else None
                on = el is not None and el.get(f"{{{W}}}val") not in ("0", "false")
                if on and t.strip():
                    if current[kind] is None:
                        current[kind] = []
                        spans[kind].append("")
                    spans[kind][-1] += t
                elif t.strip():
                    current[kind] = None
        for link in p.iter(f"{{{W}}}hyperlink"):
            words = "".join(x.text or "" for x in link.iter(f"{{{W}}}t"))
            spans["link"].append(f"{rels.get(link.get(f'{{{R}}}id'), '?')} {words}")
        out.append({"text": "".join(text), "cell": in_cell, **spans})
    return out


def check_docx(source: Path, output: Path) -> dict:
    from lxml import etree

    report: dict = {"file": str(output)}
    with zipfile.ZipFile(output) as z:
        report["zip_ok"] = z.testzip() is None
        bad = []
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(z.read(name))
                except etree.XMLSyntaxError as error:
                    bad.append(f"{name}: {error}")
        report["xml_parts_unparsable"] = bad
        with zipfile.ZipFile(source) as zs:
            report["same_parts"] = sorted(zs.namelist()) == sorted(z.namelist())
        xml = "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")
        )
    report["rtl_left"] = {
        tag: xml.count(f"<w:{tag}/>") + xml.count(f"<w:{tag} ") for tag in ("bidi", "rtl", "bidiVisual")
    }
    # The Latin-script language set to Arabic (``w:bidi``, the complex-script one, may stay
    # ar-SA: Word's English template has it too).
    report["lang_ar_left"] = len(re.findall(r'<w:lang [^>]*w:val="ar-', xml))
    src, out = _docx_paragraphs(source), _docx_paragraphs(output)
    report["python_docx_opens"] = True
    report.update(_compare(src, out))
    report["pandoc"] = _pandoc(output, "docx")
    return report


# --- the news page ----------------------------------------------------------------------------


def _html_pieces(pieces: list[tuple[str, str]]) -> str:
    out = []
    for text, kind in pieces:
        if kind == "b":
            out.append(f"<strong>{text}</strong>")
        elif kind == "i":
            out.append(f"<em>{text}</em>")
        elif kind.startswith("a="):
            out.append(f'<a href="{kind[2:]}">{text}</a>')
        else:
            out.append(text)
    return "".join(out)


_STRONG = re.compile(r"[*][*](.+?)[*][*]")
_STRONG_HTML = r"<strong>\1</strong>"


def make_html(path: Path) -> Path:
    a = article()
    rows = []
    for i, row in enumerate(a["table"]):
        cell = "th" if i == 0 else "td"
        cells = "".join(f"<{cell}>{_STRONG.sub(_STRONG_HTML, v)}</{cell}>" for v in row)
        rows.append(f"        <tr>{cells}</tr>")
    head_rows, body_rows = rows[0], "\n".join(rows[1:])
    body = "\n".join(f"      <p>{_html_pieces(p)}</p>" for p in a["paragraphs"][:2])
    body2 = "\n".join(f"      <p>{_html_pieces(p)}</p>" for p in a["paragraphs"][2:])
    lead = a["paragraphs"][0][0][0] + a["paragraphs"][0][1][0]
    byline = '<span class="author">فريق التحرير</span> · <time datetime="2024-11-20">20 نوفمبر 2024</time>'
    page = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{a["headline"]} | أخبار الفضاء</title>
  <meta name="description" content="{a["caption"]}">
  <meta property="og:title" content="{a["headline"]}">
  <meta property="og:locale" content="ar_AR">
  <link rel="stylesheet" href="/assets/css/main.css">
  <script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"section": "science"}});</script>
</head>
<body class="article-page">
  <header class="site-header">
    <a class="logo" href="/">أخبار الفضاء</a>
    <nav aria-label="القائمة الرئيسية">
      <ul>
        <li><a href="/news">الأخبار</a></li>
        <li><a href="/science">علوم</a></li>
        <li><a href="/tech">تكنولوجيا</a></li>
      </ul>
    </nav>
  </header>
  <main>
    <article>
      <h1>{a["headline"]}</h1>
      <div class="byline">{byline}</div>
      <figure>
        <img src="/images/esa-jaxa.jpg" alt="{lead.strip()}" width="800" height="450">
        <figcaption>{a["caption"]}</figcaption>
      </figure>
{body}
      <table class="data">
        <caption>{a["caption"]}</caption>
        <thead>
{head_rows}
        </thead>
        <tbody>
{body_rows}
        </tbody>
      </table>
{body2}
      <p>{_html_pieces(a["closing"])}</p>
    </article>
  </main>
  <footer class="site-footer">
    <p>© 2024 أخبار الفضاء. جميع الحقوق محفوظة.</p>
  </footer>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")
    return path


_BLOCKS = {"title", "h1", "p", "li", "td", "th", "caption", "figcaption", "div", "span", "time"}


class _Page(HTMLParser):
    """Tags in order, and per text block (``_BLOCKS``, innermost): its text, strong, em, links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.blocks: list[dict] = []
        self.stack: list[dict] = []
        self.inline: list[tuple[str, str]] = []  # open strong/em/a: (kind, text so far)
        self.attrs: dict[str, list[tuple[str, str | None]]] = {}
        self.skip = 0
        self.arabic_text: list[str] = []  # every text node with Arabic letters (scripts aside)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.setdefault(tag, []).extend(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("p", "h1", "li", "td", "th", "caption", "figcaption", "title"):
            block = {
                "tag": tag,
                "text": "",
                "cell": tag in ("td", "th"),
                "bold": [],
                "italic": [],
                "link": [],
            }
            self.blocks.append(block)
            self.stack.append(block)
        elif tag in ("strong", "b", "em", "i", "a") and self.stack:
            kind = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "a": "link"}[tag]
            prefix = (dict(attrs).get("href") or "?") + " " if kind == "link" else ""
            self.stack[-1][kind].append(prefix)
            self.inline.append((kind, tag))

    def handle_endtag(self, tag):
        self.tags.append("/" + tag)
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag in ("p", "h1", "li", "td", "th", "caption", "figcaption", "title") and self.stack:
            self.stack.pop()
        elif self.inline and self.inline[-1][1] == tag:
            self.inline.pop()

    def handle_data(self, data):
        if not self.skip and ARABIC.search(data):
            self.arabic_text.append(data.strip())
        if self.skip or not self.stack:
            return
        block = self.stack[-1]
        block["text"] += data
        for kind, _tag in self.inline:
            block[kind][-1] += data


def _read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def check_html(source: Path, output: Path) -> dict:
    src, out = _read_page(source), _read_page(output)
    text = output.read_text(encoding="utf-8")
    head = re.search(r"<html[^>]*>", text)
    report: dict = {
        "file": str(output),
        "parses": True,
        "same_tags": src.tags == out.tags,
        "html_element": head.group(0) if head else None,
        "lang_dir_left": {
            "lang_ar": len(re.findall(r'lang="ar', text)),
            "dir_rtl": len(re.findall(r'dir="rtl"', text)),
        },
        "og_locale": re.findall(r'og:locale" content="([^"]+)"', text),
        "text_with_arabic": out.arabic_text,
        "attributes_with_arabic": [
            f"{tag} {name}"
            for tag, pairs in out.attrs.items()
            for name, value in pairs
            if value and ARABIC.search(value)
        ],
    }
    report.update(_compare(src.blocks, out.blocks))
    report["pandoc"] = _pandoc(output, "html")
    return report


# --- both ---------------------------------------------------------------------------------------


def _compare(src: list[dict], out: list[dict]) -> dict:
    """Paragraph by paragraph: translated, and each formatting kind kept or lost."""
    result: dict = {"paragraphs_source": len(src), "paragraphs_output": len(out)}
    if len(src) != len(out):
        result["structure_changed"] = True
        return result
    untranslated = []
    kinds: dict[str, dict] = {
        k: {"source": 0, "kept": 0, "lost": [], "arabic_left": []} for k in ("bold", "italic", "link")
    }
    cells = {"source": 0, "translated": 0, "untranslated": []}
    for index, (s, o) in enumerate(zip(src, out, strict=False)):
        if not ARABIC.search(s["text"]):
            continue
        if s["cell"]:
            cells["source"] += 1
            if ARABIC.search(o["text"]):
                cells["untranslated"].append(o["text"])
            else:
                cells["translated"] += 1
        if ARABIC.search(o["text"]):
            untranslated.append({"paragraph": index, "text": o["text"]})
        for kind, tally in kinds.items():
            tally["source"] += len(s[kind])
            targets = [x.split(" ", 1)[0] for x in s[kind]] if kind == "link" else None
            got = [x.split(" ", 1)[0] for x in o[kind]] if kind == "link" else None
            if len(o[kind]) == len(s[kind]) and targets == got:
                tally["kept"] += len(s[kind])
            else:
                tally["lost"].append(
                    {"paragraph": index, "source": s[kind], "output": o[kind], "text": o["text"]}
                )
            tally["arabic_left"] += [x for x in o[kind] if ARABIC.search(x)]
    result.update(untranslated=untranslated, cells=cells, **kinds)
    result["english"] = [o["text"] for s, o in zip(src, out, strict=False) if ARABIC.search(s["text"])]
    return result


def _pandoc(path: Path, fmt: str) -> str:
    if not shutil.which("pandoc"):
        return "pandoc not installed"
    done = subprocess.run(["pandoc", "-f", fmt, "-t", "plain", str(path)], capture_output=True, text=True)
    return "reads" if done.returncode == 0 else f"fails: {done.stderr.strip()[:200]}"


def flagged(meta_file: Path) -> dict:
    """What the ``.meta.json`` says: sentences with a ``markup`` note or finding, and review."""
    if not meta_file.is_file():
        return {}
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    markup = [
        {
            "paragraph": n["paragraph"],
            "sentence": n["sentence"],
            "notes": [x for x in n["notes"] if "markup" in json.dumps(x)],
        }
        for n in meta.get("notes", [])
        if "markup" in json.dumps(n["notes"])
    ]
    findings = [c for c in meta.get("checks", []) if any(f.get("check") == "markup" for f in c["checks"])]
    return {
        "paragraphs": meta.get("paragraphs"),
        "sentences": meta.get("sentences"),
        "seconds": meta.get("seconds"),
        "needs_review": meta.get("needs_review"),
        "markup_notes": markup,
        "markup_findings": findings,
        "engine": meta.get("engine", {}).get("name"),
        "model": meta.get("engine", {}).get("model"),
        "terms": meta.get("terms"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-documents"))
    parser.add_argument("--make", action="store_true", help="only build the two inputs")
    parser.add_argument("--check", action="store_true", help="only check outputs already there")
    parser.add_argument("--only", choices=("article", "news"), help="only the Word article or the news page")
    parser.add_argument("extra", nargs="*", help="after --: options for tarjama translate")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    docs = [
        ("article.ar.docx", "article.en.docx", make_docx, check_docx),
        ("news.ar.html", "news.en.html", make_html, check_html),
    ]
    if args.only:
        docs = [d for d in docs if d[0].startswith(args.only)]
    if not args.check:
        for name, _out, make, _check in docs:
            make(args.out / name)
    if args.make:
        return 0
    report: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    for name, out_name, _make, check in docs:
        source, output = args.out / name, args.out / out_name
        entry: dict = {}
        if not args.check:
            load = os.getloadavg()
            start = time.perf_counter()
            command = [
                sys.executable,
                "-m",
                "tarjama",
                "translate",
                str(source),
                "-o",
                str(output),
                "--no-progress",
                *args.extra,
            ]
            done = subprocess.run(command, capture_output=True, text=True)
            entry.update(
                command=" ".join(["tarjama", *command[3:]]),
                rc=done.returncode,
                seconds=round(time.perf_counter() - start, 1),
                load_before=[round(x, 2) for x in load],
                load_after=[round(x, 2) for x in os.getloadavg()],
                summary=done.stderr.strip().splitlines()[-1:],
            )
            if done.returncode:
                print(done.stderr, file=sys.stderr)
        if output.is_file():
            entry.update(check(source, output))
            entry["meta"] = flagged(output.with_name(output.name + ".meta.json"))
        report[name] = entry
    (args.out / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
