"""The REST API: a thin FastAPI adapter over the library (parse, call, render)."""

from tradescreen.api.app import create_api

__all__ = ["create_api"]
