"""JSON API authentication: ``POST /api/v1/token`` and the bearer-token dependency."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm

from accounts.models import PortalUser
from accounts.tokens import create_api_token, resolve_api_token
from accounts.users import AuthenticationError, authenticate
from api.context import DatabaseSession, Now, Services
from api.schemas import TokenResponse

logger = logging.getLogger(__name__)

TOKEN_PATH = "/api/v1/token"  # noqa: S105 - a URL path, not a secret
# auto_error=False: the dependency below sends the 401 with its own message.
bearer_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_PATH, auto_error=False)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def require_api_user(
    token: Annotated[str | None, Depends(bearer_scheme)], session: DatabaseSession, now: Now
) -> PortalUser:
    if not token:
        raise _unauthorized(f"missing bearer token; get one from POST {TOKEN_PATH}")
    user = resolve_api_token(session, token, now)
    if user is None:
        raise _unauthorized(
            f"invalid or expired bearer token; get a new one from POST {TOKEN_PATH}"
        )
    return user


ApiUser = Annotated[PortalUser, Depends(require_api_user)]

router = APIRouter(prefix="/api/v1", tags=["authentication"])


@router.post("/token")
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    services: Services,
    session: DatabaseSession,
    now: Now,
) -> TokenResponse:
    """Exchange a portal username and password for a bearer token."""
    try:
        user = authenticate(session, form.username, form.password)
    except AuthenticationError:
        logger.info("api.login_failed")
        raise _unauthorized("unknown username or wrong password") from None

    issued = create_api_token(
        session, user, now, timedelta(hours=services.settings.api_token_hours)
    )
    session.commit()
    logger.info("api.token_issued", extra={"user_id": user.id})
    return TokenResponse(access_token=issued.token, expires_at=issued.row.expires_at)
