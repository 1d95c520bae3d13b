"""Response and request bodies of the JSON API.

Responses carry ids, statuses and dates, never personal data. The one request field that may
contain personal data, a denial's ``note``, is stored encrypted under the subject key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.decisions import MAX_NOTE_LENGTH
from audit.log import AuditEvent
from request_store.models import DataSubjectRequest
from workflows.messages import DENIAL_BASES, EXTENSION_BASES


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
    due_date: date = Field(
        description="Internal due date: the earliest plausible reading of the deadline, "
        "never moved past weekends or holidays"
    )
    legal_limit: date | None = Field(
        description="Legal limit as the regime's rule reads it; null on requests stored "
        "before the legal clock"
    )
    extension_notice_by: date | None = Field(
        description="Last day to extend the deadline and tell the subject; null where the "
        "rule allows no extension"
    )
    extended: bool
    extension_basis: str | None = Field(
        description="Code of the extension's basis: "
        + "; ".join(f"`{code}`: {label}" for code, label in EXTENSION_BASES.items())
    )
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
            legal_limit=row.legal_limit,
            extension_notice_by=row.extension_notice_by,
            extended=row.extended_at is not None,
            extension_basis=row.extension_basis,
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
    can_extend: bool = Field(
        description="Whether an extension can be sent now: the rule allows one, the request is "
        "open, not extended and not paused, and the first period has not ended. The workflow's "
        "validator still checks the extension when it is sent."
    )
    can_pause: bool = Field(
        description="Whether the clock can be paused now for a scope clarification: a UK GDPR "
        "access request that is open, was never paused, and whose legal limit has not passed"
    )
    can_resume: bool = Field(
        description="Whether the clock is paused for a clarification and can be resumed now"
    )


class DecisionBody(BaseModel):
    decision: Literal["approve", "deny"]
    basis: str = Field(
        "",
        description="Legal basis of a denial, required when denying and empty when approving: "
        + "; ".join(f"`{code}`: {label}" for code, label in DENIAL_BASES.items()),
        examples=sorted(DENIAL_BASES),
    )
    note: str = Field(
        "",
        max_length=MAX_NOTE_LENGTH,
        description="Optional note on a denial, included in the email to the data subject. "
        "It is stored encrypted under the subject's key and never sent to the workflow.",
    )


class DecisionResponse(BaseModel):
    request_id: str
    decision: str
    accepted: bool


class ExtensionBody(BaseModel):
    basis: str = Field(
        description="Basis of the extension, sent to the data subject: "
        + "; ".join(f"`{code}`: {label}" for code, label in EXTENSION_BASES.items()),
        examples=sorted(EXTENSION_BASES),
    )


class ExtensionResponse(BaseModel):
    request_id: str
    internal_due: date = Field(description="The new internal due date")
    legal_limit: date = Field(description="The new legal limit")


class ClockChangeBody(BaseModel):
    action: Literal["pause", "resume"] = Field(
        description="`pause` when a scope clarification is requested from the subject, "
        "`resume` when it arrives (UK GDPR only)"
    )


class ClockChangeResponse(BaseModel):
    request_id: str
    paused: bool
    internal_due: date = Field(description="The internal due date in force after the change")
    legal_limit: date = Field(description="The legal limit in force after the change")
