"""The application layer: one ``Services`` object built from ``Settings``; adapters call it."""

from tradescreen.services.app import Services
from tradescreen.services.screening import ReviewedScreening, query_key

__all__ = ["ReviewedScreening", "Services", "query_key"]
