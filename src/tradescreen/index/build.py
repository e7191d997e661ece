"""Candidate index over every name and alias of every entity of one or more list versions.

Keys: canonical tokens (exact), single-deletion keys of each token (edit distance 1, SymSpell
style), consonant skeletons (transliteration variants) and joined adjacent tokens ("zhong xing"
→ "zhongxing"). Identifiers are indexed too. ``to_bytes()/from_bytes()`` use pickle (protocol 5);
``merge()`` combines the indexes of several list versions and re-weights every token with the
document frequencies of all of them (so a 15-entry list does not make "technology" look rare).
"""

from __future__ import annotations

import heapq
import pickle
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tradescreen.match.config import MatchConfig
from tradescreen.match.prepared import (
    EntityFacts,
    PreparedName,
    PreparedQuery,
    norm_identifier,
    prepare_name,
    skeleton,
)
from tradescreen.model import Entity, EntityKind, NameKind
from tradescreen.names.normalize import Tag, tokenize
from tradescreen.names.tokens import TokenWeights

FORMAT = "tradescreen-index/1"
FORMAT_KEYED = "tradescreen-index-keyed/1"


def deletion_keys(token: str) -> set[str]:
    if len(token) < 4 or token.isdigit():
        return set()
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


@dataclass
class NameIndex:
    version_ids: tuple[int, ...] = ()
    names: list[PreparedName] = field(default_factory=list)
    facts: list[EntityFacts] = field(default_factory=list)
    name_entity: list[int] = field(default_factory=list)  # name id → entity position
    weights: TokenWeights = field(default_factory=TokenWeights)
    postings: dict[str, list[int]] = field(default_factory=dict)  # token → name ids
    joined: dict[str, list[int]] = field(default_factory=dict)  # "ab" of tokens a b → name ids
    n_tokens: list[int] = field(default_factory=list)  # name id → number of tokens
    deletes: dict[str, list[str]] = field(default_factory=dict)  # deletion key → tokens
    skeletons: dict[str, list[str]] = field(default_factory=dict)  # skeleton → tokens
    identifiers: dict[str, list[int]] = field(default_factory=dict)  # id value → entity pos
    whole: dict[str, list[int]] = field(default_factory=dict)  # all tokens, joined → name ids

    # -- building -------------------------------------------------------------------------
    @classmethod
    def build(cls, entities: Iterable[Entity], version_id: int | None = None) -> NameIndex:
        facts: list[EntityFacts] = []
        raw: list[tuple[int, PreparedName]] = []
        for entity in entities:
            f = EntityFacts.of(entity, len(facts))
            facts.append(f)
            seen: set[tuple[str, ...]] = set()
            for n in entity.names:
                p = prepare_name(n.value, kind=n.kind, facts=f)
                if not p.tokens or p.tokens in seen:
                    continue
                seen.add(p.tokens)
                raw.append((f.pos, p))
        weights = TokenWeights.from_token_lists(p.tokens for _, p in raw)
        idx = cls(
            version_ids=(version_id,) if version_id is not None else (),
            facts=facts,
            name_entity=[pos for pos, _ in raw],
            names=[p for _, p in raw],
            weights=weights,
        )
        idx._reweight()
        idx._index_keys()
        return idx

    def _reweight(self, facts: list[EntityFacts] | None = None) -> None:
        """Weights (and optionally new facts, by entity position) of every name."""
        w = self.weights
        cache: dict[str, float] = {}
        names = []
        for p, pos in zip(self.names, self.name_entity, strict=True):
            ws = []
            for t, g in zip(p.tokens, p.tags, strict=True):
                v = cache.get(t)
                if v is None:
                    v = cache[t] = w.weight(t, Tag(g))
                ws.append(v)
            f = facts[pos] if facts is not None else p.facts
            names.append(
                PreparedName(
                    p.text, p.kind, p.tokens, p.tags, tuple(ws), p.skeletons, p.non_latin, f
                )
            )
        self.names = names

    def _index_keys(self) -> None:
        postings: defaultdict[str, list[int]] = defaultdict(list)
        joined: defaultdict[str, list[int]] = defaultdict(list)
        whole: defaultdict[str, list[int]] = defaultdict(list)
        for nid, p in enumerate(self.names):
            whole[" ".join(p.tokens)].append(nid)
            for t in set(p.tokens):
                postings[t].append(nid)
            for a, b in zip(p.tokens, p.tokens[1:], strict=False):
                joined[a + b].append(nid)
        deletes: defaultdict[str, list[str]] = defaultdict(list)
        skels: defaultdict[str, list[str]] = defaultdict(list)
        seen: set[str] = set()
        for p in self.names:
            for t, sk in zip(p.tokens, p.skeletons, strict=True):
                if t in seen:
                    continue
                seen.add(t)
                for k in deletion_keys(t):
                    deletes[k].append(t)
                if sk and len(t) >= 4:
                    skels[sk].append(t)
        ids: defaultdict[str, list[int]] = defaultdict(list)
        for f in self.facts:
            for v in f.identifiers:
                ids[v].append(f.pos)
        self.postings, self.joined, self.whole = dict(postings), dict(joined), dict(whole)
        self.n_tokens = [len(p.tokens) for p in self.names]
        self.deletes, self.skeletons, self.identifiers = dict(deletes), dict(skels), dict(ids)

    def drop_keys(self) -> None:
        self.postings, self.joined, self.deletes, self.skeletons = {}, {}, {}, {}
        self.whole = {}

    @classmethod
    def merge(cls, indexes: Sequence[NameIndex]) -> NameIndex:
        """One index over several (one per list version), re-weighted on all of them."""
        if len(indexes) == 1 and indexes[0].postings:
            return indexes[0]
        out = cls()
        weights = TokenWeights()
        for idx in indexes:
            offset = len(out.facts)
            out.facts.extend(
                EntityFacts(
                    f.pos + offset, f.entity_id, f.kind, f.countries, f.birth_years, f.identifiers
                )
                for f in idx.facts
            )
            out.names.extend(idx.names)
            out.name_entity.extend(pos + offset for pos in idx.name_entity)
            weights = weights.merged(idx.weights)
            out.version_ids += idx.version_ids
        out.weights = weights
        out._reweight(out.facts)
        out._index_keys()
        return out

    # -- persistence ----------------------------------------------------------------------
    def _fact_tuples(self) -> list[tuple[object, ...]]:
        return [
            (
                f.entity_id,
                f.kind.value,
                tuple(f.countries),
                tuple(f.birth_years),
                tuple(f.identifiers),
            )
            for f in self.facts
        ]

    def to_bytes(self) -> bytes:
        """Plain tuples only (fast to unpickle); keys and weights are rebuilt on load."""
        facts = self._fact_tuples()
        names = [
            (p.text, p.kind.value, p.tokens, bytes(p.tags), p.skeletons, p.non_latin, pos)
            for p, pos in zip(self.names, self.name_entity, strict=True)
        ]
        state = (self.version_ids, facts, names, self.weights.n_docs, dict(self.weights.df))
        return pickle.dumps((FORMAT, state), protocol=5)

    @classmethod
    def from_bytes(cls, data: bytes, *, with_keys: bool = True) -> NameIndex:
        fmt, state = pickle.loads(data)
        if fmt != FORMAT:
            raise ValueError(f"unknown index format {fmt!r}")
        version_ids, raw_facts, raw_names, n_docs, df = state
        facts = [
            EntityFacts(i, eid, EntityKind(k), frozenset(c), frozenset(y), frozenset(ids))
            for i, (eid, k, c, y, ids) in enumerate(raw_facts)
        ]
        kinds = {k.value: k for k in NameKind}
        names = [
            PreparedName(text, kinds[k], toks, tuple(tags), (), sk, nl, facts[pos])
            for text, k, toks, tags, sk, nl, pos in raw_names
        ]
        idx = cls(
            version_ids=tuple(version_ids),
            names=names,
            facts=facts,
            name_entity=[r[6] for r in raw_names],
            weights=TokenWeights(n_docs, df),
        )
        if with_keys:
            idx._reweight()
            idx._index_keys()
        return idx

    def to_keyed_bytes(self) -> bytes:
        """Everything, weights and candidate keys included, as plain containers: what a merged
        index of several versions is persisted as, so a process that screens against the same
        set loads it without re-weighting or re-keying (``from_keyed_bytes``)."""
        facts = self._fact_tuples()
        names = [
            (p.text, p.kind.value, p.tokens, bytes(p.tags), p.weights, p.skeletons, p.non_latin)
            for p in self.names
        ]
        state = (
            self.version_ids,
            facts,
            names,
            self.name_entity,
            self.weights.n_docs,
            dict(self.weights.df),
            (self.postings, self.joined, self.whole, self.deletes, self.skeletons),
            self.identifiers,
        )
        return pickle.dumps((FORMAT_KEYED, state), protocol=5)

    @classmethod
    def from_keyed_bytes(cls, data: bytes) -> NameIndex:
        fmt, state = pickle.loads(data)
        if fmt != FORMAT_KEYED:
            raise ValueError(f"unknown index format {fmt!r}")
        version_ids, raw_facts, raw_names, name_entity, n_docs, df, keys, identifiers = state
        kinds = {k.value: k for k in EntityKind}
        facts = [
            EntityFacts(i, eid, kinds[k], frozenset(c), frozenset(y), frozenset(ids))
            for i, (eid, k, c, y, ids) in enumerate(raw_facts)
        ]
        name_kinds = {k.value: k for k in NameKind}
        names = [
            PreparedName(text, name_kinds[k], toks, tuple(tags), ws, sk, nl, facts[pos])
            for (text, k, toks, tags, ws, sk, nl), pos in zip(raw_names, name_entity, strict=True)
        ]
        postings, joined, whole, deletes, skeletons = keys
        return cls(
            version_ids=tuple(version_ids),
            names=names,
            facts=facts,
            name_entity=list(name_entity),
            weights=TokenWeights(n_docs, df),
            postings=postings,
            joined=joined,
            n_tokens=[len(p.tokens) for p in names],
            deletes=deletes,
            skeletons=skeletons,
            identifiers=identifiers,
            whole=whole,
        )

    # -- candidates -----------------------------------------------------------------------
    def similar_tokens(self, token: str, config: MatchConfig) -> list[tuple[str, float]]:
        """Vocabulary tokens equal (1.0), one edit away (``candidate_one_edit``), or with the
        same skeleton (``candidate_skeleton``)."""
        out: dict[str, float] = {}
        if token in self.postings:
            out[token] = 1.0
        if len(token) >= 4 and not token.isdigit():
            one_edit = config.candidate_one_edit
            for key in deletion_keys(token) | {token}:
                for t in self.deletes.get(key, ()):
                    out.setdefault(t, one_edit)
                if key in self.postings and key != token and len(key) >= 4:
                    out.setdefault(key, one_edit)
            sk = skeleton(token)
            for t in self.skeletons.get(sk, ()) if sk else ():
                out.setdefault(t, config.candidate_skeleton)
        return list(out.items())

    def candidates(self, name: PreparedName, config: MatchConfig) -> list[int]:
        """Name ids most likely to match ``name``, best first (at most max_candidates).

        Each query token (heaviest first) adds to every name holding a similar token its weight
        times the best similarity there (exact 1.0, one edit ``candidate_one_edit``, same
        skeleton ``candidate_skeleton``, joined ``candidate_joined_token``); adjacent query
        tokens found joined in a name add ``candidate_joined_pair`` of both weights. Names
        reaching ``candidate_floor`` of the query's weight are ranked by that sum, then by
        fewer tokens, then by id (never by hash order).

        The hot path of screening, so two shortcuts that change no result: once the tokens
        still to come (plus every possible joined-pair bonus) could no longer lift a name seen
        for the first time to the floor, a token's posting list only updates names already
        met (a C-level set intersection instead of a loop over a long list of common words);
        and the per-token best similarity is built with C-level dict updates.
        """
        toks, weights, tags = name.tokens, name.weights, name.tags
        acc: dict[int, float] = {}
        order = sorted(range(len(toks)), key=lambda i: -weights[i])
        counted = [i for i in order if tags[i] not in (Tag.LEGAL, Tag.STOP)]
        total = sum(w for w, g in zip(weights, tags, strict=True) if g not in (Tag.LEGAL, Tag.STOP))
        floor = config.candidate_floor * total
        pairs: list[tuple[float, list[int]]] = []
        for i in range(len(toks) - 1):
            pair = self.postings.get(toks[i] + toks[i + 1])
            if pair:
                pairs.append((config.candidate_joined_pair * (weights[i] + weights[i + 1]), pair))
        bonus = sum(g for g, _ in pairs)
        # still[i]: the most a name can gain from token i and the lighter ones after it
        still: dict[int, float] = {}
        run = 0.0
        for i in reversed(counted):
            run += weights[i]
            still[i] = run
        for rank, i in enumerate(order):
            if tags[i] in (Tag.LEGAL, Tag.STOP):
                continue
            tok, w = toks[i], weights[i]
            parts: list[tuple[float, list[int]]] = []
            for t, sim in self.similar_tokens(tok, config):
                posting = self.postings[t]
                if len(posting) > config.max_posting and (rank > 0 or acc):
                    continue
                parts.append((w * sim, posting))
            joined = self.joined.get(tok)
            if joined:
                parts.append((w * config.candidate_joined_token, joined))
            if not parts:
                continue
            if still[i] + bonus < floor - 1e-9:  # no new name can reach the floor any more
                best: dict[int, float] = {}
                for gain, posting in parts:
                    for nid in acc.keys() & posting:
                        if best.get(nid, 0.0) < gain:
                            best[nid] = gain
                for nid, g in best.items():
                    acc[nid] = acc[nid] + g
                continue
            if len(parts) == 1:
                local = dict.fromkeys(parts[0][1], parts[0][0])
            else:  # ascending gains: a name in several lists keeps its best similarity
                local = {}
                for gain, posting in sorted(parts, key=lambda p: p[0]):
                    local.update(dict.fromkeys(posting, gain))
            if not acc:
                acc = local  # 0.0 + g == g
                continue
            get = acc.get
            for nid, g in local.items():
                acc[nid] = get(nid, 0.0) + g
        for gain, pair in pairs:
            get = acc.get
            for nid in pair:
                acc[nid] = get(nid, 0.0) + gain
        n_tokens = self.n_tokens
        ranked = heapq.nsmallest(
            config.max_candidates,
            ((nid, a) for nid, a in acc.items() if a >= floor),
            # the name id breaks ties, so the ranking never depends on hash-seeded set order
            key=lambda kv: (-kv[1], n_tokens[kv[0]], kv[0]),
        )
        found = [nid for nid, _ in ranked]
        return list(dict.fromkeys(self.whole_name(name) + found))

    def whole_name(self, name: PreparedName) -> list[int]:
        """Names whose every token equals the query's, also read as a person's name (no word a
        legal form): a name made only of common words ("DES INTERNATIONAL CO., LTD.", "Abu
        Sa") is always a candidate of itself, however many names share its words."""
        out = list(self.whole.get(" ".join(name.tokens), ()))
        as_person = tokenize(name.text, True)
        if as_person != name.tokens:
            out += self.whole.get(" ".join(as_person), ())
        return out

    def calibrate(self, name: PreparedName, config: MatchConfig) -> PreparedName:
        """A query name whose unseen words (typos, mostly) weigh like the nearest listed word."""
        if all(t in self.postings for t in name.tokens):
            return name
        ws = list(name.weights)
        for i, t in enumerate(name.tokens):
            if t in self.postings or name.tags[i] != Tag.NORMAL:
                continue
            near = [self.weights.weight(v) for v, _ in self.similar_tokens(t, config) if v != t]
            if near:
                ws[i] = max(near)
        return PreparedName(
            name.text,
            name.kind,
            name.tokens,
            name.tags,
            tuple(ws),
            name.skeletons,
            name.non_latin,
            name.facts,
        )

    def identifier_entities(self, query: PreparedQuery) -> list[int]:
        out: list[int] = []
        for v in sorted(query.identifiers):  # a set: sorted, so the order is seed-free
            out.extend(self.identifiers.get(norm_identifier(v), ()))
        return out
