"""SHA-256 of files, shared by loading (a list file's identity) and audit (a batch run's input
and output), so neither imports the other."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path


def sha256_files(paths: Sequence[Path]) -> str:
    """SHA-256 of the files' bytes concatenated in the given order."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


__all__ = ["sha256_files"]
