from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradescreen.errors import InvalidInput, SourceError
from tradescreen.sources import FORMATS, detect, group_sources, read_source
from tradescreen.sources.csl import COLUMNS

from .conftest import FIXTURES, real

HEADER = ",".join(COLUMNS)
EL = "Entity List (EL) - Bureau of Industry and Security"


def _csl_row(name: str, extra_field: bool = False) -> str:
    cells = [""] * len(COLUMNS)
    cells[1], cells[5], cells[9] = EL, name, "2020-01-02"
    if extra_field:
        cells.append("x")
    return ",".join(f'"{c}"' for c in cells)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("rel", "fmt"),
    [
        ("us_csl/consolidated_2022-04.csv.gz", "csl_csv"),
        ("us_bis_entity_list/bis_entity_list_ecfr_2026-07.json", "nsf_json"),
        ("us_ofac_sdn/2021-07", "ofac_csv"),
        ("us_ofac_sdn/2024-05-03/sdn.csv", "ofac_csv"),
        ("us_ofac_cons/2025-01/CONS_ENHANCED.ZIP", "ofac_xml"),
        ("un_sc/UN_consolidated_2026-02-27.xml.gz", "un_xml"),
        ("us_bis_dpl/dpl_2023-11.txt", "dpl_txt"),
        ("eu_opensanctions_journal/32014R0833.csv.gz", "os_csv"),
        ("us_dod_1260h/opensanctions_dod_chinese_milcorps.csv", "os_csv"),
    ],
)
def test_detect_real_files(rel: str, fmt: str) -> None:
    assert detect(real(rel)) == fmt


def test_detect_fixtures() -> None:
    assert detect(FIXTURES / "csl_api.json") == "csl_json"
    assert detect(FIXTURES / "eu_fsf.xml") == "eu_xml"
    assert detect(FIXTURES / "uk_sanctions.xml") == "uk_xml"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found") as err:
        read_source(tmp_path / "nope.csv")
    assert err.value.path == str(tmp_path / "nope.csv")


@pytest.mark.realdata
def test_truncated_gzip(tmp_path: Path) -> None:
    raw = real("un_sc/UN_consolidated_2026-02-27.xml.gz").read_bytes()
    cut = tmp_path / "un.xml.gz"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(SourceError, match="truncated or corrupt gzip"):
        read_source(cut)


