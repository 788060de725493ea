"""TMX from other tools into the memory: translate-toolkit's po2tmx, OmegaT, memoQ; and the units
that must never become approvals (copies of the source, swapped languages, control characters).

po2tmx is run for real (translate-toolkit is a test dependency); the other files copy their
tools' layouts.
"""

from __future__ import annotations

import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from tarjama.cli import main
from tarjama.memory.store import Approval, MachineRow, TranslationMemory
from tarjama.memory.tmx import export_tmx, import_tmx
from tarjama.text.interchange import iter_xml

PAIRS = [
    ("وقعت وكالة الفضاء الأوروبية اتفاقية مع جاكسا.",
     "The European Space Agency signed an agreement with JAXA."),
    ("وستطلق المهمة في عام 2030.", "The mission will launch in 2030."),
    ("وقال المدير إن التعاون سيستمر.", "The director said the cooperation would continue."),
]


def memory_cli(*argv: object) -> int:
    return main(["memory", *map(str, argv)])


def approvals(path: Path) -> list[tuple[str, Approval]]:
    memory = TranslationMemory(path, readonly=True)
    try:
        return memory.approval_rows()
    finally:
        memory.close()


def po2tmx(tmp_path: Path) -> Path:
    """A TMX written by translate-toolkit's po2tmx (no dates, no ids) from an Arabic → English PO."""
    po = tmp_path / "news.po"
    entries = "".join(f'\nmsgid "{ar}"\nmsgstr "{en}"\n' for ar, en in PAIRS)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    po.write_text(header + entries, encoding="utf-8")
    tmx = tmp_path / "news.tmx"
    argv = [sys.executable, "-m", "translate.convert.po2tmx", "--progress", "none", "-l", "en",
            "--source-language", "ar", str(po), str(tmx)]  # fmt: skip
    subprocess.run(argv, check=True, capture_output=True)
    return tmx


def test_po2tmx_units_without_dates_are_imported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmx = po2tmx(tmp_path)
    assert "creationdate" not in tmx.read_text(encoding="utf-8")  # po2tmx writes no dates
    db = tmp_path / "m.sqlite"
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 0
    assert "imported 3 human approvals" in capsys.readouterr().out
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 0
    assert "imported 0 human approvals and 0 machine translations" in capsys.readouterr().out
    assert len(approvals(db)) == 3
    # A changed English is a new approval (the segment's history), even without a date.
    tmx.write_text(tmx.read_text(encoding="utf-8").replace("would continue", "will go on"), encoding="utf-8")
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 0
    assert [a.translation for _g, a in approvals(db)][-1] == "The director said the cooperation will go on."
    assert len(approvals(db)) == 4


# OmegaT 6 project_save.tmx: TMX 1.1, `lang`, the translator and dates on the target <tuv>,
# default translations then alternative ones (with their file/id properties).
OMEGAT = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext" \
creationtoolversion="6.0.0_0_1bf1729c" segtype="sentence" srclang="AR"/>
  <body>
<!-- Default translations -->
    <tu>
      <tuv lang="AR">
        <seg>{PAIRS[0][0]}</seg>
      </tuv>
      <tuv lang="EN-GB" changeid="amal" changedate="20240105T101010Z" creationid="badr" \
creationdate="20240104T090000Z">
        <seg>{PAIRS[0][1]}</seg>
      </tuv>
    </tu>
<!-- Alternative translations -->
    <tu>
      <prop type="file">article.txt</prop>
      <prop type="prev">وقعت وكالة الفضاء الأوروبية اتفاقية مع جاكسا.</prop>
      <tuv lang="AR">
        <seg>{PAIRS[1][0]}</seg>
      </tuv>
      <tuv lang="EN-GB" creationid="badr" creationdate="20240106T120000Z">
        <seg>{PAIRS[1][1]}</seg>
      </tuv>
    </tu>
  </body>
