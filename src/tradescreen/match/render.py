"""One renderer per output format, each a function of :class:`Explanation`.

- :func:`to_json` / :func:`from_json`: the stable JSON shape (``docs/api.md``, "The explanation");
  the keys clients already read (``aligned[].query/candidate/how/similarity/weight/distance``,
  ``unmatched_query``, ``unmatched_candidate``, ``weak``, ``penalties[].reason/factor``,
  ``country``, ``birth_date``, ``identifiers``, ``matched_on``, ``squashed``, ``score``) keep their
  meaning (normalised tokens); the written words are beside them.
- :func:`to_text`: one line for the CLI and the report, in the words the user and the list wrote.
- :func:`html_view`: the view model the web templates render (tokens highlighted in written order).
- :func:`yente_features` / :func:`yente_explanations`: yente's ``features`` (name → float) and
  ``explanations`` (name → ``{"score", "detail", "query", "candidate"}``, yente ≥ 5.2.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradescreen.match.explanation import (
    Agreement,
    Explanation,
    Feature,
    FeatureKind,
    How,
    MatchedOn,
    Penalty,
    PenaltyReason,
    TokenPair,
    Word,
    WordRole,
)

# ---------------------------------------------------------------------------- words


HOW_LABEL: dict[How, str] = {
    How.EXACT: "same word",
    How.LEGAL_FORM_EQUIVALENT: "same legal form",
    How.LEGAL_FORM: "other legal form",
    How.LEGAL_FORM_READING: "read as a legal form",
    How.FUZZY: "spelling differs",
    How.PHONETIC: "sounds alike",
    How.TRANSLITERATION: "other script",
    How.INITIAL: "initial",
    How.JOINED: "joined",
    How.DOUBLED_LETTER: "doubled letter",
}
ROLE_LABEL: dict[WordRole, str] = {
    WordRole.NAME: "",
    WordRole.LEGAL_FORM: "legal form",
    WordRole.NUMBER: "number",
    WordRole.STOP: "",
    WordRole.PLACE: "place",
}
FEATURE_LABEL: dict[FeatureKind, str] = {
    FeatureKind.COUNTRY: "country",
    FeatureKind.BIRTH_DATE: "birth year",
    FeatureKind.IDENTIFIER: "identifier",
    FeatureKind.ENTITY_KIND: "kind",
}
PENALTY_FEATURE: dict[PenaltyReason, FeatureKind] = {
    PenaltyReason.COUNTRY_MISMATCH: FeatureKind.COUNTRY,
    PenaltyReason.BIRTH_DATE_MISMATCH: FeatureKind.BIRTH_DATE,
    PenaltyReason.KIND_MISMATCH: FeatureKind.ENTITY_KIND,
}


def _plain(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def in_query_order(expl: Explanation) -> list[TokenPair]:
    """The aligned pairs in the order of the query's words (the matcher's order is by weight)."""
    return sorted(expl.aligned, key=lambda p: (p.query.at, p.candidate.at))


def pair_label(pair: TokenPair) -> str:
    """How a pair matched, in words; the normalised form only as a detail, and only when it
    says something the written words do not ("Tech" ≈ "Technologies": same word)."""
    label = HOW_LABEL[pair.how]
    if pair.how is How.FUZZY and pair.distance is not None:
        label += f": {pair.distance} edit{'s' if pair.distance != 1 else ''}"
    elif pair.how in (How.EXACT, How.TRANSLITERATION):
        norm = pair.candidate.normalised
        if _plain(norm) not in (_plain(pair.query.written), _plain(pair.candidate.written)):
            label += f": {norm}"
    return label


def pair_text(pair: TokenPair) -> str:
    """ "“Huawei”" when both sides are written alike, else "“Co., Ltd.” ≈ “Company Limited”
    (same legal form)"."""
    if pair.written_alike and pair.how is How.EXACT:
        return f"“{pair.query.written}”"
    return f"“{pair.query.written}” ≈ “{pair.candidate.written}” ({pair_label(pair)})"


