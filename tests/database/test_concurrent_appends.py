"""Audit and ledger appends from several connections at once keep one gap-free chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from audit.log import record_event, verify_chain
from database.engine import make_engine, session_scope

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def append(url: str, number: int) -> None:
    # A fresh engine per worker, like the API and worker processes, each with its own pool.
    engine = make_engine(url)
    try:
        for index in range(10):
            with session_scope(engine) as session:
                record_event(
                    session, at=NOW, request_id=f"req_{number}", actor="test", event=f"e{index}"
                )
    finally:
        engine.dispose()


def test_parallel_appends_keep_chain(engine: Engine, database_url: str) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda number: append(database_url, number), range(6)))

    with Session(engine) as session:
        head = verify_chain(session)
    assert len(head) == 64
    with Session(engine) as session:
        from sqlmodel import func, select

        from audit.log import AuditEvent

        count = session.exec(select(func.count()).select_from(AuditEvent)).one()
    assert count == 60
