"""Audit events: each row carries the hash of the one before it, so edits and deletions show."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from database.engine import lock_for_append
from database.types import utc_column

GENESIS_HASH = "0" * 64


class AuditChainError(Exception):
    """A row of the audit log was altered, removed or reordered."""


class AuditEvent(SQLModel, table=True):
    """One state change. ``detail`` contains ids and statuses only, never personal data."""

    __tablename__ = "audit_event"

    sequence: int = Field(primary_key=True)
    at: datetime = Field(sa_column=utc_column(index=True))
    request_id: str | None = Field(default=None, index=True, max_length=40)
    actor: str = Field(max_length=80)
    event: str = Field(max_length=80)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    previous_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64)


def _digest(
    sequence: int,
    at: datetime,
    request_id: str | None,
    actor: str,
    event: str,
    detail: dict[str, Any],
    previous_hash: str,
) -> str:
    body = {
        "sequence": sequence,
        "at": at.isoformat(),
        "request_id": request_id,
        "actor": actor,
        "event": event,
        "detail": detail,
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_event(
    session: Session,
    *,
    at: datetime,
    request_id: str | None,
    actor: str,
    event: str,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction, after the current head."""
    # Serializes appenders so two events never claim the same sequence number.
    lock_for_append(session, "audit_event", 7202)
    head = session.exec(select(AuditEvent).order_by(col(AuditEvent.sequence).desc())).first()
    sequence = 1 if head is None else head.sequence + 1
    previous_hash = GENESIS_HASH if head is None else head.entry_hash
    payload = dict(detail or {})

    event_row = AuditEvent(
        sequence=sequence,
        at=at,
        request_id=request_id,
        actor=actor,
        event=event,
        detail=payload,
        previous_hash=previous_hash,
        entry_hash=_digest(sequence, at, request_id, actor, event, payload, previous_hash),
    )
    session.add(event_row)
    session.flush()
    return event_row


def chain_head(session: Session) -> str:
    head = session.exec(select(AuditEvent).order_by(col(AuditEvent.sequence).desc())).first()
    return GENESIS_HASH if head is None else head.entry_hash


def verify_chain(session: Session) -> str:
    """Recompute every link; return the head hash or raise AuditChainError."""
    previous_hash = GENESIS_HASH
    expected = 1
    for row in session.exec(select(AuditEvent).order_by(col(AuditEvent.sequence))):
        if row.sequence != expected:
            raise AuditChainError(f"audit event {expected} is missing")
        if row.previous_hash != previous_hash:
            raise AuditChainError(f"audit event {row.sequence} breaks the chain")
        digest = _digest(
            row.sequence, row.at, row.request_id, row.actor, row.event, row.detail, previous_hash
        )
        if digest != row.entry_hash:
            raise AuditChainError(f"audit event {row.sequence} was altered")
        previous_hash = row.entry_hash
        expected += 1
    return previous_hash


def events_for_request(session: Session, request_id: str) -> list[AuditEvent]:
    statement = (
        select(AuditEvent)
        .where(AuditEvent.request_id == request_id)
        .order_by(col(AuditEvent.sequence))
    )
    return list(session.exec(statement))
