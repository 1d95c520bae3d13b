"""The public web form: ``GET /`` shows it, ``POST /requests`` validates and starts a request."""

from __future__ import annotations

import logging
from datetime import datetime

from babel import Locale
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.browser_zone import SCRIPT_MARKUP
from api.context import AppServices, Now, Services
from api.pages import page
from legal_clock.regimes import OPT_OUT_REGIMES, US_STATE_REGIMES, supported_countries
from localization import SUPPORTED_LOCALES, negotiate_locale
from localization.markers import N_
from request_store.intake import (
    FieldError,
    Submission,
    SubmissionForm,
    SubmissionInvalidError,
    create_request,
)
from request_store.models import DataSubjectRequest, RequestKind
from workflows.messages import RequestInput

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

FORM_FIELDS = ("kind", "email", "name", "country", "state", "language", "time_zone")
STATE_NAMES = {
    "CA": N_("California"),
    "CO": N_("Colorado"),
    "CT": N_("Connecticut"),
    "FL": N_("Florida"),
    "IA": N_("Iowa"),
    "UT": N_("Utah"),
    "VA": N_("Virginia"),
}
assert set(STATE_NAMES) == set(US_STATE_REGIMES), "every supported state needs a display name"


@router.get("/", response_class=HTMLResponse)
def show_form(request: Request, services: Services, language: str | None = None) -> HTMLResponse:
    locale = negotiate_locale(language, request.headers.get("accept-language"))
    return _form_page(services, locale, SubmissionForm(language=locale), {})


@router.post("/requests", response_class=HTMLResponse)
async def submit_request(request: Request, services: Services, now: Now) -> HTMLResponse:
    form = _submission_form(await request.form())
    locale = negotiate_locale(form.language, request.headers.get("accept-language"))

    try:
        submission = form.validate()
    except SubmissionInvalidError as error:
        logger.info("request.rejected_at_form", extra={"fields": sorted(error.errors)})
        return _form_page(services, locale, form, error.errors, status_code=422)

    row = await _store_and_start(services, submission, now)
    if row is None:
        return _form_page(services, locale, form, {}, status_code=503, service_unavailable=True)

    gpc_opt_out = False
    if _asks_for_gpc_opt_out(request, submission):
        gpc_opt_out = await _store_and_start(services, submission, now, gpc=True) is not None

    return page(
        services,
        "pages/submitted.html",
        submission.language,
        request_id=row.id,
        verification_hours=services.settings.verification_window_hours,
        gpc_opt_out=gpc_opt_out,
    )


def _submission_form(data: FormData) -> SubmissionForm:
    # The form has no file fields, so an uploaded file counts as a missing value and
    # validation reports it next to the field.
    values = {name: data.get(name) for name in FORM_FIELDS}
    return SubmissionForm(**{name: v if isinstance(v, str) else "" for name, v in values.items()})


def _asks_for_gpc_opt_out(request: Request, submission: Submission) -> bool:
    """Return whether a Global Privacy Control signal counts as an opt-out request here."""
    return (
        request.headers.get("sec-gpc", "").strip() == "1"
        and submission.jurisdiction.regime in OPT_OUT_REGIMES
        and submission.kind != RequestKind.OPT_OUT
    )


async def _store_and_start(
    services: AppServices, submission: Submission, now: datetime, *, gpc: bool = False
) -> DataSubjectRequest | None:
    """Write the request and start its workflow, committing only after the start succeeded.

    Returns None when the workflow could not be started. The transaction is then rolled back,
    so a failed submission leaves no row, subject or audit event behind.
    """
    settings = services.settings
    session = Session(services.engine, expire_on_commit=False)
    try:
        row = await run_in_threadpool(
            create_request,
            session,
            services.vault,
            submission,
            now,
            settings,
            kind=RequestKind.OPT_OUT if gpc else None,
            source="gpc" if gpc else "web_form",
            verification_required=not gpc,
        )

        # NOTE: the workflow may run its first activity before the commit below; activities
        # that read this row must retry until it is visible.
        await services.gateway.start_request(
            RequestInput(
                request_id=row.id,
                kind=row.kind,
                verification_required=not gpc,
                approval_required=settings.erasure_approval_required,
                verification_window_seconds=settings.verification_window_hours * 3600,
            )
        )
        await run_in_threadpool(session.commit)
    except Exception as error:
        await run_in_threadpool(session.rollback)
        # Only the exception's type is logged: database error texts can quote parameters.
        logger.error(
            "request.start_failed",
            extra={"source": "gpc" if gpc else "web_form", "error": type(error).__name__},
        )
        return None
    finally:
        await run_in_threadpool(session.close)

    logger.info("request.started", extra={"request_id": row.id, "kind": row.kind})
    return row


def _form_page(
    services: AppServices,
    locale: str,
    form: SubmissionForm,
    errors: dict[str, FieldError],
    *,
    status_code: int = 200,
    service_unavailable: bool = False,
) -> HTMLResponse:
    return page(
        services,
        "pages/form.html",
        locale,
        status_code,
        form=form,
        errors=errors,
        countries=_countries(locale),
        states=sorted(STATE_NAMES.items()),
        languages=SUPPORTED_LOCALES,
        service_unavailable=service_unavailable,
        zone_script=SCRIPT_MARKUP,
    )


def _countries(locale: str) -> list[tuple[str, str]]:
    """Supported countries with names in the page's language, sorted by that name."""
    territories = Locale.parse(locale).territories
    named = [(code, territories.get(code, code)) for code in supported_countries()]
    return sorted(named, key=lambda item: item[1].casefold())
