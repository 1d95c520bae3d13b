from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from audit.log import AuditChainError, record_event, verify_chain
from database.engine import session_scope

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_audit_chain_detects_edit_and_removal(engine: Engine) -> None:
    with session_scope(engine) as session:
        for number in range(4):
            record_event(session, at=NOW, request_id="req_1", actor="test", event=f"e{number}")
    with Session(engine) as session:
        verify_chain(session)

    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET event = 'forged' WHERE sequence = 2"))
    with Session(engine) as session, pytest.raises(AuditChainError, match="event 2 was altered"):
        verify_chain(session)

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE sequence = 2"))
    with Session(engine) as session, pytest.raises(AuditChainError, match="event 2 is missing"):
        verify_chain(session)
