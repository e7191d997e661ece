"""``compare(query, candidate, config) -> MatchResult``: pure, stateless, explained.

The explanation is typed (``match/explanation.py``) and rendered by ``match/render.py``.

Tokens of the query and of the candidate name are aligned one to one (greedy on weighted
similarity; two adjacent tokens may align with one joined token). The score is a weighted Dice
coefficient in which an unmatched query token costs ``query_unmatched`` times its weight and an
unmatched candidate token ``candidate_unmatched`` times its weight; features of the whole name
(numbers, distinctive evidence, the person rules of ``match/persons.py``) then scale it, and the
entity features of ``match/features.py`` (kind, country, birth date, identifiers, weak alias).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from tradescreen.match.config import MatchConfig
from tradescreen.match.draft import Draft
from tradescreen.match.explanation import (
    Explanation,
    How,
    MatchedOn,
    PenaltyReason,
    TokenPair,
    Word,
    WordRole,
)
from tradescreen.match.features import entity_features
from tradescreen.match.persons import common_name, same_consonants, surname_conflict
from tradescreen.match.prepared import (
    PreparedName,
    PreparedQuery,
    prepare_entity,
)
from tradescreen.match.words import Layout, layout
from tradescreen.model import Entity, EntityKind
from tradescreen.names.legal_forms import replace_legal_forms
from tradescreen.names.normalize import Tag, fold

_NON_WORD = re.compile(r"[\W_]+")
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def _script(text: str) -> str:
    for ch in text:
        if ch.isalpha() and not ch.isascii():
            return unicodedata.name(ch, "?").split(" ")[0]
    return "LATIN"


def squash(text: str) -> str:
    """Folded text without spaces or punctuation ("Siemens AG" → "siemensag")."""
    return _NON_WORD.sub("", fold(text))


@dataclass(frozen=True, slots=True)
class MatchResult:
    score: float
    explanation: Explanation
    matched_name: str = ""


def max_edits(length: int) -> int:
    """Edits allowed between two tokens whose shorter one has ``length`` characters."""
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


_ABJAD_DROP = re.compile(r"[aeiouwy]+")
ABJADS = ("ARABIC", "HEBREW", "SYRIAC", "THAANA")


def consonants(token: str) -> str:
    """All consonants of a token (abjads write few vowels: "mhmd" ~ "mohamed", "hmd" ~ "ahmed")."""
    sk = _DOUBLE.sub(r"\1", _ABJAD_DROP.sub("", token.replace("kh", "h")))
    return sk


@lru_cache(maxsize=65536)
def abjad(text: str) -> bool:
    return _script(text) in ABJADS


@lru_cache(maxsize=65536)
def syllabic(text: str) -> bool:
    """Han, Hangul or kana: its romanisation is exact or nothing (no typo in a syllable)."""
    return _script(text) in ("CJK", "HANGUL", "HIRAGANA", "KATAKANA")


def token_similarity(
    a: str,
    b: str,
    sa: str,
    sb: str,
    ta: int,
    tb: int,
    config: MatchConfig,
    fuzzy: bool = True,
    person: bool = False,
) -> tuple[float, str, int]:
    """(similarity, how, distance) of two canonical tokens (``person``: a phonetic match needs
    the same consonants, ``persons.same_consonants``)."""
    if a == b:
        return 1.0, "exact", 0
    if ta == Tag.NUMBER or tb == Tag.NUMBER:
        return 0.0, "", 0
    if ta == Tag.LEGAL and tb == Tag.LEGAL:
        return config.legal_variant, "legal_form", 0
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        if a[0] == b[0]:
            return config.initial, "initial", 0
        return 0.0, "", 0
    if not fuzzy:
        return 0.0, "", 0
    longest = max(la, lb)
    k = max_edits(min(la, lb))
    best = 0.0
    how = ""
    dist = 0
    if k and abs(la - lb) <= k:
        d = OSA.distance(a, b, score_cutoff=k)
        if d <= k:
            best = 1.0 - config.fuzzy_scale * d / longest
            how, dist = "fuzzy", d
    if (
        sa
        and sa == sb
        and min(la, lb) >= 5
        and config.phonetic > best
        and (not person or same_consonants(a, b))
    ):
        best, how, dist = config.phonetic, "phonetic", 0
    if (
        not best
        and a[0] == b[0]  # kept by collapsing, so a cheap test first
        and a[-1] == b[-1]
        and _DOUBLE.sub(r"\1", a) == _DOUBLE.sub(r"\1", b)
    ):
        # a doubled letter in a short word ("Yyu" ~ "Yu", "Kimm" ~ "Kim"): below five letters no
        # edit is allowed, but a doubled keystroke changes no sound
        best, how, dist = 1.0 - config.fuzzy_scale / (2 * longest), "doubled_letter", 1
    if best < config.min_token_sim:
        return 0.0, "", 0
    return best, how, dist


def _partners(c: PreparedName) -> dict[str, dict[Any, list[int]]]:
    """Candidate token positions by the features ``_align`` needs to look at a pair."""
    out: dict[str, dict[Any, list[int]]] = {
        "first": {},
        "skeleton": {},
        "last": {},
        "second": {},
        "reading": {},
        "kind": {"short": [], "legal": []},
    }
    for j, b in enumerate(c.tokens):
        if len(b) <= 1:
            out["kind"]["short"].append(j)
        if c.tags[j] == Tag.LEGAL:
            out["kind"]["legal"].append(j)
        out["first"].setdefault(b[0], []).append(j)
        if c.skeletons[j]:
            out["skeleton"].setdefault(c.skeletons[j], []).append(j)
        out["last"].setdefault(b[-1], []).append(j)
        out["second"].setdefault(b[1:2], []).append(j)
        if c.tags[j] != Tag.LEGAL and len(b) <= 4:
            out["reading"].setdefault(replace_legal_forms(b), []).append(j)
    return out


def _align(
    q: PreparedName, c: PreparedName, config: MatchConfig, person: bool = False
) -> list[tuple[float, tuple[int, ...], tuple[int, ...], str, int]]:
    """Greedy one-to-one alignment: (similarity, query idx, candidate idx, how, distance).

    A pair is looked at only if some cheap feature could let it match (same first letter, same
    skeleton, a one-letter token, near length with the same last or second letter, legal forms
    on both sides, a word read as a legal form, or an abjad on one side only); the others cannot
    reach ``min_token_sim``. Pairs are collected in query-then-candidate order and sorted
    stably, so ties fall the same way whatever the lookup.
    """
    pairs: list[tuple[float, float, tuple[int, ...], tuple[int, ...], str, int]] = []
    qt, ct = q.tokens, c.tokens
    fuzzy = not (q.non_latin and syllabic(q.text)) and not (c.non_latin and syllabic(c.text))
    vowelless = (q.non_latin and abjad(q.text)) != (c.non_latin and abjad(c.text))
    qs, cs = q.skeletons, c.skeletons
    qw, cw = q.weights, c.weights
    qtags, ctags = q.tags, c.tags
    n_c = len(ct)
    every = range(n_c)
    # a feature index pays for itself on long names only; on short ones every pair is tried
    index = None if vowelless or len(qt) * n_c <= 16 else _partners(c)
    for i, a in enumerate(qt):
        la = len(a)
        q_legal = qtags[i] == Tag.LEGAL
        if index is None or la <= 1:
            js: Iterable[int] = every
        else:
            c_short, c_legal = index["kind"]["short"], index["kind"]["legal"]
            near: set[int] = set(index["first"].get(a[0], ()))
            if qs[i]:
                near.update(index["skeleton"].get(qs[i], ()))
            near.update(c_short)
            if fuzzy:
                for j in (*index["last"].get(a[-1], ()), *index["second"].get(a[1:2], ())):
                    if abs(la - len(ct[j])) <= 2:
                        near.add(j)
            if q_legal:
                near.update(c_legal)
                near.update(index["reading"].get(a, ()))
            elif la <= 4:
                reading = replace_legal_forms(a)
                near.update(j for j in c_legal if ct[j] == reading)
            js = sorted(near)
        for j in js:
            b = ct[j]
            if a == b:  # fast path
                pairs.append((qw[i] + cw[j], 1.0, (i,), (j,), "exact", 0))
                continue
            if (
                person
                and q_legal != (ctags[j] == Tag.LEGAL)
                and _same_word_read_as_legal(a, b, qtags[i], ctags[j])
            ):
                pairs.append((qw[i] + cw[j], 1.0, (i,), (j,), "legal_form_reading", 0))
                continue
            # cheap rejections before the full similarity (no fuzzy edit can bridge these)
            if (
                not vowelless
                and a[0] != b[0]
                and (not qs[i] or qs[i] != cs[j])
                and la > 1
                and len(b) > 1
                and (not fuzzy or abs(la - len(b)) > 2 or (a[-1] != b[-1] and a[1:2] != b[1:2]))
                and not (q_legal and ctags[j] == Tag.LEGAL)
            ):
                continue
            s, how, d = token_similarity(
                a, b, qs[i], cs[j], qtags[i], ctags[j], config, fuzzy, person
            )
            if s < config.abjad and vowelless and a.isalpha() and b.isalpha():
                ka = consonants(a)
                if ka and ka == consonants(b):
                    s, how, d = config.abjad, "transliteration", 0
            if s > 0:
                pairs.append((s * (qw[i] + cw[j]), s, (i,), (j,), how, d))
    # joined forms: "zhong xing" ~ "zhongxing" (either side split)
    c_at: dict[str, list[int]] = {}
    for j, b in enumerate(ct):
        c_at.setdefault(b, []).append(j)
    q_at: dict[str, list[int]] = {}
    for i, a in enumerate(qt):
        q_at.setdefault(a, []).append(i)
    for i in range(len(qt) - 1):
        for j in c_at.get(qt[i] + qt[i + 1], ()):
            w = max(q.weights[i], q.weights[i + 1]) + c.weights[j]
            pairs.append((config.joined * w, config.joined, (i, i + 1), (j,), "joined", 0))
    for j in range(len(ct) - 1):
        for i in q_at.get(ct[j] + ct[j + 1], ()):
            w = q.weights[i] + max(c.weights[j], c.weights[j + 1])
            pairs.append((config.joined * w, config.joined, (i,), (j, j + 1), "joined", 0))
    pairs.sort(key=lambda p: -p[0])
    used_q: set[int] = set()
    used_c: set[int] = set()
    out = []
    for _, s, qi, cj, how, d in pairs:
        if used_q.intersection(qi) or used_c.intersection(cj):
            continue
        used_q.update(qi)
        used_c.update(cj)
        out.append((s, qi, cj, how, d))
    return out


def _same_word_read_as_legal(a: str, b: str, ta: int, tb: int) -> bool:
    """A person's word on one side, the same word read as a legal form on the other: a query
    of unknown kind reads "Ku" as ``soe`` and "Sa'd" as ``jsc``, a listed person's name keeps
    them (``tokenize(person=True)``)."""
    legal, word = (a, b) if ta == Tag.LEGAL else (b, a)
    return len(word) <= 4 and replace_legal_forms(word) == legal


def _unmatched_cost(name: PreparedName, idx: int, factor: float, config: MatchConfig) -> float:
    w = name.weights[idx] * factor
    if name.tags[idx] == Tag.PLACE:
        w *= config.place_unmatched
    return w


_ROLES: dict[int, WordRole] = {
    Tag.NORMAL: WordRole.NAME,
    Tag.LEGAL: WordRole.LEGAL_FORM,
    Tag.NUMBER: WordRole.NUMBER,
    Tag.STOP: WordRole.STOP,
    Tag.PLACE: WordRole.PLACE,
}


def _word(name: PreparedName, lay: Layout, idx: tuple[int, ...]) -> Word:
    text, at = lay.written(idx)
    norm = name.tokens[idx[0]] if len(idx) == 1 else " ".join(name.tokens[i] for i in idx)
    return Word(text, norm, _ROLES.get(name.tags[idx[0]], WordRole.NAME), at)


def _how(how: str, qw: Word, cw: Word) -> How:
    """The matcher's method, told apart for the reader when the canonical tokens are equal:
    one legal form written two ways, or one word written in two scripts."""
    if how == "exact" and _plain(qw.written) != _plain(cw.written):
        if qw.role is WordRole.LEGAL_FORM:
            return How.LEGAL_FORM_EQUIVALENT
        if not (qw.written.isascii() and cw.written.isascii()):
            return How.TRANSLITERATION
    return How(how)


@lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def compare_names(
    q: PreparedName,
    c: PreparedName,
    config: MatchConfig,
    *,
    person: bool = False,
    explain: bool = True,
    query_person: bool = False,
) -> tuple[float, Draft]:
    """Score of two prepared names alone (no entity features), and its explanation draft."""
    draft = Draft(query_text=q.text, candidate_text=c.text)
    if not q.tokens or not c.tokens:
        draft.note = "empty name"
        return 0.0, draft
    aligned = _align(q, c, config, person)
    num = den = 0.0
    distinctive = 0.0
    generic_total = 0.0
    if explain:
        c_person = c.facts is not None and c.facts.kind is EntityKind.PERSON
        q_lay = layout(q.text, q.tokens, query_person)
        c_lay = layout(c.text, c.tokens, c_person)
    used_q: set[int] = set()
    used_c: set[int] = set()
    for s, qi, cj, how, d in aligned:
        wq = max(q.weights[i] for i in qi)
        wc = max(c.weights[j] for j in cj)
        num += s * (wq + wc)
        den += wq + wc
        used_q.update(qi)
        used_c.update(cj)
        if s >= config.aligned_min and all(q.tags[i] in (Tag.NORMAL, Tag.NUMBER) for i in qi):
            distinctive = max(distinctive, min(wq, wc))
        if s >= config.aligned_min and all(
            q.tags[i] in (Tag.NORMAL, Tag.NUMBER, Tag.PLACE) for i in qi
        ):
            generic_total += min(wq, wc)
        if not explain:
            continue
        qw, cw = _word(q, q_lay, qi), _word(c, c_lay, cj)
        draft.aligned.append(
            TokenPair(
                qw,
                cw,
                _how(how, qw, cw),
                round(s, 3),
                round((wq + wc) / 2, 3),
                d if how == "fuzzy" else None,
            )
        )
    miss_q = [i for i in range(len(q.tokens)) if i not in used_q]
    miss_c = [j for j in range(len(c.tokens)) if j not in used_c]
    if explain:
        draft.query_only = [_word(q, q_lay, (i,)) for i in miss_q]
        draft.candidate_only = [_word(c, c_lay, (j,)) for j in miss_c]
    qf = config.person_query_unmatched if person else config.query_unmatched
    cf = config.person_candidate_unmatched if person else config.candidate_unmatched
    den += sum(_unmatched_cost(q, i, qf, config) for i in miss_q)
    den += sum(_unmatched_cost(c, j, cf, config) for j in miss_c)
    score = num / den if den > 0 else 0.0
    if (
        config.native_script
        and q.non_latin
        and c.non_latin
        and _script(q.text) == _script(c.text)
        and syllabic(q.text)  # one romanisation, many characters; other scripts map 1:1
        and squash(q.text) != squash(c.text)
    ):
        r = fuzz.token_sort_ratio(fold(q.text), fold(c.text)) / 100.0
        if r < score:
            score = r
            draft.penalty(PenaltyReason.NATIVE_SCRIPT, r)
    dq = [
        i for i in miss_q if q.tags[i] == Tag.NORMAL and q.weights[i] >= config.distinctive_weight
    ]
    dc = [
        j for j in miss_c if c.tags[j] == Tag.NORMAL and c.weights[j] >= config.distinctive_weight
    ]
    surnames = surname_conflict(q, c, aligned, miss_q, miss_c) if person else None
    if surnames is not None:
        score *= config.surname_conflict
        draft.penalty(PenaltyReason.SURNAME_CONFLICT, config.surname_conflict, " ≠ ".join(surnames))
    elif dq and dc:
        score *= config.conflict
        draft.penalty(PenaltyReason.CONFLICTING_WORDS, config.conflict)
    qnums = {t for t, g in zip(q.tokens, q.tags, strict=True) if g == Tag.NUMBER}
    cnums = {t for t, g in zip(c.tokens, c.tags, strict=True) if g == Tag.NUMBER}
    if qnums and cnums and qnums != cnums:
        score *= config.number_mismatch
        draft.penalty(PenaltyReason.NUMBER_MISMATCH, config.number_mismatch)
    if not person and _one_approximate_word(q, aligned):
        score *= config.approximate_only
        draft.penalty(PenaltyReason.APPROXIMATE_ONLY, config.approximate_only)
    if (
        distinctive < config.distinctive_weight
        and generic_total < config.distinctive_total
        and not _whole_name(q, c, aligned, miss_q, miss_c, config)
    ):
        score *= config.no_distinctive
        draft.penalty(PenaltyReason.NO_DISTINCTIVE, config.no_distinctive)
    if (
        not (qnums and cnums and qnums != cnums)
        and surnames is None
        and (miss_q or miss_c)
        and (score < config.squashed_min)
    ):
        sq, sc = squash(q.text), squash(c.text)
        if min(len(sq), len(sc)) >= 6:
            r = Levenshtein.normalized_similarity(sq, sc)
            if r >= config.squashed_min and r - config.squashed_penalty > score:
                score = r - config.squashed_penalty
                draft.squashed = round(r, 3)
    draft.name_score = score
    draft.common = person and common_name(q, c, aligned, config)
    return score, draft


# a typo ("Hikvison") stays fuzzy and unpenalised: one edit is what files do to a name
_APPROXIMATE = frozenset({"phonetic", "transliteration"})


def _one_approximate_word(
    q: PreparedName, aligned: list[tuple[float, tuple[int, ...], tuple[int, ...], str, int]]
) -> bool:
    """The query's only name word (legal forms, stop words and places aside) met only by sound
    or by consonants across scripts: "Palmer Co., Ltd." ~ "JSC Polymer", "Siqueira LLC" ~
    "JSC Square". A firm named by one word has nothing else to tell it from another firm."""
    words = [i for i, g in enumerate(q.tags) if g == Tag.NORMAL and len(q.tokens[i]) > 1]
    if len(words) != 1:
        return False
    return any(words[0] in qi and how in _APPROXIMATE for _, qi, _, how, _ in aligned)


def _whole_name(
    q: PreparedName,
    c: PreparedName,
    aligned: list[tuple[float, tuple[int, ...], tuple[int, ...], str, int]],
    miss_q: list[int],
    miss_c: list[int],
    config: MatchConfig,
) -> bool:
    """The whole name met, word for word (legal forms and stop words aside): a name made only of
    generic words ("Harbin Institute of Technology") is rare as a whole, so it is its own
    distinctive evidence; a look-alike sharing only some of its words is not."""
    weak = (Tag.LEGAL, Tag.STOP)
    if any(q.tags[i] not in weak for i in miss_q) or any(c.tags[j] not in weak for j in miss_c):
        return False
    words = 0
    for s, qi, _, _, _ in aligned:
        if all(q.tags[i] in weak for i in qi):
            continue
        if s < config.whole_name_similarity:
            return False
        words += 1
    # a name made only of legal forms ("PTE OOO") counts when met exactly, token for token
    return words > 0 or (len(q.tokens) >= 2 and q.tokens == c.tokens)


def compare(
    query: PreparedQuery,
    candidate: PreparedName | Entity,
    config: MatchConfig,
    *,
    explain: bool = True,
) -> MatchResult:
    """Score one candidate (a prepared name, or every name of an entity: best one wins).

    ``explain=False`` gives the same score with a minimal explanation (for screening many
    candidates; the hits are then explained in full)."""
    if isinstance(candidate, Entity):
        best = MatchResult(0.0, Explanation.of_note("no names"))
        for name in prepare_entity(candidate):
            res = compare(query, name, config)
            if res.score > best.score:
                best = res
        return best
    facts = candidate.facts
    person = query.query.kind is EntityKind.PERSON or (
        facts is not None and facts.kind is EntityKind.PERSON
    )
    score, draft = compare_names(
        query.name,
        candidate,
        config,
        person=person,
        explain=explain,
        query_person=query.query.kind is EntityKind.PERSON,
    )
    if query.address is not None and facts is not None and facts.kind is EntityKind.ADDRESS:
        a_score, a_draft = compare_names(query.address, candidate, config, explain=explain)
        if a_score > score:
            score, draft = a_score, a_draft
            draft.matched_on = MatchedOn.ADDRESS
    score = entity_features(query, candidate, score, draft, config, person)
    score = min(1.0, max(0.0, score))
    return MatchResult(score, draft.freeze(score), candidate.text)
