"""Alembic environment: migrates the graph database the caller connected to (see archive.store.db)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from archive.store.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # the `alembic` command line: connect to sqlalchemy.url from alembic.ini
        with create_engine(config.get_main_option("sqlalchemy.url")).connect() as connection:
            _migrate(connection)
    else:
        _migrate(connection)


def _render_item(kind: str, obj, autogen_context):
    """New migrations name plain SQLAlchemy types, so they never import the models."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def _migrate(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_item=_render_item,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
