"""Verification links: ``GET /verify/{token}`` shows a confirm button, ``POST`` consumes the token.

The GET only shows a button, because mail scanners and link previews open links on their own
and must not use up a single-use token.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from enum import Enum

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import update
from sqlmodel import Session, col
from starlette.concurrency import run_in_threadpool

from api.context import AppServices, DatabaseSession, Now, Services
from api.pages import message_page, page
from audit.log import record_event
from localization import negotiate_locale
from localization.markers import N_
from request_store.models import DataSubjectRequest, VerificationToken
from workflows.messages import VerifiedSignal

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


class TokenState(Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    USABLE = "usable"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@router.get("/verify/{token}", response_class=HTMLResponse)
def confirm_page(
    token: str, request: Request, services: Services, session: DatabaseSession, now: Now
) -> HTMLResponse:
    row = session.get(VerificationToken, hash_token(token))
    locale = _locale_for(session, row, request)
    state = _state_of(row, now)
    if state is not TokenState.USABLE:
        return _unusable_page(services, locale, state)
    return page(services, "pages/verify_confirm.html", locale, token=token)


@router.post("/verify/{token}", response_class=HTMLResponse)
async def verify(token: str, request: Request, services: Services, now: Now) -> HTMLResponse:
    token_hash = hash_token(token)
    session = Session(services.engine, expire_on_commit=False)
    try:
        return await _consume(services, session, token_hash, request, now)
    finally:
        await run_in_threadpool(session.close)


async def _consume(
    services: AppServices, session: Session, token_hash: str, request: Request, now: datetime
) -> HTMLResponse:
    row = await run_in_threadpool(session.get, VerificationToken, token_hash)
    locale = await run_in_threadpool(_locale_for, session, row, request)
    state = _state_of(row, now)
    if row is None or state is not TokenState.USABLE:
        return _unusable_page(services, locale, state)

    claimed = await run_in_threadpool(_claim, session, row, now)
    if not claimed:
        # A concurrent request used the token between the read above and this update.
        await run_in_threadpool(session.rollback)
        return _unusable_page(services, locale, TokenState.USED)

    # The token stays unused unless the workflow received the signal, so the subject can retry.
    try:
        await services.gateway.report_verified(
            row.request_id, VerifiedSignal(token_hash_prefix=token_hash[:8])
        )
        await run_in_threadpool(session.commit)
    except Exception as error:
        await run_in_threadpool(session.rollback)
        logger.error(
            "request.verification_signal_failed",
            extra={"request_id": row.request_id, "error": type(error).__name__},
        )
        return message_page(
            services,
            locale,
            503,
            title=N_("We could not confirm your request right now"),
            message=N_("Our request system is temporarily unavailable."),
            advice=N_(
                "Please open the link from the email again in a few minutes. It is still valid."
            ),
        )

    logger.info("request.verified", extra={"request_id": row.request_id})
    return page(services, "pages/verify_done.html", locale)


def _claim(session: Session, row: VerificationToken, now: datetime) -> bool:
    """Mark the token used, stamp the request verified and audit it, in the open transaction.

    The conditional UPDATE makes two simultaneous submissions race safely: only one of them
    changes a row.
    """
    result = session.execute(
        update(VerificationToken)
        .where(col(VerificationToken.token_hash) == row.token_hash)
        .where(col(VerificationToken.used_at).is_(None))
        .values(used_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False

    request_row = session.get(DataSubjectRequest, row.request_id)
    if request_row is not None:
        request_row.verified_at = now
        session.add(request_row)
    record_event(
        session, at=now, request_id=row.request_id, actor="data_subject", event="request.verified"
    )
    return True


def _state_of(row: VerificationToken | None, now: datetime) -> TokenState:
    if row is None:
        return TokenState.UNKNOWN
    if row.used_at is not None:
        return TokenState.USED
    if row.expires_at <= now:
        return TokenState.EXPIRED
    return TokenState.USABLE


def _locale_for(session: Session, row: VerificationToken | None, request: Request) -> str:
    """Return the language chosen on the form, or else the best match for the browser."""
    request_row = None if row is None else session.get(DataSubjectRequest, row.request_id)
    chosen = None if request_row is None else request_row.locale
    return negotiate_locale(chosen, request.headers.get("accept-language"))


def _unusable_page(services: AppServices, locale: str, state: TokenState) -> HTMLResponse:
    if state is TokenState.EXPIRED:
        return message_page(
            services,
            locale,
            410,
            title=N_("This link has expired"),
            message=N_(
                "The confirmation link is no longer valid, so your request was not confirmed."
            ),
            advice=N_("Please submit your request again. We will send you a new link."),
        )
    if state is TokenState.USED:
        return message_page(
            services,
            locale,
            410,
            title=N_("This link was already used"),
            message=N_(
                "The confirmation link has already been used, so your request is confirmed."
            ),
            advice=N_(
                "You do not need to do anything else. "
                "We will write to you when your request is done."
            ),
        )
    # Unknown tokens get a page that does not say whether such a token ever existed.
    return message_page(
        services,
        locale,
        404,
        title=N_("Link not found"),
        message=N_("This link is not valid."),
        advice=N_("Check that you copied the whole link from the email."),
    )
