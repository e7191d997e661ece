"""The OFAC legacy ``Remarks`` field: ``DOB 31 Aug 1960; POB Al Basuriyah, Lebanon; nationality
Lebanon; Passport 042833 (Lebanon); a.k.a. 'BNC'; Linked To: HIZBALLAH.``

Parsed: dates and places of birth, nationality/citizenship, identifiers of the common kinds
(``Passport``, ``National ID No.``, ``IMO``, ``ISIN``, ``SWIFT/BIC``...; the country in brackets
becomes ``Identifier.country``), weak aliases in single quotes (OFAC's "weak a.k.a."), and
``Linked To:`` names (kept in ``linked``). Everything else stays in the remarks text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tradescreen.countries import to_iso2
from tradescreen.model import Identifier
from tradescreen.sources.dates import parse_partial

# Identifier labels as OFAC writes them (most frequent in the 2021-2025 files first).
ID_KINDS = (
    "Passport",
    "Diplomatic Passport",
    "National ID No.",
    "Cedula No.",
    "NIT #",
    "R.F.C.",
    "RFC",
    "C.U.R.P.",
    "CURP",
    "Registration Number",
    "Registration ID",
    "Tax ID No.",
    "RUC #",
    "Identification Number",
    "Folio Mercantil No.",
    "Company Number",
    "SWIFT/BIC",
    "Commercial Registry Number",
    "Business Registration Number",
    "Business Number",
    "V.A.T. Number",
    "D.N.I.",
    "C.R. No.",
    "RIF #",
    "Driver's License No.",
    "Personal ID Card",
    "SSN",
    "IMO",
    "MMSI",
    "Vessel Registration Identification",
    "Matricula Mercantil No",
    "Trade License No.",
    "Electoral Registry No.",
    "Credencial electoral",
    "Public Security and Information Number",
    "Legal Entity Number",
    "Government Gazette Number",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Tail Number",
    "ISIN",
    "Equity Ticker",
    "Unified Social Credit Code (USCC)",
    "US FEIN",
    "UK Company Number",
    "Birth Certificate Number",
    "Stateless Person ID Card",
    "Refugee ID Card",
    "Italian Fiscal Code",
    "Turkish Identification Number",
    "Chinese Commercial Code",
    "Residency Number",
    "Kenyan ID No.",
    "BIK (RU)",
    "Digital Currency Address - XBT",
    "Digital Currency Address - ETH",
    "Digital Currency Address - USDT",
    "Digital Currency Address - XMR",
    "Digital Currency Address - LTC",
)
_ID = re.compile(
    r"^(?:alt\.\s+)?(?P<kind>"
    + "|".join(re.escape(k) for k in sorted(ID_KINDS, key=len, reverse=True))
    + r")\s+(?P<rest>[^\s(].*)$"
)
# "Passport A123 (Iran) issued 10 Jan 2001 expires ...": the value ends at a bracket or a date note.
_ID_END = re.compile(r"\s*\(|\s+(?:issued|expires|expiring|expiration|valid)\b", re.I)
_BRACKET = re.compile(r"\(([^)]*)\)")
_DOB = re.compile(r"^(?:alt\.\s+)?DOB\s+(?P<v>.+)$")
_POB = re.compile(r"^(?:alt\.\s+)?POB\s+(?P<v>.+)$")
_NAT = re.compile(
    r"^(?:alt\.\s+)?(?:nationality|citizen)\s+(?:of\s+registration\s+)?(?P<v>.+)$", re.I
)
_WEAK = re.compile(r"a\.k\.a\.\s+'([^']+)'")
_LINKED = re.compile(r"^Linked To:\s*(?P<v>.+)$")


@dataclass
class Remarks:
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)


def _dobs(value: str) -> list[str]:
    """``31 Aug 1960``, ``1962``, ``circa 1955``, ``1960 to 1962`` → ISO (partial) dates."""
    out = []
    for part in re.split(r"\s+to\s+", value):
        d = parse_partial(part)
        if d:
            out.append(d)
    return out


def parse_remarks(text: str | None) -> Remarks:
    out = Remarks()
    if not text:
        return out
    out.weak_aliases = [a.strip() for a in _WEAK.findall(text) if a.strip()]
    for raw in text.split(";"):
        item = raw.strip().rstrip(".").strip()
        if not item:
            continue
        if m := _DOB.match(item):
            out.birth_dates.extend(_dobs(m["v"]))
        elif m := _POB.match(item):
            out.birth_places.append(m["v"].strip())
        elif m := _NAT.match(item):
            code = to_iso2(m["v"])
            if code:
                out.nationalities.append(code)
        elif m := _LINKED.match(item):
            out.linked.append(m["v"].strip())
        elif m := _ID.match(item):
            rest = m["rest"]
            value = _ID_END.split(rest, maxsplit=1)[0].strip(" ,")
            bracket = _BRACKET.search(rest)
            country = to_iso2(bracket[1]) if bracket else None
            if value:
                out.identifiers.append(Identifier(m["kind"], value, country))
    return out
