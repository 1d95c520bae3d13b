"""Engine and session factory for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlmodel import Session, create_engine


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite files get WAL, foreign keys and secure delete."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        return engine

    return create_engine(url, pool_pre_ping=True)


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # secure_delete zeroes freed pages, so a destroyed wrapped key leaves no bytes behind in
    # the file; WAL lets the API and the worker processes read while the other writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open a session that commits on success and rolls back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def checkpoint_sqlite(engine: Engine) -> None:
    """Fold the SQLite write-ahead log into the main file and truncate it.

    Called after a key is destroyed, because until the checkpoint the WAL still contains
    the page image with the wrapped key.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def lock_for_append(session: Session, table: str, advisory_key: int) -> None:
    """Serialize appenders of a hash-chained table within the caller's transaction.

    PostgreSQL takes a transaction-scoped advisory lock. On SQLite, pysqlite runs SELECTs
    outside any transaction until the first write, so two processes could both read the
    same head row. A write that changes nothing therefore starts the transaction and takes
    the database's write lock first, and the head read after it is current.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({advisory_key})"))
    elif dialect == "sqlite":
        # ``table`` is one of the module-level names of the callers, never input.
        statement = f'UPDATE "{table}" SET sequence = sequence WHERE 1 = 0'  # noqa: S608
        session.execute(text(statement))
