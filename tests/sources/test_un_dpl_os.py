from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tradescreen.errors import SourceError
from tradescreen.model import EntityKind, NameKind
from tradescreen.sources import read_source

from .conftest import entities, real

UN = "un_sc/UN_consolidated_2026-02-27.xml.gz"


def test_un_counts_and_dates() -> None:
    ps = read_source(real(UN))
    assert ps.format == "un_xml" and ps.data_date == date(2026, 2, 27)
    ents = entities(UN)
    kinds = Counter(e.kind for e in ents)
    assert kinds[EntityKind.PERSON] == 730 and kinds[EntityKind.ORGANIZATION] == 273
    badege = next(e for e in ents if e.id == "un_sc:CDi.001")
    assert badege.name == "ERIC BADEGE"
    assert badege.listings[0].start_date == date(2012, 12, 31)
    assert badege.nationalities == ("CD",) and badege.birth_dates == ("1971",)


def test_un_alias_quality_and_native_script() -> None:
    ents = entities(UN)
    names = Counter(n.kind for e in ents for n in e.names)
    # 615 QUALITY Low aliases, plus 63 weak forms found inside them (the name without a
    # trailing parenthesis, an acronym: sources/embedded.py)
    assert names[NameKind.WEAK_AKA] == 615 + 63
    assert names[NameKind.NATIVE] > 300
    saddam = next(e for e in ents if e.id == "un_sc:IQi.001")
    assert any(n.kind is NameKind.NATIVE and "صدام" in n.value for n in saddam.names)


def test_raw_dpl() -> None:
    ents = entities("us_bis_dpl/dpl_2023-11.txt")
    assert len(ents) == 665
    aaron = next(e for e in ents if e.name == "AARON ABRAHAM VILLA")
    listing = aaron.listings[0]
    assert listing.start_date == date(2022, 8, 24) and listing.end_date == date(2026, 1, 14)
    assert listing.citations[0].date == date(2022, 8, 29)
    assert aaron.addresses[0].region == "TX"


def test_opensanctions_journal_and_1260h() -> None:
    e833 = entities("eu_opensanctions_journal/32014R0833.csv.gz")
    assert len(e833) == 1746
    assert Counter(e.kind for e in e833)[EntityKind.VESSEL] == 633
    e269 = entities("eu_opensanctions_journal/32014R0269.csv.gz")
    assert Counter(e.kind for e in e269)[EntityKind.PERSON] == 1984
    aksyonov = e269[0]
    assert aksyonov.listings[0].start_date == date(2014, 3, 17)
    assert any(n.kind is NameKind.NATIVE for n in aksyonov.names)
    mil = entities("us_dod_1260h/opensanctions_dod_chinese_milcorps.csv")
    assert len(mil) == 397
    assert sum(1 for e in mil if e.listings[0].end_date is not None) == 21


def test_a_broken_quote_in_the_journal_header_is_a_source_error(tmp_path: Path) -> None:
    """Found by fuzz/fuzz_reader.py once its os_journal target named the reader correctly (it
    named no reader, so every input was refused before parsing): a raw ``csv.Error``."""
    path = tmp_path / "journal.csv"
    path.write_bytes(b'celex,recordId,programKey,annex,measure,startDate,"x"y\n')
    with pytest.raises(SourceError, match="broken CSV header") as err:
        read_source(path, format="os_csv")
    assert err.value.line == 1
