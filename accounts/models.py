"""Tables for portal users, their login sessions and their API tokens.

Sessions and tokens are stored as the SHA-256 of the random value handed to the client, so a
copy of the database cannot be replayed as a login.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from database.types import utc_column


class PortalUser(SQLModel, table=True):
    """A privacy-team member who may use the portal and the JSON API."""

    __tablename__ = "portal_user"

    id: str = Field(primary_key=True, max_length=40)
    username: str = Field(unique=True, index=True, max_length=80)
    password_hash: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=utc_column())
    disabled: bool = Field(default=False)


class PortalSession(SQLModel, table=True):
    """A portal login, identified by the SHA-256 of the session cookie's value."""

    __tablename__ = "portal_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(index=True, max_length=40)
    # Stored in clear: it is compared against the value echoed in forms, never used to log in.
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column(index=True))


class ApiToken(SQLModel, table=True):
    """A JSON API bearer token, identified by its SHA-256."""

    __tablename__ = "api_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(index=True, max_length=40)
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column(index=True))