def word_text(word: Word) -> str:
    role = ROLE_LABEL[word.role]
    return f"“{word.written}”" + (f" ({role})" if role else "")


def _distinct(words: tuple[Word, ...]) -> list[Word]:
    """One entry per written word (a written word may hold several tokens)."""
    seen: set[tuple[int, str]] = set()
    out = []
    for w in sorted(words, key=lambda w: w.at):
        if (w.at, w.written) not in seen:
            seen.add((w.at, w.written))
            out.append(w)
    return out


def penalty_text(p: Penalty, feature: Feature | None = None) -> str:
    text = p.reason.value + (f" ({p.detail})" if p.detail else "")
    text += f" ×{p.factor:.2f}"
    if feature is not None and (feature.query or feature.candidate):
        text += f" (query {feature.query or '—'}, list {feature.candidate or '—'})"
    return text


def feature_text(f: Feature) -> str:
    label = FEATURE_LABEL[f.kind]
    if f.agreement is Agreement.AGREE:
        if f.kind is FeatureKind.IDENTIFIER:
            return f"identifier matches ({f.query})"
        return f"{label} agrees ({f.query})"
    return f"{label} differs (query {f.query}, list {f.candidate})"


def _conflict_for(expl: Explanation, p: Penalty) -> Feature | None:
    kind = PENALTY_FEATURE.get(p.reason)
    if kind is None:
        return None
    f = expl.feature(kind)
    return f if f is not None and f.agreement is Agreement.CONFLICT else None


def penalty_lines(expl: Explanation) -> list[str]:
    return [penalty_text(p, _conflict_for(expl, p)) for p in expl.penalties]


def fact_lines(expl: Explanation) -> list[str]:
    """What agreed besides the words (conflicts are told with their penalty)."""
    out = [feature_text(f) for f in expl.features if f.agreement is Agreement.AGREE]
    if expl.matched_on is MatchedOn.ADDRESS:
        out.append("matched on the listed address")
    if expl.squashed is not None:
        out.append(
            f"same letters once spaces are ignored ({expl.squashed:.2f}): this sets the score"
        )
    return out


# ---------------------------------------------------------------------------- text


def words_text(expl: Explanation) -> str:
    """The aligned words and the words on one side only (legal forms and stop words aside)."""
    parts = []
    if expl.aligned:
        parts.append("words " + ", ".join(pair_text(p) for p in in_query_order(expl)))
    # legal forms and stop words cost little when unmatched: the one line leaves them out
    # (the JSON and the HTML view show them)
    quiet = (WordRole.STOP, WordRole.LEGAL_FORM)
    only_q = [w for w in _distinct(expl.query_only) if w.role not in quiet]
    only_c = [w for w in _distinct(expl.candidate_only) if w.role not in quiet]
    if only_q:
        parts.append("only in the query: " + ", ".join(word_text(w) for w in only_q))
    if only_c:
        parts.append("only in the list: " + ", ".join(word_text(w) for w in only_c))
    return "; ".join(parts)


def to_text(expl: Explanation, limit: int | None = None) -> str:
    """One line: aligned words, words on one side only, penalties, facts (CLI and report)."""
    parts = [expl.note] if expl.note else []
    words = words_text(expl)
    if words:
        parts.append(words)
    parts += [f"penalty: {t}" for t in penalty_lines(expl)]
    parts += fact_lines(expl)
    text = "; ".join(parts)
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)] + "…"
    return text


# ---------------------------------------------------------------------------- HTML view


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    cls: str  # match | near | differ
    note: str  # accessible description


@dataclass(frozen=True, slots=True)
class ExplView:
    """What the search page shows of a hit (templates/search.html)."""

    query: tuple[Token, ...]
    candidate: tuple[Token, ...]
    penalties: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str, str], ...] = ()  # (query words, list words, how)
    note: str = ""


_RANK = {"match": 0, "near": 1, "differ": 2}


