"""docs/api.md's explanation example and key list are what the code writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tradescreen.match.compare import compare
from tradescreen.match.config import MatchConfig
from tradescreen.match.explanation import FeatureKind, How, PenaltyReason, WordRole
from tradescreen.match.prepared import EntityFacts, prepare_name, prepare_query
from tradescreen.match.render import to_json, yente_features
from tradescreen.model import Entity, EntityKind, Name, Query

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
LISTED = "Huawei Technologies Co., Ltd."


def _example() -> dict[str, object]:
    entity = Entity("x", EntityKind.ORGANIZATION, (Name(LISTED),), countries=("CN",))
    name = prepare_name(LISTED, facts=EntityFacts.of(entity))
    query = prepare_query(Query("Huawei Tech Company Limited", country="DE"))
    return to_json(compare(query, name, MatchConfig()).explanation)


def _doc_example() -> dict[str, object]:
    block = DOC.split("<!-- explanation-example -->", 1)[1]
    body = re.search(r"```json\n(.*?)```", block, re.S)
    assert body is not None
    data: dict[str, object] = json.loads(body.group(1))
    return data


def test_the_documented_example_is_the_output() -> None:
    assert _doc_example() == _example()


def test_the_yente_example_is_the_output() -> None:
    from tradescreen.match.render import from_json

    features = yente_features(from_json(_example()))
    assert f"`{json.dumps(features)}`" in DOC


def test_every_enum_value_is_documented() -> None:
    section = DOC.split("### The explanation", 1)[1].split("### yente", 1)[0]
    for value in [h.value for h in How] + [r.value for r in WordRole]:
        assert f"`{value}`" in section, value
    for reason in PenaltyReason:
        assert f"`{reason.code}`" in section, reason
    for kind in FeatureKind:
        assert f"`{kind.value}`" in section, kind
