"""The application layer: one ``Services`` object built from ``Settings``; adapters call it."""

from tradescreen.loading import Allow, LoadReport
from tradescreen.services.app import Services
from tradescreen.services.screening import ReviewedScreening, query_key
from tradescreen.store.base import Store

# Allow, LoadReport: the options and the result of a list load, as the adapters pass and show
# them; Store: the store interface an adapter may be handed (the API's factory takes one).
__all__ = ["Allow", "LoadReport", "ReviewedScreening", "Services", "Store", "query_key"]
