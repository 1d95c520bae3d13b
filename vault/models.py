"""Tables of the vault: subjects, their wrapped keys and the destruction ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from database.types import utc_column


class Subject(SQLModel, table=True):
    """A data subject, known only by an opaque id and the blind index of their email."""

    __tablename__ = "subject"

    id: str = Field(primary_key=True, max_length=40)
    # Cleared on erasure: the blind index is itself pseudonymous personal data.
    email_index: str | None = Field(default=None, index=True, unique=True, max_length=64)
    key_id: str = Field(max_length=40)
    created_at: datetime = Field(sa_column=utc_column())
    opted_out_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    erased_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class SubjectKey(SQLModel, table=True):
    """A subject's data key, wrapped by the key-encryption key. Destroying it deletes the row."""

    __tablename__ = "subject_key"

    id: str = Field(primary_key=True, max_length=40)
    subject_id: str = Field(index=True, max_length=40)
    kek_id: str = Field(max_length=40)
    wrapped: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=utc_column())


class LedgerEntry(SQLModel, table=True):
    """One destroyed key: a hash-chained entry signed with the ledger's Ed25519 key."""

    __tablename__ = "destruction_ledger"

    sequence: int = Field(primary_key=True)
    key_id: str = Field(index=True, unique=True, max_length=40)
    subject_id: str = Field(max_length=40)
    request_id: str | None = Field(default=None, max_length=40)
    destroyed_at: datetime = Field(sa_column=utc_column())
    previous_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64)
    signature: str = Field(max_length=200)
