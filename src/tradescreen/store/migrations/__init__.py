"""Alembic migrations of the tradescreen schema.

``script_location = tradescreen.store:migrations``.

Run from code with :func:`tradescreen.store.migrate.upgrade`; ``SqlStore.create_schema`` calls it.
"""