</tmx>
"""


def test_omegat_translator_and_date_come_from_the_target_tuv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmx = tmp_path / "project_save.tmx"
    tmx.write_text(OMEGAT, encoding="utf-8")
    db = tmp_path / "m.sqlite"
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 0
    (_g, first), (_g2, second) = approvals(db)
    assert (first.editor, first.approved) == ("amal", 1704449410.0)  # changeid/changedate of the tuv
    assert (second.editor, second.approved) == ("badr", 1704542400.0)  # its creation, when never changed
    capsys.readouterr()
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 0
    assert "(2 already present)" in capsys.readouterr().out
    assert len(approvals(db)) == 2


def test_a_refused_import_leaves_nothing_behind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmx = tmp_path / "fr.tmx"
    tmx.write_text(OMEGAT.replace('lang="AR"', 'lang="FR"'), encoding="utf-8")
    db = tmp_path / "new.sqlite"
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no Arabic side; the languages found are FR, EN-GB" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fr.tmx"]  # no memory, no -wal, no -shm


# memoQ 10 TM export: placeholders as <ph> with their code as content, a formatting pair as
# <bpt>/<ept> with content, the English carrying one more code of its own.
MEMOQ = """<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
  <header creationtool="MemoQ" creationtoolversion="10.2.5" segtype="sentence" o-tmf="MemoQTM" \
adminlang="en-us" srclang="ar-sa" datatype="unknown">
    <prop type="x-Project">esa-news</prop>
  </header>
  <body>
    <tu changedate="20240301T081500Z" creationdate="20240301T081500Z" creationid="amal" changeid="amal">
      <prop type="x-Document">article.docx</prop>
      <tuv xml:lang="ar-sa">
        <seg>أعلنت <bpt i="1" type="bold">{}</bpt>الوكالة<ept i="1">{}</ept> إطلاق <ph \
type="fnote">{1}</ph>المهمة.</seg>
      </tuv>
      <tuv xml:lang="en-us">
        <seg>The <bpt i="1" type="bold">{}</bpt>agency<ept i="1">{}</ept> announced the <ph \
type="fnote">{1}</ph>mission <ph type="x-tab">{2}</ph> launch.</seg>
      </tuv>
    </tu>
  </body>
