"""Creating portal users and checking their passwords with Argon2id."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from accounts.models import PortalUser
from database.identifiers import new_id

MIN_PASSWORD_LENGTH = 12
MAX_USERNAME_LENGTH = 80

# argon2-cffi's PasswordHasher defaults to Argon2id with the RFC 9106 low-memory parameters.
_hasher = PasswordHasher()


class AuthenticationError(Exception):
    """Login failed. The message is the same for an unknown user, a wrong password and a
    disabled account, so a caller cannot tell which usernames exist."""

    def __init__(self) -> None:
        super().__init__("unknown username or wrong password")


class WeakPasswordError(ValueError):
    """The password is too short to be accepted."""


class UsernameTakenError(ValueError):
    """Another portal user already has this username."""


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verifying against this hash for unknown usernames makes their login take as long as a
    # wrong password for a real user, so timing does not reveal which usernames exist.
    return _hasher.hash("dsrflow dummy password for unknown users")


def create_user(session: Session, username: str, password: str, now: datetime) -> PortalUser:
    """Insert a portal user with an Argon2id hash of ``password``."""
    username = username.strip()
    if not username or len(username) > MAX_USERNAME_LENGTH:
        raise ValueError(f"username must be 1 to {MAX_USERNAME_LENGTH} characters long")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"password is too short: use at least {MIN_PASSWORD_LENGTH} characters"
        )
    if _find_user(session, username) is not None:
        raise UsernameTakenError(f"username {username!r} is already taken")

    user = PortalUser(
        id=new_id("usr"),
        username=username,
        password_hash=_hasher.hash(password),
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> PortalUser:
    """Return the enabled user whose password matches, or raise AuthenticationError."""
    user = _find_user(session, username.strip())
    if user is None:
        _verify_quietly(_dummy_hash(), password)
        raise AuthenticationError()

    if not _verify_quietly(user.password_hash, password) or user.disabled:
        raise AuthenticationError()

    # Hashes made with older parameters are upgraded while the plaintext is at hand.
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    return user


def _find_user(session: Session, username: str) -> PortalUser | None:
    return session.exec(select(PortalUser).where(PortalUser.username == username)).first()


def _verify_quietly(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