def _side(entries: list[tuple[int, str, str, str]]) -> tuple[Token, ...]:
    """Tokens in written order, one per written word (the weakest status wins)."""
    by_at: dict[int, tuple[str, str, str]] = {}
    for at, text, cls, note in sorted(entries, key=lambda e: e[0]):
        prev = by_at.get(at)
        if prev is None or _RANK[cls] > _RANK[prev[1]]:
            by_at[at] = (text, cls, note)
    return tuple(Token(*by_at[at]) for at in sorted(by_at))


def html_view(expl: Explanation) -> ExplView:
    q: list[tuple[int, str, str, str]] = []
    c: list[tuple[int, str, str, str]] = []
    pairs = []
    for p in in_query_order(expl):
        cls = "match" if p.how in (How.EXACT, How.LEGAL_FORM_EQUIVALENT) else "near"
        label = pair_label(p)
        q.append((p.query.at, p.query.written, cls, f"matches “{p.candidate.written}”: {label}"))
        c.append(
            (p.candidate.at, p.candidate.written, cls, f"matches “{p.query.written}”: {label}")
        )
        pairs.append((p.query.written, p.candidate.written, label))
    for w in expl.query_only:
        q.append((w.at, w.written, "differ", "not in the listed name"))
    for w in expl.candidate_only:
        c.append((w.at, w.written, "differ", "not in the screened name"))
    return ExplView(
        _side(q),
        _side(c),
        tuple(penalty_lines(expl)),
        tuple(fact_lines(expl)),
        tuple(pairs),
        expl.note,
    )


# ---------------------------------------------------------------------------- yente


def _yente_items(expl: Explanation) -> list[tuple[str, float, str, str | None, str | None]]:
    """(feature name, score, detail, query value, candidate value), in a stable order."""
    out: list[tuple[str, float, str, str | None, str | None]] = []
    if expl.aligned or expl.name_score:
        name = "address_match" if expl.matched_on is MatchedOn.ADDRESS else "name_match"
        detail = words_text(expl) or "names compared"
        out.append((name, expl.name_score, detail, expl.query_text, expl.candidate_text))
    if expl.squashed is not None:
        out.append(
            (
                "name_squashed",
                expl.squashed,
                "same letters once spaces are ignored",
                expl.query_text,
                expl.candidate_text,
            )
        )
    for p in expl.penalties:
        f = _conflict_for(expl, p)
        out.append(
            (
                p.reason.code,
                p.factor,
                penalty_text(p, f),
                f.query if f else None,
                f.candidate if f else None,
            )
        )
    for f in expl.features:
        if f.agreement is Agreement.AGREE:
            out.append((f"{f.kind.value}_match", 1.0, feature_text(f), f.query, f.candidate))
    if expl.note:
        out.append(("rule", expl.score, expl.note, None, None))
    return out


def yente_features(expl: Explanation) -> dict[str, float]:
    """yente's ``features``: each feature's value (non-zero ones, as yente does)."""
    return {name: float(score) for name, score, *_ in _yente_items(expl) if score}


def yente_explanations(expl: Explanation) -> dict[str, dict[str, Any]]:
    """yente's ``explanations`` (nomenklatura ``FtResult``: score, detail, query, candidate)."""
    return {
        name: {"score": float(score), "detail": detail, "query": q, "candidate": c}
        for name, score, detail, q, c in _yente_items(expl)
    }


# ---------------------------------------------------------------------------- JSON


def _word_json(w: Word) -> dict[str, Any]:
    return {"written": w.written, "normalised": w.normalised, "role": w.role.value, "at": w.at}


def _word(d: dict[str, Any]) -> Word:
    return Word(str(d["written"]), str(d["normalised"]), WordRole(d["role"]), int(d["at"]))


def _pair_json(p: TokenPair) -> dict[str, Any]:
    row: dict[str, Any] = {
        "query": p.query.normalised,
        "candidate": p.candidate.normalised,
        "how": p.how.value,
        "similarity": p.similarity,
        "weight": p.weight,
    }
    if p.distance is not None:
        row["distance"] = p.distance
    row["query_words"] = _word_json(p.query)
    row["candidate_words"] = _word_json(p.candidate)
    row["label"] = pair_label(p)
    return row


