"""Alembic environment: runs migrations on the URL passed in by ``database.migrate``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from database.engine import make_engine
from database.models import import_all_models

import_all_models()
config = context.config


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set; run migrations through `database.migrate`")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
