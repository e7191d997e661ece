"""Screening: a query against the list versions in force.

- ``matcher``: the pure core (:class:`IndexBundle`, :func:`match_query`, :class:`VersionSet`), what
  a Spark worker or a forked batch worker runs on a shipped bundle.
- ``index_cache``: persisted index blobs keyed by :func:`code_fingerprint`, merged bundles per
  set of versions, and the background swap (with its seam for tests).
- ``freshness``: stale and missing lists, and the fail-closed policy.
- ``screener``: :class:`Screener`, over a store, with a clock.
- ``snapshot``: :class:`SnapshotScreener`, pinned to one set of versions (batch, monitoring).

Nothing is imported here, so importing one module (``freshness``) stays cheap.
"""
