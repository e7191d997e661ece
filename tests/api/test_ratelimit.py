"""The token bucket itself, on a fake clock."""

from __future__ import annotations

from tradescreen.api.ratelimit import TokenBucketLimiter


def test_bucket_refills_at_rate() -> None:
    now = [1000.0]
    lim = TokenBucketLimiter(60, clock=lambda: now[0])  # one a second, bursts of 60
    assert all(lim.acquire("k") == 0.0 for _ in range(60))
    wait = lim.acquire("k")
    assert 0.99 <= wait <= 1.0
    assert lim.retry_after(wait) == 1
    now[0] += 0.5
    assert lim.acquire("k") > 0
    now[0] += 0.6
    assert lim.acquire("k") == 0.0
    assert lim.acquire("other") == 0.0  # independent buckets
    now[0] += 3600
    assert sum(lim.acquire("k") == 0.0 for _ in range(100)) == 60  # never above capacity
