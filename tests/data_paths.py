"""Where the tests find the real-data folder, and what happens when it is absent.

The folder (the official list files and evaluation sets, never copied into the repository) is
``$TRADESCREEN_TEST_DATA`` when that is set and not empty, else ``<repo>/../shared/data``.

- :data:`DATA` / :data:`LISTS`: the folder and its ``lists/`` subfolder (paths only, nothing is
  read at import, so collection never fails);
- :func:`require_data` ``(*parts) -> Path``: ``DATA / parts``; when that path does not exist the
  calling test is SKIPPED, or FAILS when ``CI`` is set (``CI=true``, as ``.ci/run`` does), the
  same rule as for PostgreSQL and Chromium in ``tests/conftest.py``. Call it in fixtures and
  tests, never at module level;
- tests marked ``realdata`` (explicitly, or automatically by ``tests/conftest.py`` when they or
  their fixtures use ``require_data`` or the ``shared_data``/``real_data`` fixtures) are skipped
  or failed the same way before their fixtures run when the folder itself is missing;
- one terminal-summary line says how many tests were skipped for missing data, and where the
  folder was looked for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

ENV = "TRADESCREEN_TEST_DATA"
REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "data"
# Every skip for missing data starts with this; the summary line counts them by it.
SKIP_REASON = "real data not found"


def data_root() -> Path:
    """``$TRADESCREEN_TEST_DATA`` (made absolute) when set and not empty, else the default."""
    configured = os.environ.get(ENV, "").strip()
    return Path(configured).expanduser().resolve() if configured else DEFAULT


DATA = data_root()
LISTS = DATA / "lists"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def have_data() -> bool:
    return DATA.is_dir()


def missing(path: Path) -> NoReturn:
    """Skip the running test (fail it in CI) because ``path`` is not there."""
    if not have_data():
        why = f"{SKIP_REASON}: no folder at {DATA} (set {ENV} or place it at ../shared/data)"
    else:
        why = f"{SKIP_REASON}: {path} is missing from {DATA}"
    if in_ci():
        pytest.fail(f"{why}; CI requires the real data (see README, Tests)", pytrace=False)
    pytest.skip(why)


# Where every such skip is reported (``tests/conftest.py`` folds them there for ``-ra``).
SKIP_LOCATION = (str(Path(__file__).resolve()), missing.__code__.co_firstlineno)


def require_data(*parts: str | Path) -> Path:
    """``DATA`` joined with ``parts`` (``require_data("lists", "us_csl", "x.csv.gz")`` or
    ``require_data("lists/us_csl/x.csv.gz")``), which must exist: else skip, or fail in CI."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        missing(path)
    return path


def require_lists(*rels: str | Path) -> list[Path]:
    """Several files under ``DATA/lists`` at once (all present, else skip / fail in CI)."""
    return [require_data("lists", rel) for rel in rels]


def skipped_for_data(reports: list[pytest.TestReport]) -> int:
    """How many of these skip reports were skipped for missing real data."""
    n = 0
    for rep in reports:
        longrepr = rep.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        if SKIP_REASON in reason:
            n += 1
    return n
