from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tradescreen.model import Citation
from tradescreen.sources.citations import earliest_date, parse_citations, volume_year


def test_single_with_trailing_period() -> None:
    assert parse_citations("84 FR 54002, 10/9/19.") == (Citation(84, 54002, date(2019, 10, 9)),)


def test_dotted_fr_several_without_separators() -> None:
    got = parse_citations("68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07")
    assert got == (
        Citation(68, 38290, date(2003, 6, 27)),
        Citation(71, 38843, date(2006, 7, 10)),
        Citation(72, 4236, date(2007, 1, 30)),
    )


def test_newline_separated() -> None:
    got = parse_citations("85 FR 34505, 6/5/20.\n85 FR 44161, 7/22/20")
    assert got == (Citation(85, 34505, date(2020, 6, 5)), Citation(85, 44161, date(2020, 7, 22)))


def test_two_digit_year_expanded_by_volume() -> None:
    # volume 66 is 2001: "01" must not become 1901
    assert parse_citations("66 FR 24266, 5/14/01") == (Citation(66, 24266, date(2001, 5, 14)),)
    assert parse_citations("46 F.R. 46154 9/17/81")[0].date == date(1981, 9, 17)


def test_undated_and_long_dates() -> None:
    assert parse_citations("84 FR 54002; 85 FR 44159") == (Citation(84, 54002), Citation(85, 44159))
    got = parse_citations("91 FR 35189 (June 10, 2026)")
    assert got == (Citation(91, 35189, date(2026, 6, 10)),)


def test_no_citation() -> None:
    assert parse_citations("Vol. 86, No. 51, 03/18/21, Federal Register") == ()
    assert parse_citations(None) == ()
    assert parse_citations("") == ()


def test_duplicates_keep_the_dated_one() -> None:
    got = parse_citations("84 FR 54002; 84 FR 54002, 10/9/19")
    assert got == (Citation(84, 54002, date(2019, 10, 9)),)


def test_earliest_date() -> None:
    cites = parse_citations("85 FR 34505, 6/5/20. 84 FR 54004, 10/9/19. 85 FR 1")
    assert earliest_date(cites) == date(2019, 10, 9)
    assert earliest_date(()) is None


@st.composite
def citations(draw: st.DrawFn) -> Citation:
    vol = draw(st.integers(min_value=30, max_value=99))
    page = draw(st.integers(min_value=1, max_value=99999))
    year = volume_year(vol) + draw(st.integers(min_value=0, max_value=1))
    when = draw(st.none() | st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31)))
    return Citation(vol, page, when)


def _fmt(c: Citation, style: int) -> str:
    if c.date is None:
        return f"{c.volume} F.R. {c.page}" if style == 1 else f"{c.volume} FR {c.page}"
    d = c.date
    if style == 0:
        return f"{c.volume} FR {c.page}, {d.month}/{d.day}/{d.year % 100:02d}."
    if style == 1:
        return f"{c.volume} F.R. {c.page} {d.month}/{d.day}/{d.year}"
    return f"{c.volume} FR {c.page} ({d.strftime('%B')} {d.day}, {d.year})"


@given(
    st.lists(citations(), min_size=1, max_size=6, unique_by=lambda c: (c.volume, c.page)),
    st.integers(min_value=0, max_value=2),
    st.sampled_from(["; ", "\n", " ", " and ", ", "]),
)
def test_roundtrip_formats(cites: list[Citation], style: int, sep: str) -> None:
    text = sep.join(_fmt(c, style) for c in cites)
    assert parse_citations(text) == tuple(cites)


@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    for c in parse_citations(text):
        assert c.volume > 0 and c.page > 0