</tmx>
"""


def test_inline_codes_are_kept_as_placeholders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmx = tmp_path / "memoq.tmx"
    tmx.write_text(MEMOQ, encoding="utf-8")
    db = tmp_path / "m.sqlite"
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 0
    err = capsys.readouterr().err
    assert "1 units with inline codes kept them as placeholders" in err
    assert "inline code <ph> in the English with no Arabic counterpart ×1" in err
    [(_g, approval)] = approvals(db)
    assert approval.source == "أعلنت <g1>الوكالة</g1> إطلاق <x2/>المهمة."
    # Content and place kept; the code with no counterpart dropped without leaving two spaces.
    assert approval.translation == "The <g1>agency</g1> announced the <x2/>mission launch."


def cs_tmx(units: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
            'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="ar" '
            f'datatype="plaintext"/><body>\n{units}\n</body></tmx>\n')


def tu(ar: str, en: str, ar_lang: str = "ar", en_lang: str = "en") -> str:
    return (f'<tu creationid="bob"><tuv xml:lang="{ar_lang}"><seg>{ar}</seg></tuv>'
            f'<tuv xml:lang="{en_lang}"><seg>{en}</seg></tuv></tu>')


@pytest.mark.parametrize(
    "unit,reason",
    [
        # A CAT tool's "copy source to target" left in the memory (D12).
        (tu("هذه جملة رقم 1 عن الفضاء.", "هذه جملة رقم 1 عن الفضاء."), "English side is Arabic"),
        # Swapped language tags (D19).
        (tu("هذه جملة رقم 3 عن الفضاء.", "This is sentence number 3 about space.", "en", "ar"),
         "Arabic side has no Arabic letter"),
        # An English with an Arabic sentence pasted in.
        (tu("هذه جملة.", "هذه جملة عربية طويلة. OK"), "English side is Arabic"),
        (tu("هذه جملة.", "This is\x7f a sentence."), "control character in the English (U+007F (DEL))"),
    ],
)
def test_units_that_never_become_approvals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unit: str, reason: str
) -> None:
    tmx = tmp_path / "u.tmx"
    tmx.write_text(cs_tmx(unit + "\n" + tu("جملة سليمة.", "A sound sentence.")), encoding="utf-8")
    db = tmp_path / "m.sqlite"
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 0
    captured = capsys.readouterr()
    assert "imported 1 human approvals" in captured.out
    assert reason in captured.err and "×1 (first on line 3)" in captured.err
    assert [a.translation for _g, a in approvals(db)] == ["A sound sentence."]


def test_bidi_controls_are_removed_from_the_english_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmx = tmp_path / "b.tmx"
    tmx.write_text(cs_tmx(tu("\u200fجملة سليمة.", "A \u202esound sentence.")), encoding="utf-8")
    db = tmp_path / "m.sqlite"
    assert memory_cli("import", tmx, "--memory", db, "--no-glossary") == 0
    err = capsys.readouterr().err
    assert "bidi control characters removed from the English ×1" in err
    assert "Arabic segments with bidi control characters (kept, as documents hold them) ×1" in err
    [(_g, approval)] = approvals(db)
    assert approval.translation == "A sound sentence." and approval.source == "\u200fجملة سليمة."


def test_import_reads_one_unit_at_a_time(tmp_path: Path) -> None:
    """The TMX reader hands over each <tu> and lets it go: memory stays flat on any file size."""
    tmx = tmp_path / "many.tmx"
    tmx.write_text(cs_tmx("\n".join(tu(f"جملة رقم {i}.", f"Sentence {i}.") for i in range(3000))),
                   encoding="utf-8")
    stream = iter_xml(tmx, {"tu"}, block=4096)  # about 30 units a block
    alive: list[weakref.ref] = []
    most = 0
    for kind, el, _line in stream:
        if kind == "element":
            alive.append(weakref.ref(el))
            most = max(most, sum(r() is not None for r in alive[-500:]))
            del el
    assert len(alive) == 3000 and most < 100


class OneByOne:
    """A memory that hands out rows one at a time and notes how many were alive at once."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.alive: list[weakref.ref] = []
        self.most = 0

    def _count(self, row: object) -> None:
        self.alive.append(weakref.ref(row))
        self.most = max(self.most, sum(r() is not None for r in self.alive))

    def comment_rows(self) -> list:  # the review workbench's comments and statuses: none here
        return []

    def status_rows(self) -> list:
        return []

    def iter_machine_rows(self):
        for i in range(self.rows):
            row = MachineRow("e" * 64, {"engine": "x"}, "none", f"k{i}", f"جملة {i}.", (), f"Sentence {i}.",
                             [], None, 0.1, 1e9 + i)  # fmt: skip
            self._count(row)
            yield row

    def iter_approval_rows(self):
        for i in range(self.rows):
            approval = Approval(f"a{i}", f"جملة {i}.", f"The sentence {i}.", "amal", 1e9 + i)
            self._count(approval)
            yield "none", approval


def test_export_writes_as_it_reads(tmp_path: Path) -> None:
    memory = OneByOne(500)
    report = export_tmx(memory, tmp_path / "m.tmx")  # type: ignore[arg-type]
    assert (report.machine, report.human) == (500, 500)
    assert memory.most <= 3  # never the whole memory in hand
    copy = TranslationMemory(tmp_path / "copy.sqlite")
    try:
        imported = import_tmx(copy, tmp_path / "m.tmx")
    finally:
        copy.close()
    assert (imported.machine_added, imported.approvals_added) == (500, 500)