@pytest.mark.realdata
def test_truncated_zip(tmp_path: Path) -> None:
    raw = real("us_ofac_cons/2025-01/CONS_ENHANCED.ZIP").read_bytes()
    cut = tmp_path / "CONS_ENHANCED.ZIP"
    cut.write_bytes(raw[: len(raw) // 3])
    with pytest.raises(SourceError, match="truncated or corrupt zip"):
        read_source(cut)


def test_broken_quotes_mid_file(tmp_path: Path) -> None:
    path = tmp_path / "csl.csv"
    bad = _csl_row("Broken").replace('"Broken"', '"Bro"ken"')
    path.write_text("\n".join([HEADER, _csl_row("Good Co"), bad, _csl_row("Later Co")]) + "\n")
    with pytest.raises(SourceError, match="broken CSV quoting") as err:
        list(read_source(path).entities)
    assert err.value.line == 3


def test_broken_header(tmp_path: Path) -> None:
    path = tmp_path / "csl.csv"
    path.write_text("_id,source,nom\n1,x,y\n")
    with pytest.raises(SourceError, match="missing column") as err:
        list(read_source(path, format="csl").entities)
    assert err.value.line == 1


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "picture.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(SourceError, match="unknown list format"):
        read_source(path)
    # a mistyped reader name is the user's input (exit 2), not a broken file (exit 3)
    with pytest.raises(InvalidInput, match="unknown format 'xlsx'"):
        read_source(FIXTURES / "eu_fsf.xml", format="xlsx")


def test_format_override(tmp_path: Path) -> None:
    # a gzipped copy read through the override and through detection gives the same entities
    gz = tmp_path / "eu.xml.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "eu_fsf.xml").read_bytes()))
    assert [e.id for e in read_source(gz, format="eu").entities] == ["eu_fsf:13", "eu_fsf:7416"]
    with pytest.raises(SourceError, match="invalid JSON"):
        read_source(FIXTURES / "eu_fsf.xml", format="csl_json")
    with pytest.raises(SourceError, match="not a CSL JSON document"):
        read_source(real("us_bis_meu/bis_meu_ecfr_2026-07.json"), format="csl_json")


def test_row_failures_within_budget_are_recorded(tmp_path: Path) -> None:
    rows = [_csl_row(f"Firm {i}") for i in range(20)] + [_csl_row("Odd", extra_field=True)]
    path = tmp_path / "csl.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    ps = read_source(path)
    assert len(list(ps.entities)) == 20
    assert ps.rejected == [f"{path}:22: 30 fields, header has 29"]


def test_too_many_row_failures_reject_the_file(tmp_path: Path) -> None:
    rows = [_csl_row(f"Firm {i}") for i in range(20)] + [_csl_row("", False) for _ in range(6)]
    path = tmp_path / "csl.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    with pytest.raises(SourceError, match="6 of 26 rows rejected"):
        list(read_source(path).entities)


# Prefixes that get arbitrary bytes past each reader's sniffing / header checks.
PREFIXES = {
    "csl_csv": (HEADER + "\n").encode(),
    "csl_json": b'{"results": [',
    "nsf_json": b'{"list_id": "bis-entity-list", "entities": [',
    "ofac_csv": b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",',
    "ofac_xml": b'<?xml version="1.0"?><sanctionsData><publicationInfo><dataAsOf>',
    "un_xml": b'<CONSOLIDATED_LIST dateGenerated="2026-02-27"><INDIVIDUALS><INDIVIDUAL>',
    "eu_xml": b'<export xmlns="http://eu.europa.eu/fpi/fsd/export"><sanctionEntity logicalId="1">',
    "uk_xml": b"<Designations><Designation><UniqueID>",
    "dpl_txt": b'"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t'
    b'"Effective_Date"\t"Expiration_Date"\t"Standard_Order"\t"Last_Update"\t"Action"\t'
    b'"FR_Citation"\n',
    "os_csv": b"Name,Clean Name,Alias,Previous Name,Parent Name,Note,Start date,End date,"
    b"Source Url\n",
    "ftm_json": b'{"id": "x", "schema": "Person", "properties": {"name": ["A"]}}\n',
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    fmt=st.sampled_from(sorted(FORMATS)),
    prefixed=st.booleans(),
    data=st.binary(max_size=400)
    | st.text(alphabet='",;\t\n{}[]<>/=:ab1 -0', max_size=400).map(str.encode),
)
def test_readers_raise_only_source_error(fmt: str, prefixed: bool, data: bytes) -> None:
    assert set(PREFIXES) == set(FORMATS)
    payload = (PREFIXES[fmt] if prefixed else b"") + data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("sdn.csv" if fmt == "ofac_csv" else "list.dat")
        path.write_bytes(payload)
        try:
            ps = FORMATS[fmt].read([path])
            for ent in ps.entities:
                assert ent.listings and ent.names
        except SourceError as exc:
            assert str(exc)


@settings(max_examples=25, deadline=None)
@given(data=st.binary(max_size=300))
def test_detection_on_arbitrary_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "unknown.bin"
        path.write_bytes(data)
        try:
            fmt = detect(path)
        except SourceError:
            return
        assert fmt in FORMATS


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "name",
        "aliases",
        "country",
        "address",
        "effective_date",
        "federal_register",
        "source",
        "addresses",
        "ids",
        "alt_names",
        "type",
        "schema",
        "properties",
        "id",
        "entity",
        "holder",
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    fmt=st.sampled_from(["nsf_json", "csl_json", "ftm_json"]),
    records=st.lists(st.dictionaries(FIELDS, JSON, max_size=6), max_size=4),
)
def test_json_readers_on_arbitrary_records(fmt: str, records: list[dict[str, object]]) -> None:
    import orjson

    if fmt == "nsf_json":
        payload = orjson.dumps({"list_id": "bis-entity-list", "entities": records})
    elif fmt == "csl_json":
        payload = orjson.dumps({"results": records, "sources_used": records})
    else:
        payload = b"\n".join(orjson.dumps(r) for r in records)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.json"
        path.write_bytes(payload)
        try:
            for ent in FORMATS[fmt].read([path]).entities:
                assert ent.listings and ent.names
        except SourceError as exc:
            assert str(exc)


def test_a_csl_file_splits_into_its_lists() -> None:
    from tradescreen.loading import group_by_list

    groups = group_by_list(list(read_source(FIXTURES / "csl_api.json").entities))
    assert {k: len(v) for k, (_, v) in groups.items()} == {"us_bis_el": 2, "us_ofac_sdn": 1}


def test_group_sources_keeps_ofac_sets_together(tmp_path: Path) -> None:
    ofac_dir = real("us_ofac_sdn/2021-07")
    el = real("us_bis_entity_list/bis_entity_list_ecfr_2026-07.json")
    csl = real("us_csl/consolidated_2022-04.csv.gz")
    files = [ofac_dir / "sdn.csv", el, ofac_dir / "add.csv", ofac_dir / "alt.csv", csl]
    groups = group_sources(files)
    assert groups == [
        [ofac_dir / "sdn.csv", ofac_dir / "add.csv", ofac_dir / "alt.csv"],
        [el],
        [csl],
    ]
    assert group_sources([ofac_dir, el]) == [[ofac_dir], [el]]  # a set's directory is one path
