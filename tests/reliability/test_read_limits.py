"""Issue 12 items 2 and 6 (reading): strict decoding and limits on what a list file may cost.

Each test reproduces a break first (on the code before the fix it fails): one stray Latin-1 byte
turned a whole CSL/DPL/OFAC file into mojibake; a wrong XML encoding declaration was accepted;
a gzip/zip bomb took gigabytes; a zip with a larger decoy member loaded the decoy; elements
outside records were kept until the end of the file.
"""

from __future__ import annotations

import csv
import gzip
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from tests.audit_records import audited
from tests.data_paths import LISTS, require_data

from tradescreen.cli import main as cli_main
from tradescreen.errors import LimitExceeded, SourceError
from tradescreen.loading import read_all
from tradescreen.settings import Settings
from tradescreen.sources import read_source
from tradescreen.sources._io import Blob
from tradescreen.sources._xml import XmlStream
from tradescreen.sources.limits import Limits
from tradescreen.store.sql import SqlStore

DPL_TXT = LISTS / "us_bis_dpl" / "dpl_2023-11.txt"
CONS_ZIP = LISTS / "us_ofac_cons" / "2025-01" / "CONS_ENHANCED.ZIP"
EL = "Entity List (EL) - Bureau of Industry and Security"


def _csl(rows: list[tuple[str, str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["_id", "source", "name", "remarks"])
    for i, (name, remark, _) in enumerate(rows):
        w.writerow([f"id{i}", EL, name, remark])
    return buf.getvalue().encode("utf-8")


def _names(path: Path, **kw: str) -> tuple[list[str], list[str]]:
    parsed = read_source(path, **kw)
    names = [n.value for e in parsed.entities for n in e.names]
    return names, parsed.rejected


# -- strict decoding -----------------------------------------------------------------------


def test_stray_latin1_byte_in_csl_rejects_its_row_only(tmp_path: Path) -> None:
    data = _csl(
        [
            ("MÜLLER GMBH", "", ""),
            ("ÖZTÜRK DIŞ TİCARET", "", ""),
            ("ACME TRADING", "STRAY_BYTE_HERE", ""),
        ]
    ).replace(b"STRAY_BYTE_HERE", b"caf\xe9")
    path = tmp_path / "consolidated.csv"
    path.write_bytes(data)
    names, rejected = _names(path)
    # Before: the file was decoded as cp1252 and these read "MÃœLLER GMBH", exit 0.
    assert "MÜLLER GMBH" in names and "ÖZTÜRK DIŞ TİCARET" in names
    assert "ACME TRADING" not in names
    assert rejected == [f"{path}:4: not valid UTF-8 text (byte 0xE9); row rejected"]


def test_stray_latin1_byte_in_dpl_rejects_its_row_only(tmp_path: Path) -> None:
    header, *rows = require_data(DPL_TXT).read_bytes().splitlines(keepends=True)[:6]
    rows[0] = rows[0].replace(b'"SEAGOVILLE"', b'"S\xc3\x89AGOVILLE"')  # UTF-8 "É"
    rows[2] = rows[2][:3] + b"\xfc" + rows[2][3:]  # one Latin-1 "ü" in a name
    path = tmp_path / "dpl.txt"
    path.write_bytes(header + b"".join(rows))
    parsed = read_source(path, format="dpl_txt")
    ents = list(parsed.entities)
    cities = {a.city for e in ents for a in e.addresses}
    assert "SÉAGOVILLE" in cities  # before: "SÃ\x89AGOVILLE" (latin-1 file-wide)
    assert len(ents) == 4
    assert parsed.rejected == [f"{path}:4: not valid UTF-8 text (byte 0xFC); row rejected"]


def test_stray_byte_in_ofac_csv_rejects_its_row_only(tmp_path: Path) -> None:
    d = tmp_path / "sdn"
    d.mkdir()
    empty = ["-0-"] * 8
    sdn = [
        ["1", "MÜLLER, Hans", "individual", "SDGT", *empty],
        ["2", "ACME XSTRAYX LTD", "-0-", "SDGT", *empty],
        ["3", "ÇELİK HOLDING", "-0-", "SDGT", *empty],
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(sdn)
    (d / "sdn.csv").write_bytes(buf.getvalue().encode().replace(b"XSTRAYX", b"\x92") + b"\x1a")
    (d / "add.csv").write_bytes(b'1,1,"-0-","-0-","Germany","-0-"\r\n')
    (d / "alt.csv").write_bytes('3,1,"aka","ÇELİK A.Ş.","-0-"\r\n'.encode())
    (d / "sdn_comments.csv").write_bytes(b"")
    names, rejected = _names(d)
    assert {"MÜLLER, Hans", "ÇELİK HOLDING", "ÇELİK A.Ş."} <= set(names)  # before: mojibake
    assert rejected == [f"{d / 'sdn.csv'}:2: not valid UTF-8 text (byte 0x92); row rejected"]


def test_file_in_a_legacy_encoding_is_refused_not_garbled(tmp_path: Path) -> None:
    rows = [(f"SOCIÉTÉ GÉNÉRALE {i}", "", "") for i in range(20)]
    path = tmp_path / "consolidated.csv"
    path.write_bytes(_csl(rows).decode("utf-8").encode("cp1252"))
    with pytest.raises(SourceError, match=r"20 of 20 rows rejected .*:2: not valid UTF-8"):
        read_all([path], None)


UN_RECORD = (
    "<INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>JÜRGEN</FIRST_NAME>"
    "<SECOND_NAME>MÜLLER</SECOND_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>"
    "<REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER><LISTED_ON>2001-01-25</LISTED_ON>"
    "</INDIVIDUAL></INDIVIDUALS>"
)


def _un(declared: str | None, body_encoding: str, filler: str = "") -> bytes:
    decl = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    return (
        decl + '<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00Z">'
        f"{filler}{UN_RECORD}</CONSOLIDATED_LIST>\n"
    ).encode(body_encoding)


@pytest.mark.parametrize(
    ("declared", "written", "error"),
    [
        ("ISO-8859-1", "utf-8", "declares encoding 'ISO-8859-1' but its bytes are UTF-8"),
        ("windows-1252", "utf-8", "declares encoding 'windows-1252' but its bytes are UTF-8"),
        ("UTF-8", "latin-1", r":2: not valid UTF-8 text as declared \(byte 0xDC"),
        (None, "latin-1", r":1: not valid utf-8 text as declared \(byte 0xDC"),
        ("US-ASCII", "utf-8", "declares encoding 'US-ASCII' but its bytes are UTF-8"),
    ],
)
def test_xml_whose_declared_encoding_does_not_match_its_bytes_is_refused(
    tmp_path: Path, declared: str | None, written: str, error: str
) -> None:
    path = tmp_path / "un.xml"
    path.write_bytes(_un(declared, written))
    with pytest.raises(SourceError, match=error):
        read_all([path], None)


@pytest.mark.parametrize(("declared", "written"), [("ISO-8859-1", "latin-1"), ("UTF-8", "utf-8")])
def test_xml_in_its_declared_encoding_reads(tmp_path: Path, declared: str, written: str) -> None:
    path = tmp_path / "un.xml"
    path.write_bytes(_un(declared, written))
    _, ents = read_all([path], None)
    assert [n.value for n in ents[0].names] == ["JÜRGEN MÜLLER"]


# -- decompression -------------------------------------------------------------------------


def _zeros_csv_gz(path: Path, mib: int) -> None:
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"_id,source,name\n")
        block = b"\0" * (1 << 20)
        for _ in range(mib):
            out.write(block)


def test_gzip_bomb_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "consolidated.csv.gz"
    _zeros_csv_gz(bomb, 256)  # 256 MiB from about 260 KB
    tracemalloc.start()
    try:
        with pytest.raises(LimitExceeded, match="compression ratio above 100:1"):
            read_all([bomb], None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Before: the whole 256 MiB (and the CSV text decoded from it) was held in memory.
    assert peak < 40 << 20


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = tmp_path / "consolidated.zip"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("consolidated.csv", "w") as member,
    ):
        member.write(b"_id,source,name\n")
        for _ in range(64):
            member.write(b"\0" * (1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(LimitExceeded, match="compression ratio above 100:1"):
            read_all([bomb], None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_decompressed_size_limit_is_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv.gz"
    path.write_bytes(gzip.compress(_csl([(f"NAME {i} " + "x" * 200, "", "") for i in range(9000)])))
    assert len(read_all([path], None)[1]) == 9000
    small = Limits.from_settings(Settings(max_decompressed_bytes=1 << 20))
    with pytest.raises(
        LimitExceeded, match="more than 1,048,576 bytes \\(limit: max_decompressed_bytes"
    ):
        read_all([path], None, small)


def test_multi_member_gzip_still_reads(tmp_path: Path) -> None:
    data = _csl([("MÜLLER GMBH", "", ""), ("ACME TRADING", "", "")])
    head, tail = data.split(b"\n", 2)[:2], data.split(b"\n", 2)[2]
    path = tmp_path / "consolidated.csv.gz"
    path.write_bytes(gzip.compress(b"\n".join(head) + b"\n") + gzip.compress(tail))
    assert sorted(_names(path)[0]) == ["ACME TRADING", "MÜLLER GMBH"]


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv.gz"
    path.write_bytes(gzip.compress(_csl([("MÜLLER GMBH", "", "")]))[:-12])
    with pytest.raises(SourceError, match="truncated or corrupt gzip"):
        read_all([path], None)


def test_zip_member_is_chosen_by_name_not_size(tmp_path: Path) -> None:
    real = zipfile.ZipFile(require_data(CONS_ZIP)).read("CONS_ENHANCED.XML")
    decoy = _un("UTF-8", "utf-8", filler="<!--" + "x" * len(real) + "-->")  # one party, larger
    path = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("CONS_ENHANCED.XML", real)
        zf.writestr("UPDATE.XML", decoy)
    parsed, ents = read_all([path], None)
    # Before: the largest member was read, whatever its name: the decoy's one party.
    assert parsed.format == "ofac_xml" and len(ents) == 443


def test_zip_with_two_candidate_members_is_refused(tmp_path: Path) -> None:
    real = zipfile.ZipFile(require_data(CONS_ZIP)).read("CONS_ENHANCED.XML")
    path = tmp_path / "lists.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("CONS_ENHANCED.XML", real)
        zf.writestr("decoy.xml", real + b"<!-- a larger decoy -->")
        zf.writestr("__MACOSX/._CONS_ENHANCED.XML", b"resource fork")
    with pytest.raises(SourceError, match=r"zip archive holds 2 files .* ambiguous"):
        read_all([path], None)


# -- XML elements ----------------------------------------------------------------------------


def test_elements_outside_records_are_cleared_as_parsed(tmp_path: Path) -> None:
    data = _un("UTF-8", "utf-8", filler="<X/>" * 50_000)
    stream = XmlStream(Blob("un.xml", "un.xml", data, ""), {"INDIVIDUAL", "ENTITY"})
    assert len(list(stream.records())) == 1
    # Before: every <X/> stayed a child of the root until the end of the file.
    assert len(stream.root) <= 1


def test_xml_element_count_is_limited(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_bytes(_un("UTF-8", "utf-8", filler="<X/>" * 5000))
    assert len(read_all([path], None)[1]) == 1
    few = Limits.from_settings(Settings(max_xml_elements=1000))
    with pytest.raises(
        LimitExceeded, match="more than 1,000 XML elements \\(limit: max_xml_elements"
    ):
        read_all([path], None, few)


# -- a refusal through the CLI: one line, exit code, alert, version in force stays ----------


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    require_data(DPL_TXT)
    path = tmp_path / "limits.db"
    monkeypatch.setenv("TRADESCREEN_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("TRADESCREEN_DB", str(path))
    assert cli_main(["load", str(DPL_TXT)]) == 0
    return path


def _in_force(db: Path) -> list[tuple[int, str, int]]:
    store = SqlStore.from_url(f"sqlite:///{db}")
    try:
        return [(v.id, v.list_code, v.record_count) for v in store.active_versions()]
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["gzip_bomb", "xml_encoding", "zip_ambiguous"])
def test_cli_refusal_is_one_line_exit_3_and_an_alert(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    before = _in_force(db)
    if kind == "gzip_bomb":
        bad = tmp_path / "dpl.txt.gz"
        _zeros_csv_gz(bad, 64)
    elif kind == "xml_encoding":
        bad = tmp_path / "un.xml"
        bad.write_bytes(_un("ISO-8859-1", "utf-8"))
    else:
        bad = tmp_path / "both.zip"
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("a.txt", require_data(DPL_TXT).read_bytes())
            zf.writestr("b.txt", require_data(DPL_TXT).read_bytes())
    capsys.readouterr()
    code = cli_main(["load", str(bad)])
    out = capsys.readouterr()
    assert code == 3
    assert "Traceback" not in out.err + out.out
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(bad) in lines[0]
    [alert] = audited(db, "list.rejected")
    assert alert["source"] == [str(bad)] and str(bad) in alert["reason"]
    assert alert["code"] == ("limit_exceeded" if kind == "gzip_bomb" else "source_error")
    assert _in_force(db) == before


def test_documented_defaults() -> None:
    """The defaults README.md and docs/store.md state."""
    s = Settings()
    assert (s.max_decompressed_bytes, s.max_compression_ratio, s.max_xml_elements) == (
        512 << 20,
        100.0,
        20_000_000,
    )
    assert (s.download_total_timeout, s.download_max_bytes, s.download_min_free_bytes) == (
        1800.0,
        512 << 20,
        64 << 20,
    )
    assert Limits.from_settings(s) == Limits()
