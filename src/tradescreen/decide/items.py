"""Transaction inputs: item classification (EAR99 or an ECCN), item type, destination, parties.

Validation lives here so the CLI, the API and the library reject the same inputs with the same
one-line messages naming the field.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tradescreen.decide.destinations import (
    AMBIGUOUS_NAMES,
    iso_countries,
    known_subdivisions,
    place_code,
)
from tradescreen.errors import InvalidInput

if TYPE_CHECKING:
    from tradescreen.decide.end_use import EndUseAnswers

# 5A002, 3A090.a, 9A610.y.1, 0A521 and the "0Y521" series name; product groups A-E.
_ECCN = re.compile(r"^(?P<cat>\d)(?P<grp>[A-E]|Y(?=521))(?P<num>\d{3})(?P<sub>(\.[a-z0-9]+)*)$")
_DEST = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_ROLE_HEAD = re.compile(r"^\s*[A-Za-z][A-Za-z_-]*(?:\s+[A-Za-z_-]+){0,2}\s*$")


class ItemType(StrEnum):
    COMMODITY = "commodity"
    SOFTWARE = "software"
    TECHNOLOGY = "technology"


class Role(StrEnum):
    PURCHASER = "purchaser"
    INTERMEDIATE_CONSIGNEE = "intermediate_consignee"
    ULTIMATE_CONSIGNEE = "ultimate_consignee"
    END_USER = "end_user"


class ActivityCategory(StrEnum):
    """What the export is for, as the user answers it: authorisation scopes and carve-outs
    are keyed on these, never on words of a free-text description."""

    EXISTING_NETWORKS = "existing_networks"  # maintain/support existing networks and equipment
    EXISTING_HANDSETS = "existing_handsets"  # service and support of existing handsets
    CYBERSECURITY = "cybersecurity"  # security research and vulnerability disclosure
    STANDARDS_5G = "standards_5g"  # engagement for 5G standards in a recognised body
    STANDARDS_ORGANIZATION = "standards_organization"  # release to a standards organization
    #   (§ 772.1) to contribute to a standard
    AFFILIATES_JV = "affiliates_jv"  # joint venture with a party captured by ownership only


def parse_activity_category(
    value: str | None, *, field_name: str = "activity_category"
) -> ActivityCategory | None:
    if value is None or not value.strip():
        return None
    try:
        return ActivityCategory(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise InvalidInput(
            f"{field_name}: {value!r} is not one of " + ", ".join(c.value for c in ActivityCategory)
        ) from None


def normalize_eccn(value: str, *, field_name: str = "item") -> str:
    """``"ear99"`` -> ``"EAR99"``, ``"5a002"`` -> ``"5A002"``, ``"3A090.A"`` -> ``"3A090.a"``.

    Raises InvalidInput naming ``field_name`` for anything that is not EAR99 or ECCN syntax.
    """
    raw = (value or "").strip()
    if raw.upper() == "EAR99":
        return "EAR99"
    head, _, tail = raw.partition(".")
    candidate = head.upper() + ("." + tail.lower() if tail else "")
    if not _ECCN.match(candidate):
        raise InvalidInput(
            f"{field_name}: {value!r} is not EAR99 or an ECCN (e.g. 5A002, 3A090.a, 0Y521)"
        )
    return candidate


def eccn_matches(pattern: str, eccn: str) -> bool:
    """True when ``eccn`` falls under ``pattern`` (``3A090`` covers ``3A090.a``; ``1A004.c``
    covers ``1A004.c.1`` but not ``1A004.d``)."""
    return eccn == pattern or eccn.startswith(pattern + ".")


def is_at_only_family(eccn: str) -> bool:
    """ECCNs numbered x9xx (5A992, 1A995, 3A991...) are mostly controlled for anti-terrorism
    reasons only. An approximation: the Commerce Control List itself is not evaluated."""
    m = _ECCN.match(eccn)
    return bool(m and m.group("num").startswith("9") and m.group("grp") != "Y")


def normalize_destination(value: str, *, field_name: str = "destination") -> str:
    """An ISO 3166-1 alpha-2 code (``cn`` -> ``CN``), an ISO 3166-2 region (``UA-43``), or a
    country name (``China`` -> ``CN``, ``Crimea`` -> ``UA-43``).

    Raises InvalidInput naming ``field_name`` for a code that ISO 3166 does not assign (``ZZ``),
    a region this data does not know, or a name that is not a country."""
    raw = (value or "").strip()
    code = raw.upper()
    if _DEST.match(code):
        if code[:2] not in iso_countries():
            raise InvalidInput(f"{field_name}: {value!r} is not an ISO 3166-1 country code")
        if "-" in code and code not in known_subdivisions():
            raise InvalidInput(
                f"{field_name}: {value!r} is not a region known to this data; give the country "
                f"code ({code[:2]}) or a region such as UA-43 (Crimea)"
            )
        return code
    if " ".join(raw.lower().split()) in AMBIGUOUS_NAMES:
        codes = AMBIGUOUS_NAMES[" ".join(raw.lower().split())]
        raise InvalidInput(
            f"{field_name}: {value!r} names more than one country; give the code "
            f"({' or '.join(codes)})"
        )
    if len(raw) > 2 and not any(ch.isdigit() for ch in raw):
        found = place_code(raw)
        if found is not None:
            return found
    raise InvalidInput(
        f"{field_name}: {value!r} is not an ISO 3166 country code (e.g. CN), region (UA-43) "
        "or country name"
    )


@dataclass(frozen=True, slots=True)
class Item:
    classification: str  # "EAR99" or an ECCN, normalised
    item_type: ItemType = ItemType.COMMODITY
    food_or_medicine: bool = False  # EAR99 food or medicine (carve-outs of several listings)
    value: float | None = None  # transaction value (USD), checked against specific licences

    @property
    def is_ear99(self) -> bool:
        return self.classification == "EAR99"

    @staticmethod
    def parse(
        classification: str,
        item_type: str = "commodity",
        *,
        food_or_medicine: bool = False,
        value: float | None = None,
    ) -> Item:
        try:
            kind = ItemType(item_type.strip().lower())
        except ValueError:
            raise InvalidInput(
                f"item_type: {item_type!r} is not one of commodity, software, technology"
            ) from None
        if value is not None and value < 0:
            raise InvalidInput(f"value: {value} must not be negative")
        return Item(normalize_eccn(classification), kind, food_or_medicine, value)


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    role: Role = Role.ULTIMATE_CONSIGNEE
    country: str | None = None

    @staticmethod
    def parse(spec: str, *, default_role: Role = Role.ULTIMATE_CONSIGNEE) -> Party:
        """``"end_user=Huawei Technologies Co., Ltd."`` or a bare name (``default_role``).

        Text before the first ``=`` made of letters, spaces, ``-`` and ``_`` (up to three
        words) is a role and must be one of ``Role``: ``enduser=X`` and ``Acme = Co`` are
        refused, never screened as a party named "enduser=X". Case, ``-`` and spaces are
        ignored (``End-User=X``, ``end user = X``). A name that itself contains ``=`` is given
        after a role (``ultimate_consignee=Acme = Co``).
        """
        role = default_role
        name = spec
        head, sep, tail = spec.partition("=")
        word = re.sub(r"[\s-]+", "_", head.strip().lower())
        if sep and _ROLE_HEAD.match(head):
            try:
                role = Role(word)
            except ValueError:
                raise InvalidInput(
                    f"party: unknown role {head.strip()!r} in {spec!r}; roles: "
                    + ", ".join(r.value for r in Role)
                ) from None
            name = tail
        name = name.strip()
        if not name:
            raise InvalidInput(f"party: {spec!r} has no name")
        return Party(name=name, role=role)


@dataclass(frozen=True, slots=True)
class Transaction:
    parties: tuple[Party, ...]
    item: Item
    destination: str  # ISO 3166-1 alpha-2, or an ISO 3166-2 region such as UA-43 (Crimea)
    date: date
    activity: str | None = None  # free text, recorded; it decides nothing
    reference: str | None = None
    notes: tuple[str, ...] = field(default=())
    activity_category: ActivityCategory | None = None
    contract_date: _dt.date | None = None  # the contract or agreement the export performs
    handset_public_date: _dt.date | None = None  # when the handsets were available to the public
    end_use: EndUseAnswers | None = None  # what the exporter knows (Part 744 questions)

    def __post_init__(self) -> None:
        if not self.parties:
            raise InvalidInput("parties: at least one party is required")
        for p in self.parties:
            if not p.name.strip():
                raise InvalidInput("parties: a party has an empty name")
        object.__setattr__(self, "destination", normalize_destination(self.destination))

    @property
    def country(self) -> str:
        return self.destination[:2]


def transaction_to_dict(tx: Transaction) -> dict[str, Any]:
    return {
        "parties": [{"name": p.name, "role": p.role.value} for p in tx.parties],
        "item": tx.item.classification,
        "item_type": tx.item.item_type.value,
        "food_or_medicine": tx.item.food_or_medicine,
        "value": tx.item.value,
        "destination": tx.destination,
        "date": tx.date.isoformat(),
        "activity": tx.activity,
        "activity_category": tx.activity_category.value if tx.activity_category else None,
        "contract_date": tx.contract_date.isoformat() if tx.contract_date else None,
        "handset_public_date": (
            tx.handset_public_date.isoformat() if tx.handset_public_date else None
        ),
        "end_use": tx.end_use.to_dict() if tx.end_use else None,
    }


__all__ = [
    "ActivityCategory",
    "Item",
    "ItemType",
    "Party",
    "Role",
    "Transaction",
    "eccn_matches",
    "is_at_only_family",
    "normalize_destination",
    "normalize_eccn",
    "parse_activity_category",
    "transaction_to_dict",
]
