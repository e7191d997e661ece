from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local-mode SparkSession (2 cores) for the whole test session."""
    pytest.importorskip("pyspark")
    from tradescreen.batch.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()
