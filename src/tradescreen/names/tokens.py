"""Token weights learnt from the loaded lists (smoothed IDF), with fixed caps for weak tokens.

weight(t) = clip(log((N + 1) / (df(t) + 0.5)) / log(N + 1), 0.05, 1), where N and df add a
prior of 20,000 names drawn from background frequencies (names/data/background_df.json);
then capped at 0.1 for legal forms and stopwords and at 0.5 for places; numbers always weigh 1.
A token never seen weighs 1 (a distinctive word the list does not have is strong evidence of a
different party). So "technology", "international", "group" weigh little and "hikvision" much.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from tradescreen.names.normalize import Tag, tag_of

PRIOR_DOCS = 20_000  # weight of the background frequencies, in names


@lru_cache(maxsize=1)
def background() -> tuple[int, dict[str, int]]:
    """Document frequencies of common words over every list we ship benchmarks for
    (names/data/background_df.json): a prior, so a store holding one small list still knows
    that "technology" is generic and "huawei" is not."""
    raw = resources.files("tradescreen.names").joinpath("data/background_df.json").read_text()
    data = json.loads(raw)
    return int(data["n_docs"]), dict(data["df"])


CAPS: dict[Tag, float] = {Tag.LEGAL: 0.1, Tag.STOP: 0.1, Tag.PLACE: 0.5}
DEFAULT_PLAIN = 0.8  # weight of a plain token when no statistics are known


def cap(token: str, tag: Tag, weight: float) -> float:
    if tag is Tag.NUMBER:
        return 1.0
    limit = CAPS.get(tag)
    return min(weight, limit) if limit is not None else weight


@dataclass(frozen=True)
class TokenWeights:
    """Document frequencies over the names of a list version (picklable, immutable in use)."""

    n_docs: int = 0
    df: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_token_lists(cls, docs: Iterable[Iterable[str]]) -> TokenWeights:
        counts: Counter[str] = Counter()
        n = 0
        for tokens in docs:
            n += 1
            counts.update(set(tokens))
        return cls(n_docs=n, df=dict(counts))

    def merged(self, other: TokenWeights) -> TokenWeights:
        df = Counter(self.df)
        df.update(other.df)
        return TokenWeights(self.n_docs + other.n_docs, dict(df))

    def weight(self, token: str, tag: Tag | None = None) -> float:
        tag = tag_of(token) if tag is None else tag
        if self.n_docs == 0:
            return cap(token, tag, DEFAULT_PLAIN)
        bg_n, bg_df = background()
        n = self.n_docs + PRIOR_DOCS
        df = self.df.get(token, 0) + PRIOR_DOCS * bg_df.get(token, 0) / bg_n
        raw = math.log((n + 1) / (df + 0.5)) / math.log(n + 1)
        return cap(token, tag, min(1.0, max(0.05, raw)))
