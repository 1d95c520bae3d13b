"""Response and request bodies of the JSON API: ids, statuses and dates, never personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from audit.log import AuditEvent
from request_store.models import DataSubjectRequest


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_at: datetime


class RequestSummary(BaseModel):
    id: str
    kind: str
    regime: str
    rule: str
    status: str
    source: str
    received_at: datetime
    due_date: date
    verified_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: DataSubjectRequest) -> RequestSummary:
        return cls(
            id=row.id,
            kind=row.kind,
            regime=row.regime,
            rule=row.rule,
            status=row.status,
            source=row.source,
            received_at=row.received_at,
            due_date=row.due_date,
            verified_at=row.verified_at,
            completed_at=row.completed_at,
        )


class TimelineEvent(BaseModel):
    """One audit event of a request. Its ``detail`` contains ids and statuses only."""

    sequence: int
    at: datetime
    actor: str
    event: str
    detail: dict[str, Any]

    @classmethod
    def from_row(cls, row: AuditEvent) -> TimelineEvent:
        return cls(
            sequence=row.sequence, at=row.at, actor=row.actor, event=row.event, detail=row.detail
        )


class RequestDetail(RequestSummary):
    timeline: list[TimelineEvent]
    has_completion_record: bool


class DecisionBody(BaseModel):
    decision: Literal["approve", "deny"]
    reason: str = Field("", max_length=1000, description="Required when denying.")


class DecisionResponse(BaseModel):
    request_id: str
    decision: str
    accepted: bool
