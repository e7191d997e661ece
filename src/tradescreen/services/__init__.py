"""The application layer: one ``Services`` object built from ``Settings``; adapters call it."""

from tradescreen.loading import Allow, LoadReport
from tradescreen.services.app import Services
from tradescreen.services.screening import ReviewedScreening, query_key

# Allow, LoadReport: the options and the result of a list load, as the adapters pass and show them.
__all__ = ["Allow", "LoadReport", "ReviewedScreening", "Services", "query_key"]
