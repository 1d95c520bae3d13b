"""Portal login sessions and JSON API bearer tokens: create, resolve and revoke.

The client receives 256 random bits; only their SHA-256 is stored. Resolving hashes the
presented value and looks the hash up, so no comparison runs over secret bytes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from accounts.models import ApiToken, PortalSession, PortalUser


@dataclass(frozen=True)
class IssuedSession:
    """A new portal session: ``token`` goes into the cookie and is not stored anywhere."""

    token: str
    row: PortalSession


@dataclass(frozen=True)
class IssuedApiToken:
    """A new bearer token: ``token`` is shown once to the client and is not stored."""

    token: str
    row: ApiToken


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def create_portal_session(
    session: Session, user: PortalUser, now: datetime, lifetime: timedelta
) -> IssuedSession:
    token = secrets.token_urlsafe(32)
    row = PortalSession(
        token_hash=hash_secret(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    return IssuedSession(token=token, row=row)


def resolve_portal_session(
    session: Session, token: str, now: datetime
) -> tuple[PortalUser, PortalSession] | None:
    """Return the user and session for a cookie value, or None when unknown, expired or disabled."""
    row = session.get(PortalSession, hash_secret(token))
    if row is None or row.expires_at <= now:
        return None
    user = _enabled_user(session, row.user_id)
    return None if user is None else (user, row)


def revoke_portal_session(session: Session, token: str) -> None:
    row = session.get(PortalSession, hash_secret(token))
    if row is not None:
        session.delete(row)
        session.flush()


def create_api_token(
    session: Session, user: PortalUser, now: datetime, lifetime: timedelta
) -> IssuedApiToken:
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=hash_secret(token),
        user_id=user.id,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    return IssuedApiToken(token=token, row=row)


def resolve_api_token(session: Session, token: str, now: datetime) -> PortalUser | None:
    """Return the user a bearer token belongs to, or None when unknown, expired or disabled."""
    row = session.get(ApiToken, hash_secret(token))
    if row is None or row.expires_at <= now:
        return None
    return _enabled_user(session, row.user_id)


def revoke_api_token(session: Session, token: str) -> None:
    row = session.get(ApiToken, hash_secret(token))
    if row is not None:
        session.delete(row)
        session.flush()


def _enabled_user(session: Session, user_id: str) -> PortalUser | None:
    user = session.get(PortalUser, user_id)
    if user is None or user.disabled:
        return None
    return user
