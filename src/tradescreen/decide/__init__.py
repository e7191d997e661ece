"""Export-control decisions: listings + embargoes + authorisations + ownership -> Decision.

See docs/decisions.md. The main call is :func:`check`. The names below load their module on
first use (PEP 562): a command that needs one type of this package (a screening that builds
no decision) does not pay for importing every rule and its data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradescreen.lazy import lazy_getattr

if TYPE_CHECKING:
    from tradescreen.decide.decision import (
        Decision,
        DecisionConfig,
        DecisionContext,
        PartyScreener,
        Reason,
        check,
        screener_from,
        transaction_to_dict,
    )
    from tradescreen.decide.items import Item, ItemType, Party, Role, Transaction, normalize_eccn
    from tradescreen.decide.licences import SpecificLicence, add_licence, list_licences
    from tradescreen.decide.outcomes import Effect, Outcome, OwnershipRule, ReasonKind
    from tradescreen.decide.ownership import OwnershipEdge
    from tradescreen.decide.ownership_io import read_ownership_file
    from tradescreen.decide.static_screener import StaticScreener

_MODULES = {
    "Decision": "tradescreen.decide.decision",
    "DecisionConfig": "tradescreen.decide.decision",
    "DecisionContext": "tradescreen.decide.decision",
    "Effect": "tradescreen.decide.outcomes",
    "Item": "tradescreen.decide.items",
    "ItemType": "tradescreen.decide.items",
    "Outcome": "tradescreen.decide.outcomes",
    "OwnershipEdge": "tradescreen.decide.ownership",
    "OwnershipRule": "tradescreen.decide.outcomes",
    "Party": "tradescreen.decide.items",
    "PartyScreener": "tradescreen.decide.decision",
    "Reason": "tradescreen.decide.decision",
    "ReasonKind": "tradescreen.decide.outcomes",
    "Role": "tradescreen.decide.items",
    "SpecificLicence": "tradescreen.decide.licences",
    "StaticScreener": "tradescreen.decide.static_screener",
    "Transaction": "tradescreen.decide.items",
    "add_licence": "tradescreen.decide.licences",
    "check": "tradescreen.decide.decision",
    "list_licences": "tradescreen.decide.licences",
    "normalize_eccn": "tradescreen.decide.items",
    "read_ownership_file": "tradescreen.decide.ownership_io",
    "screener_from": "tradescreen.decide.decision",
    "transaction_to_dict": "tradescreen.decide.decision",
}


__getattr__ = lazy_getattr(__name__, _MODULES, globals())


__all__ = [
    "Decision",
    "DecisionConfig",
    "DecisionContext",
    "Effect",
    "Item",
    "ItemType",
    "Outcome",
    "OwnershipEdge",
    "OwnershipRule",
    "Party",
    "PartyScreener",
    "Reason",
    "ReasonKind",
    "Role",
    "SpecificLicence",
    "StaticScreener",
    "Transaction",
    "add_licence",
    "check",
    "list_licences",
    "normalize_eccn",
    "read_ownership_file",
    "screener_from",
    "transaction_to_dict",
]
