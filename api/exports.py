"""Access export downloads, authorised by the verification token of the same request.

``GET /requests/{id}/export?token=...`` lists the files; ``.../export/json`` and ``.../pdf``
decrypt one and send it as an attachment. An unknown request, a wrong token or an unknown
format gets 404. An expired export, or one whose subject was erased, gets 410 with a page
saying which of the two happened.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime
from enum import Enum, StrEnum
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from api.context import AppServices, DatabaseSession, Now, Services
from api.pages import PAGE_HEADERS, message_page, page
from localization import negotiate_locale
from localization.markers import N_
from request_store.models import AccessExport, DataSubjectRequest, VerificationToken
from vault.errors import DecryptionError
from vault.fields import FieldPlace
from vault.models import Subject

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


class ExportFormat(StrEnum):
    JSON = "json"
    PDF = "pdf"


MEDIA_TYPES = {ExportFormat.JSON: "application/json", ExportFormat.PDF: "application/pdf"}


class Unavailability(Enum):
    """Reason an export cannot be served."""

    NOT_FOUND = "not_found"
    EXPIRED = "expired"
    ERASED = "erased"

    @property
    def status_code(self) -> int:
        return 404 if self is Unavailability.NOT_FOUND else 410


class ExportUnavailableError(Exception):
    def __init__(self, reason: Unavailability) -> None:
        super().__init__(f"export unavailable ({reason.value})")
        self.reason = reason


@router.get("/requests/{request_id}/export", response_class=HTMLResponse)
def export_page(
    request_id: str,
    request: Request,
    services: Services,
    session: DatabaseSession,
    now: Now,
    token: str = "",
) -> HTMLResponse:
    try:
        export = _authorised_export(services, session, request_id, token, now)
    except ExportUnavailableError as error:
        return _unavailable_page(services, session, request_id, request, error.reason)

    locale = _locale_for(session, request_id, request)
    return page(
        services,
        "pages/export.html",
        locale,
        request_id=request_id,
        token=token,
        expires_at=export.expires_at,
    )


@router.get("/requests/{request_id}/export/{export_format}", response_model=None)
def download_export(
    request_id: str,
    export_format: str,
    request: Request,
    services: Services,
    session: DatabaseSession,
    now: Now,
    token: str = "",
) -> Response:
    # The format is checked here rather than by FastAPI, whose 422 would be raw JSON.
    if export_format not in set(ExportFormat):
        return _unavailable_page(services, session, request_id, request, Unavailability.NOT_FOUND)
    chosen = ExportFormat(export_format)

    try:
        export = _authorised_export(services, session, request_id, token, now)
        content = _decrypt_export_file(services, session, export, chosen)
    except ExportUnavailableError as error:
        return _unavailable_page(services, session, request_id, request, error.reason)

    logger.info("export.downloaded", extra={"request_id": request_id, "format": str(chosen)})
    filename = f"{request_id}.{chosen}"
    return Response(
        content,
        media_type=MEDIA_TYPES[chosen],
        headers={
            **PAGE_HEADERS,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _authorised_export(
    services: AppServices, session: Session, request_id: str, token: str, now: datetime
) -> AccessExport:
    """Return the request's newest export when ``token`` is one of its verification tokens."""
    presented = hashlib.sha256(token.encode()).hexdigest()
    stored = session.exec(
        select(VerificationToken.token_hash).where(VerificationToken.request_id == request_id)
    ).all()
    # Every stored hash is compared in constant time, so the response time does not depend
    # on how much of a guessed token was right.
    matches = [hmac.compare_digest(presented, candidate) for candidate in stored]
    if not token or not any(matches):
        raise ExportUnavailableError(Unavailability.NOT_FOUND)

    # Checked before the export's expiry: after an erasure, "expired" would suggest that a
    # new request could still produce a copy of the data.
    if _subject_erased(services, session, request_id):
        raise ExportUnavailableError(Unavailability.ERASED)

    export = session.exec(
        select(AccessExport)
        .where(AccessExport.request_id == request_id)
        .order_by(col(AccessExport.created_at).desc())
    ).first()
    if export is None:
        raise ExportUnavailableError(Unavailability.NOT_FOUND)
    if export.expires_at <= now:
        raise ExportUnavailableError(Unavailability.EXPIRED)
    return export


def _subject_erased(services: AppServices, session: Session, request_id: str) -> bool:
    """Return whether the request's subject was erased or their key can no longer be unwrapped."""
    row = session.get(DataSubjectRequest, request_id)
    if row is None:
        return False
    subject = session.get(Subject, row.subject_id)
    if subject is not None and subject.erased_at is not None:
        return True
    try:
        services.vault.data_key(session, row.key_id)
    except DecryptionError:
        return True
    return False


def _decrypt_export_file(
    services: AppServices, session: Session, export: AccessExport, export_format: ExportFormat
) -> bytes:
    path = Path(export.json_path if export_format is ExportFormat.JSON else export.pdf_path)
    place = FieldPlace("access_export", str(export_format), export.id)
    try:
        ciphertext = path.read_bytes()
        return services.vault.decrypt_bytes(session, export.key_id, place, ciphertext)
    except (OSError, DecryptionError) as error:
        # A deleted file or a destroyed subject key both mean the export is gone for good.
        logger.warning(
            "export.unreadable",
            extra={"request_id": export.request_id, "error": type(error).__name__},
        )
        raise ExportUnavailableError(Unavailability.EXPIRED) from error


def _locale_for(session: Session, request_id: str, request: Request) -> str:
    row = session.get(DataSubjectRequest, request_id)
    chosen = None if row is None else row.locale
    return negotiate_locale(chosen, request.headers.get("accept-language"))


def _unavailable_page(
    services: AppServices,
    session: Session,
    request_id: str,
    request: Request,
    reason: Unavailability,
) -> HTMLResponse:
    if reason is Unavailability.NOT_FOUND:
        # A 404 must not hint whether the request exists, so it ignores the request's language.
        locale = negotiate_locale(None, request.headers.get("accept-language"))
        return message_page(
            services,
            locale,
            reason.status_code,
            title=N_("Link not found"),
            message=N_("This link is not valid."),
            advice=N_("Check that you copied the whole link from the email."),
        )

    # The token matched, so using the request's language reveals nothing new.
    locale = _locale_for(session, request_id, request)
    if reason is Unavailability.ERASED:
        return message_page(
            services,
            locale,
            reason.status_code,
            title=N_("Your data has been erased"),
            message=N_("Your personal data has been erased, so there is nothing to download."),
            advice=N_("Erased data cannot be recovered, by you or by us."),
        )
    return message_page(
        services,
        locale,
        reason.status_code,
        title=N_("This download has expired"),
        message=N_("Your data export is no longer available."),
        advice=N_("If you still need a copy of your personal data, please submit a new request."),
    )
