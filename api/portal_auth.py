"""Portal login and logout, and the two dependencies that guard the portal.

``require_portal_user`` is the permission check: every portal page except the login form
depends on it. ``require_csrf`` runs for every portal route and checks the ``csrf_token``
field of unsafe requests against the login session, or before login against a cookie set
with the login form.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from accounts.models import PortalSession, PortalUser
from accounts.tokens import create_portal_session, resolve_portal_session, revoke_portal_session
from accounts.users import AuthenticationError, authenticate
from api.context import AppServices, DatabaseSession, Now, Services
from api.pages import page

logger = logging.getLogger(__name__)

SESSION_COOKIE = "dsrflow_session"
LOGIN_CSRF_COOKIE = "dsrflow_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class PortalLogin:
    """The signed-in portal user and their session row."""

    user: PortalUser
    session: PortalSession


class LoginRequiredError(Exception):
    """No valid portal session; the handler in ``api.main`` redirects to the login form."""


class CsrfRejectedError(Exception):
    """An unsafe portal request without the right CSRF token."""


def optional_login(request: Request, session: DatabaseSession, now: Now) -> PortalLogin | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    resolved = resolve_portal_session(session, token, now)
    return None if resolved is None else PortalLogin(*resolved)


OptionalLogin = Annotated[PortalLogin | None, Depends(optional_login)]


def require_portal_user(login: OptionalLogin) -> PortalLogin:
    if login is None:
        raise LoginRequiredError()
    return login


async def require_csrf(request: Request, login: OptionalLogin) -> None:
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    presented = form.get("csrf_token")
    expected = login.session.csrf_token if login else request.cookies.get(LOGIN_CSRF_COOKIE)
    if not isinstance(presented, str) or not expected:
        raise CsrfRejectedError()
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise CsrfRejectedError()


PortalUserLogin = Annotated[PortalLogin, Depends(require_portal_user)]
# Router-level dependencies of every portal page behind the login.
SIGNED_IN = [Depends(require_portal_user), Depends(require_csrf)]

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=[Depends(require_csrf)])


@router.get("/login", response_class=HTMLResponse)
def login_form(services: Services, login: OptionalLogin) -> Response:
    if login is not None:
        return RedirectResponse("/portal", status_code=303)
    return _login_page(services, error="")


@router.post("/login", response_class=HTMLResponse)
def log_in(
    services: Services,
    session: DatabaseSession,
    now: Now,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    if not username or not password:
        return _login_page(services, error="Enter your username and password.", status_code=400)

    try:
        user = authenticate(session, username, password)
    except AuthenticationError:
        logger.info("portal.login_failed")
        return _login_page(services, error="Unknown username or wrong password.", status_code=401)

    lifetime = timedelta(hours=services.settings.session_hours)
    issued = create_portal_session(session, user, now, lifetime)
    session.commit()
    logger.info("portal.login", extra={"user_id": user.id})

    response = RedirectResponse("/portal", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=int(lifetime.total_seconds()),
        path="/portal",
        httponly=True,
        samesite="strict",
        secure=_secure_cookies(services),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/portal/login")
    return response


@router.post("/logout")
def log_out(request: Request, session: DatabaseSession, login: PortalUserLogin) -> Response:
    revoke_portal_session(session, request.cookies.get(SESSION_COOKIE, ""))
    session.commit()
    logger.info("portal.logout", extra={"user_id": login.user.id})
    response = RedirectResponse("/portal/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/portal")
    return response


def _login_page(services: AppServices, *, error: str, status_code: int = 200) -> Response:
    # The form posts before any session exists, so its CSRF token is paired with a cookie.
    csrf_token = secrets.token_urlsafe(32)
    response = page(
        services, "portal/login.html", "en", status_code, error=error, csrf_token=csrf_token
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        csrf_token,
        path="/portal/login",
        httponly=True,
        samesite="strict",
        secure=_secure_cookies(services),
    )
    return response


def _secure_cookies(services: AppServices) -> bool:
    return services.settings.public_base_url.startswith("https://")
