"""Portal users, sessions and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from accounts.models import PortalUser
from accounts.tokens import (
    create_api_token,
    create_portal_session,
    resolve_api_token,
    resolve_portal_session,
    revoke_api_token,
    revoke_portal_session,
)
from accounts.users import (
    AuthenticationError,
    UsernameTakenError,
    WeakPasswordError,
    authenticate,
    create_user,
)
from database.engine import session_scope
from tests.api.conftest import NOW, PORTAL_PASSWORD


def test_short_password_rejected(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(WeakPasswordError, match="at least 12"):
        create_user(session, "bob", "short pass1", NOW)


def test_duplicate_username_rejected(engine: Engine, portal_user: str) -> None:
    with session_scope(engine) as session, pytest.raises(UsernameTakenError):
        create_user(session, portal_user, PORTAL_PASSWORD, NOW)


def test_password_stored_as_argon2id(engine: Engine, portal_user: str) -> None:
    with Session(engine) as session:
        user = authenticate(session, portal_user, PORTAL_PASSWORD)
    assert user.password_hash.startswith("$argon2id$")
    assert PORTAL_PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password!"), ("nobody", PORTAL_PASSWORD)]
)
def test_authentication_error_is_opaque(
    engine: Engine, portal_user: str, username: str, password: str
) -> None:
    with Session(engine) as session, pytest.raises(AuthenticationError) as caught:
        authenticate(session, username, password)
    assert str(caught.value) == "unknown username or wrong password"


def test_disabled_user_cannot_log_in(engine: Engine, portal_user: str) -> None:
    with session_scope(engine) as session:
        user = authenticate(session, portal_user, PORTAL_PASSWORD)
        user.disabled = True
        session.add(user)

    with Session(engine) as session, pytest.raises(AuthenticationError):
        authenticate(session, portal_user, PORTAL_PASSWORD)


def test_session_lifecycle(engine: Engine, portal_user: str) -> None:
    with session_scope(engine) as session:
        user = authenticate(session, portal_user, PORTAL_PASSWORD)
        issued = create_portal_session(session, user, NOW, timedelta(hours=8))

    assert issued.token not in issued.row.token_hash
    with Session(engine) as session:
        resolved = resolve_portal_session(session, issued.token, NOW + timedelta(hours=7))
        expired = resolve_portal_session(session, issued.token, NOW + timedelta(hours=8))
    assert resolved is not None and resolved[0].username == portal_user
    assert expired is None

    with session_scope(engine) as session:
        revoke_portal_session(session, issued.token)
    with Session(engine) as session:
        assert resolve_portal_session(session, issued.token, NOW) is None


def test_api_token_lifecycle(engine: Engine, portal_user: str) -> None:
    with session_scope(engine) as session:
        user = authenticate(session, portal_user, PORTAL_PASSWORD)
        issued = create_api_token(session, user, NOW, timedelta(hours=24))

    with Session(engine) as session:
        found = resolve_api_token(session, issued.token, NOW)
        assert isinstance(found, PortalUser)
        assert resolve_api_token(session, issued.token, NOW + timedelta(hours=24)) is None
        assert resolve_api_token(session, "guess", NOW) is None

    with session_scope(engine) as session:
        revoke_api_token(session, issued.token)
    with Session(engine) as session:
        assert resolve_api_token(session, issued.token, NOW) is None
