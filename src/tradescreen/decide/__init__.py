"""Export-control decisions: listings + embargoes + authorisations + ownership -> Decision.

See docs/decisions.md. The main call is :func:`check`.
"""

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
