"""Alembic environment for running the ``alembic`` command line against a tradescreen database.

``tradescreen`` itself runs migrations through :func:`tradescreen.store.migrate.upgrade`, which
does not execute this file. From a shell::

    alembic -x url=sqlite:///path/to/tradescreen.db -c /dev/null \
        --raiseerr upgrade head   # with script_location = tradescreen.store:migrations
"""

from __future__ import annotations

from alembic import context

from tradescreen.db import all_tables, make_engine

config = context.config
target_metadata = all_tables()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("give the database URL with -x url=... or sqlalchemy.url")
    return url


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
