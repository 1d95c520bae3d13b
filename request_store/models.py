"""Tables for requests. Personal fields are ciphertext under the subject's key."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from database.types import utc_column


class RequestKind(StrEnum):
    ACCESS = "access"
    ERASURE = "erasure"
    OPT_OUT = "opt_out"


class RequestStatus(StrEnum):
    """Lifecycle of a request; the grouped sets below drive portal filters."""

    AWAITING_VERIFICATION = "awaiting_verification"
    IN_PROGRESS = "in_progress"
    AWAITING_APPROVAL = "awaiting_approval"
    COMPLETED = "completed"
    DENIED = "denied"
    CLOSED_UNVERIFIED = "closed_unverified"


OPEN_STATUSES = frozenset(
    {
        RequestStatus.AWAITING_VERIFICATION,
        RequestStatus.IN_PROGRESS,
        RequestStatus.AWAITING_APPROVAL,
    }
)
CLOSED_STATUSES = frozenset(set(RequestStatus) - OPEN_STATUSES)


class DataSubjectRequest(SQLModel, table=True):
    __tablename__ = "data_subject_request"

    id: str = Field(primary_key=True, max_length=40)
    kind: str = Field(max_length=20)
    regime: str = Field(max_length=20)
    rule: str = Field(max_length=40)
    status: str = Field(default=RequestStatus.AWAITING_VERIFICATION, index=True, max_length=30)
    status_reason: str = Field(default="", max_length=200)
    subject_id: str = Field(index=True, max_length=40)
    key_id: str = Field(max_length=40)
    country: str = Field(max_length=2)
    subdivision: str | None = Field(default=None, max_length=10)
    locale: str = Field(max_length=5)
    source: str = Field(default="web_form", max_length=20)
    received_at: datetime = Field(sa_column=utc_column(index=True))
    # The internal due date: the earliest plausible reading, never rolled forward.
    due_date: date
    # The legal limit and the intermediate clocks, from the regime's rule record. Null on
    # requests stored before the legal clock, and where a regime has no such clock.
    legal_limit: date | None = Field(default=None)
    acknowledge_by: date | None = Field(default=None)
    extension_notice_by: date | None = Field(default=None)
    legal_zone: str | None = Field(default=None, max_length=40)
    extended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # A scope clarification that stops the clock (UK GDPR Art. 12A), as local dates.
    clarification_requested: date | None = Field(default=None)
    clarification_received: date | None = Field(default=None)
    extension_basis: str | None = Field(default=None, max_length=40)
    # Both dates as they stood before the extension moved them; null until one is made.
    original_due_date: date | None = Field(default=None)
    original_legal_limit: date | None = Field(default=None)
    # The local date (legal zone) the subject confirmed identity, where the regime starts its
    # clock then (UK GDPR Art. 12A, or GDPR when the identity setting is on).
    identity_received: date | None = Field(default=None)
    # The IANA zone the subject's browser reported, if any. It can only make the internal due
    # date earlier; it is coarser than the jurisdiction already stored beside it.
    subject_time_zone: str | None = Field(default=None, max_length=64)
    verified_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    completed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The requester's email and name, encrypted under the subject key: unreadable after erasure.
    email_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    name_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # The privacy team's free-text note on an erasure decision, under the subject key. It is
    # kept out of Temporal because it may name people.
    decision_note_ciphertext: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    record_path: str | None = Field(default=None, max_length=500)
    record_sha256: str | None = Field(default=None, max_length=64)


class VerificationToken(SQLModel, table=True):
    """A single-use verification link; only the SHA-256 of the token is stored."""

    __tablename__ = "verification_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    request_id: str = Field(index=True, max_length=40)
    # The token itself, under the subject key, so later emails can repeat the download link.
    token_ciphertext: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class AccessExport(SQLModel, table=True):
    """An access export: JSON and PDF files encrypted under the subject key."""

    __tablename__ = "access_export"

    id: str = Field(primary_key=True, max_length=40)
    request_id: str = Field(index=True, max_length=40)
    key_id: str = Field(max_length=40)
    json_path: str = Field(max_length=500)
    pdf_path: str = Field(max_length=500)
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
