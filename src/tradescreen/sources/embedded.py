"""Names that lists write inside other text become names of the entry (issue 18, item 2).

Every reader's entities pass through ``with_embedded_names`` (``_io.guarded``), which adds, as
aliases of the same entry (so its listings and citations stay with them):

- the affiliate named after "Affiliated Entity:" (CSL rows of the Huawei affiliates read
  "Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Marine Networks Co.,
  Ltd."): the row is the affiliate's, so its own name is added (the parent is its own entry);
- each name after "a.k.a.", "f.k.a.", "formerly (known as)", "also known as" inside a name or
  an alias ("OOO Shipyard 'Zaliv' (f.k.a., AO Shipyard 'Zaliv'"): the part before stays, the
  parts after become AKA (or FKA) names; a leading "and " or "F.K.A. " of an alias is dropped;
- a trailing parenthesis: the name without it ("Huawei Technologies Co., Ltd. (Huawei)" →
  "Huawei Technologies Co., Ltd.") and, when it is a word of the name or its initials, the short
  form itself ("Huawei"; an acronym such as "AETC" as a weak alias);
- the parties an eCFR entry lists inside its address text ("Addresses for Huawei Technologies
  Co., Ltd.: ... Hong Kong. Hangzhou New Longshine Information Technology Co., Ltd., Room 605,
  ..."): each sentence after a country that starts with a name (no digit before its first
  address part) gives that name.

Original names are kept unchanged (they are what the list says); only new names are added.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable

from tradescreen.countries import to_iso2
from tradescreen.model import Entity, EntityKind, Name, NameKind

_AFFILIATE = re.compile(r"[.;,]?\s*\baffiliated\s+entit(?:y|ies)\s*:\s*", re.I)
_AKA = re.compile(
    r"\s*[,;(]?\s*\b(?:(a\.?k\.?a\.?|also\s+known\s+as|d\.?b\.?a\.?)|"
    r"(f\.?k\.?a\.?|formerly\s+known\s+as|formerly))(?=[\s,.:]|$)[\s,.:]*",
    re.I,
)
_LEADING = re.compile(
    r"^(?:and\s+|a\.k\.a\.?\s*,?\s*|(f\.k\.a\.?|formerly(?:\s+known\s+as)?)\s*,?\s+)", re.I
)
_TRAILING_PAREN = re.compile(r"^(.*?\S)\s*\(([^()]{1,60})\)\s*\.?\s*$")
_WORD = re.compile(r"[^\W_]+")
_ADDRESSES_FOR = re.compile(r"^\s*address(?:es)?\s+for\s+", re.I)
_SENTENCE_END = re.compile(r",\s*([A-Z][A-Za-z .'-]{2,30}?)\.\s+(?=[A-Z])")
_LEGAL_PART = re.compile(r"^(?:ltd|inc|llc|limited|co|corp|gmbh|plc|jsc)\b\.?", re.I)
_MIN_LETTERS = 3


def _clean(text: str) -> str:
    """Spaces collapsed, edge punctuation and unbalanced parentheses dropped: "Choe Chol Min)
    (DPRK individual" → "Choe Chol Min", "OOO Shipyard 'Zaliv' (" → "OOO Shipyard 'Zaliv'"."""
    text = " ".join(text.split())
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            text = text[:i]
            break
    while text.count("(") > text.count(")"):
        text = text[: text.rindex("(")]
    return text.strip(" ,;:.")


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _is_acronym(short: str, base: str) -> bool:
    """ "AETC" of "Avin Electronics Technology Co.": the short form's letters are, in order,
    initials of the name's words."""
    letters = short.replace(".", "").replace(" ", "")
    if not (2 <= len(letters) <= 10 and letters.isalpha() and letters.isupper()):
        return False
    initials = "".join(w[0].upper() for w in _WORD.findall(base))
    it = iter(initials)
    return letters[0] == initials[:1] and all(ch in it for ch in letters)


def _split_aka(text: str, kind: NameKind) -> list[Name]:
    """ "A, a.k.a., B; f.k.a. C" → [A (kind), B (AKA), C (FKA)]."""
    out: list[Name] = []
    pos = 0
    current = kind
    for m in _AKA.finditer(text):
        part = _clean(text[pos : m.start()])
        if part:
            out.append(Name(part, current))
        current = NameKind.FKA if m.group(2) else NameKind.AKA
        pos = m.end()
    part = _clean(text[pos:])
    if part:
        out.append(Name(part, current))
    return out


def _paren_forms(name: Name) -> list[Name]:
    m = _TRAILING_PAREN.match(name.value)
    if not m:
        return []
    base, short = _clean(m.group(1)), m.group(2).strip()
    if _letters(base) < _MIN_LETTERS:
        return []
    weak = NameKind.WEAK_AKA if name.kind is NameKind.WEAK_AKA else NameKind.AKA
    out = [Name(base, name.kind)]
    words = {w.casefold() for w in _WORD.findall(base)}
    if len(short) >= _MIN_LETTERS and short.casefold() in words:
        out.append(Name(short, weak))
    elif _is_acronym(short, base):
        out.append(Name(short, NameKind.WEAK_AKA))
    return out


def derived_names(name: Name) -> list[Name]:
    """The names written inside one name of a list (the name itself not included; none is
    primary: the entry keeps the one primary name the list gave it)."""
    text = name.value
    out: list[Name] = []
    parts = _AFFILIATE.split(text)
    if len(parts) > 1:  # the row is the affiliate's: its own name is the last part
        out.append(Name(_clean(parts[-1]), NameKind.AKA))
        text = parts[-1]
    kind = NameKind.AKA if name.kind is NameKind.PRIMARY else name.kind
    lead = _LEADING.match(text)
    if lead:
        kind = NameKind.FKA if lead.group(1) else kind
        text = text[lead.end() :]
        out.append(Name(_clean(text), kind))
    pieces = _split_aka(text, kind)
    if len(pieces) > 1:
        out.extend(pieces)
    for piece in pieces or [Name(text, kind)]:
        out.extend(_paren_forms(piece))
    return [n for n in out if n.value]


def _address_sentences(text: str) -> list[str]:
    """Sentences of an address text, cut after a country name ("..., China. Next party, ...")."""
    cuts = [0]
    for m in _SENTENCE_END.finditer(text):
        if to_iso2(m.group(1).strip()):
            cuts.append(m.end())
    cuts.append(len(text))
    return [text[a:b] for a, b in itertools.pairwise(cuts) if text[a:b].strip()]


def address_names(addresses: Iterable[str]) -> list[str]:
    """Parties an eCFR entry names inside its address text ("Addresses for X: ...")."""
    texts = list(addresses)
    if not texts or not _ADDRESSES_FOR.match(texts[0]):
        return []
    out: list[str] = []
    for sentence in _address_sentences("; and ".join(texts))[1:]:
        parts = [p.strip() for p in sentence.split(",")]
        name = parts[0]
        for p in parts[1:]:
            if not _LEGAL_PART.match(p):
                break
            name += ", " + p
        for piece in re.split(r";\s*(?:and\s+)?", name):
            piece = _clean(piece)
            if piece and not any(ch.isdigit() for ch in piece) and _letters(piece) >= 5:
                out.append(piece)
    return out


def with_embedded_names(entity: Entity) -> Entity:
    """The entity with every embedded name added as an alias (unchanged when there is none);
    idempotent, so an entity exported with its found names and read again gains nothing."""
    if entity.kind is EntityKind.ADDRESS:
        return entity
    seen = {n.value.casefold() for n in entity.names}
    extra: list[Name] = []
    queue = list(entity.names)
    while queue:  # names found in found names too: the result is closed (read again, the same)
        for new in derived_names(queue.pop(0)):
            key = new.value.casefold()
            if key not in seen and _letters(new.value) >= _MIN_LETTERS:
                seen.add(key)
                extra.append(new)
                queue.append(new)
    for text in address_names(a.full or "" for a in entity.addresses):
        if text.casefold() not in seen:
            seen.add(text.casefold())
            extra.append(Name(text, NameKind.AKA))
    if not extra:
        return entity
    return dataclasses.replace(entity, names=(*entity.names, *extra))
