"""tradescreen: restricted-party screening and export-control decisions."""

from tradescreen.model import (
    Address,
    Citation,
    Entity,
    EntityKind,
    Identifier,
    Listing,
    ListVersion,
    Name,
    NameKind,
    Query,
)

__version__ = "0.1.0"

__all__ = [
    "Address",
    "Citation",
    "Entity",
    "EntityKind",
    "Identifier",
    "ListVersion",
    "Listing",
    "Name",
    "NameKind",
    "Query",
    "__version__",
]