def _penalty_json(p: Penalty) -> dict[str, Any]:
    return {
        "reason": p.reason.value + (f" ({p.detail})" if p.detail else ""),
        "code": p.reason.code,
        "factor": p.factor,
        "detail": p.detail,
    }


def _feature_json(f: Feature) -> dict[str, Any]:
    return {
        "feature": f.kind.value,
        "agreement": f.agreement.value,
        "query": f.query,
        "candidate": f.candidate,
        "factor": f.factor,
    }


def to_json(expl: Explanation) -> dict[str, Any]:
    """The documented JSON shape (docs/api.md, "The explanation")."""
    out: dict[str, Any] = {
        "score": expl.score,
        "name_score": expl.name_score,
        "query_text": expl.query_text,
        "candidate_text": expl.candidate_text,
        "aligned": [_pair_json(p) for p in expl.aligned],
        "unmatched_query": [w.normalised for w in expl.query_only],
        "unmatched_candidate": [w.normalised for w in expl.candidate_only],
        "query_only": [_word_json(w) for w in expl.query_only],
        "candidate_only": [_word_json(w) for w in expl.candidate_only],
        "weak": list(expl.weak),
        "penalties": [_penalty_json(p) for p in expl.penalties],
        "features": [_feature_json(f) for f in expl.features],
        "text": to_text(expl),
    }
    for f in expl.features:  # the legacy flat keys, for an agreement only
        if f.agreement is not Agreement.AGREE:
            continue
        if f.kind is FeatureKind.COUNTRY:
            out["country"] = "match"
        elif f.kind is FeatureKind.BIRTH_DATE:
            out["birth_date"] = "match"
        elif f.kind is FeatureKind.IDENTIFIER:
            out["identifiers"] = f.query.split(", ")
    if expl.matched_on is MatchedOn.ADDRESS:
        out["matched_on"] = MatchedOn.ADDRESS.value
    if expl.squashed is not None:
        out["squashed"] = expl.squashed
    if expl.note:
        out["note"] = expl.note
    return out


def from_json(data: dict[str, Any]) -> Explanation:
    """The inverse of :func:`to_json` (``from_json(to_json(e)) == e``)."""
    pairs = tuple(
        TokenPair(
            _word(r["query_words"]),
            _word(r["candidate_words"]),
            How(r["how"]),
            float(r["similarity"]),
            float(r["weight"]),
            int(r["distance"]) if r.get("distance") is not None else None,
        )
        for r in data.get("aligned", ())
    )
    penalties = tuple(
        Penalty(PenaltyReason[str(p["code"]).upper()], float(p["factor"]), str(p["detail"]))
        for p in data.get("penalties", ())
    )
    features = tuple(
        Feature(
            FeatureKind(f["feature"]),
            Agreement(f["agreement"]),
            str(f["query"]),
            str(f["candidate"]),
            float(f["factor"]) if f.get("factor") is not None else None,
        )
        for f in data.get("features", ())
    )
    squashed = data.get("squashed")
    return Explanation(
        score=float(data["score"]),
        query_text=str(data.get("query_text", "")),
        candidate_text=str(data.get("candidate_text", "")),
        aligned=pairs,
        query_only=tuple(_word(w) for w in data.get("query_only", ())),
        candidate_only=tuple(_word(w) for w in data.get("candidate_only", ())),
        penalties=penalties,
        features=features,
        name_score=float(data.get("name_score", 0.0)),
        matched_on=MatchedOn(data.get("matched_on", MatchedOn.NAME.value)),
        squashed=float(squashed) if squashed is not None else None,
        note=str(data.get("note", "")),
    )


__all__ = [
    "ExplView",
    "Token",
    "from_json",
    "html_view",
    "pair_label",
    "to_json",
    "to_text",
    "words_text",
    "yente_explanations",
    "yente_features",
]
