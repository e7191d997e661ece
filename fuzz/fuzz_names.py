"""Atheris harness for the name normaliser: ``python fuzz/fuzz_names.py [atheris args]``.

Any exception is a finding; so is a normaliser that is not idempotent
(``normalize(normalize(x)) != normalize(x)``) or a tokenizer whose tokens contain spaces.
"""

from __future__ import annotations

import os
import re
import sys

import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]

with atheris.instrument_imports(include=["tradescreen"]):
    from tradescreen.names.normalize import normalize, tagged, tokenize


# FUZZ_SKIP_KNOWN=1: ignore the known idempotence defect ("no no no ... 9", normalize.py) so the run
# can look for other findings.
KNOWN_ROMAN = os.environ.get("FUZZ_SKIP_KNOWN", "") not in ("", "0")
_ROMAN = re.compile(r"\b([ivx]+|no|nr)\b")


def test_one(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(len(data))
    once = normalize(text)
    twice = normalize(once)
    if once != twice and not (KNOWN_ROMAN and _ROMAN.search(once)):
        raise AssertionError(f"normalize not idempotent: {text!r} -> {once!r} -> {twice!r}")
    for tok in tokenize(text):
        if not tok or " " in tok:
            raise AssertionError(f"bad token {tok!r} from {text!r}")
    tagged(text)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()
