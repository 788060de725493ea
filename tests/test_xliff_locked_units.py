"""XLIFF units a reviewer closed stay as they are, even with an empty target (issue 28's audit):
1.2 ``signed-off`` and ``final``, 2.x ``final`` and ``reviewed`` are never sent to an engine
nor filled, whatever their target holds."""

from __future__ import annotations

from pathlib import Path

from translate.storage import xliff, xliff2

from tarjama.formats import read_source
from test_formats_xliff import by_id, fill

XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a.txt" source-language="ar" target-language="en" datatype="plaintext">
    <body>
      <trans-unit id="open">
        <source>جملة مفتوحة.</source>
      </trans-unit>
      <trans-unit id="signed-empty">
        <source>جملة موقعة فارغة.</source>
        <target state="signed-off"></target>
      </trans-unit>
      <trans-unit id="signed-self-closed">
        <source>جملة موقعة أخرى.</source>
        <target state="signed-off"/>
      </trans-unit>
      <trans-unit id="final-empty">
        <source>جملة نهائية فارغة.</source>
        <target state="final"></target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF_20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="ar" trgLang="en">
  <file id="f1">
    <unit id="open">
      <segment>
        <source>جملة مفتوحة.</source>
      </segment>
    </unit>
    <unit id="final-empty">
      <segment state="final">
        <source>جملة نهائية فارغة.</source>
        <target></target>
      </segment>
    </unit>
    <unit id="reviewed-empty">
      <segment state="reviewed">
        <source>جملة مراجعة فارغة.</source>
        <target/>
      </segment>
    </unit>
    <unit id="reviewed-no-target">
      <segment state="reviewed">
        <source>جملة مراجعة بلا هدف.</source>
      </segment>
    </unit>
  </file>
</xliff>
"""


def test_xliff_12_signed_off_and_final_units_with_empty_targets_are_not_filled(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    path.write_text(XLIFF_12, encoding="utf-8")
    doc = read_source(path).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == ["جملة مفتوحة."]
    out = tmp_path / "a.en.xlf"
    out.write_text(fill(path, None), encoding="utf-8")
    units = by_id(xliff.xlifffile.parsefile(str(out)))
    assert units["open"].target == "EN."
    for uid, state in (("signed-empty", "signed-off"), ("signed-self-closed", "signed-off"),
                       ("final-empty", "final")):
        assert units[uid].target == "", uid
        assert units[uid].get_target_dom().get("state") == state, uid


def test_xliff_2_final_and_reviewed_segments_with_empty_targets_are_not_filled(tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    path.write_text(XLIFF_20, encoding="utf-8")
    doc = read_source(path).units[0].document
    assert [s.request_text for _p, s in doc.sentences()] == ["جملة مفتوحة."]
    out = tmp_path / "a.en.xlf"
    out.write_text(fill(path, None), encoding="utf-8")
    units = by_id(xliff2.Xliff2File.parsefile(str(out)))
    assert units["open"].target == "EN."
    for uid, state in (("final-empty", "final"), ("reviewed-empty", "reviewed"),
                       ("reviewed-no-target", "reviewed")):
        assert not units[uid].target, uid
        assert units[uid].xmlelement.get("state") == state, uid
