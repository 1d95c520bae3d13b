"""Portal pages for requests: the list, one request with its timeline, decisions, records."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from api.context import AppServices, DatabaseSession, Now, Services
from api.decisions import DecisionInvalidError, send_decision
from api.pages import page
from api.portal_auth import SIGNED_IN, PortalUserLogin
from audit.log import events_for_request
from request_store.models import DataSubjectRequest, RequestStatus
from runtime.gateway import DecisionRejectedError

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SIGNED_IN)


@dataclass(frozen=True)
class RequestListItem:
    id: str
    kind: str
    regime: str
    status: str
    due_date: date
    days_left: int


@router.get("", response_class=HTMLResponse)
def request_list(
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
    status: str = "",
) -> HTMLResponse:
    statement = select(DataSubjectRequest).order_by(col(DataSubjectRequest.due_date))
    # An unknown status in the query shows every request rather than an empty list.
    selected = status if status in set(RequestStatus) else ""
    if selected:
        statement = statement.where(DataSubjectRequest.status == selected)
    rows = session.exec(statement).all()

    items = [_list_item(row, now) for row in rows]
    return _portal_page(
        services,
        login,
        "portal/requests.html",
        items=items,
        statuses=[str(value) for value in RequestStatus],
        selected_status=selected,
    )


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_detail(
    request_id: str,
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
) -> HTMLResponse:
    row = _request_or_404(session, request_id)
    return _detail_page(services, session, login, row, now)


@router.post("/requests/{request_id}/decision", response_class=HTMLResponse)
async def decide(
    request_id: str,
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    row = _request_or_404(session, request_id)
    try:
        await send_decision(services.gateway, row, decision, reason, login.user.username)
    except (DecisionInvalidError, DecisionRejectedError) as error:
        return _detail_page(services, session, login, row, now, error=str(error), status_code=409)
    except Exception as error:
        logger.error(
            "erasure.decision_failed",
            extra={"request_id": row.id, "error": type(error).__name__},
        )
        message = "The workflow service could not be reached. Nothing was decided; try again."
        return _detail_page(services, session, login, row, now, error=message, status_code=503)

    return RedirectResponse(f"/portal/requests/{row.id}?decided={decision}", status_code=303)


@router.get("/requests/{request_id}/record", response_model=None)
def completion_record(request_id: str, session: DatabaseSession) -> FileResponse:
    row = _request_or_404(session, request_id)
    if row.record_path is None or not Path(row.record_path).is_file():
        raise HTTPException(404, f"request {request_id} has no completion record yet")
    return FileResponse(
        row.record_path,
        media_type="application/pdf",
        filename=f"completion-record-{row.id}.pdf",
        headers={"Cache-Control": "no-store"},
    )


def _request_or_404(session: Session, request_id: str) -> DataSubjectRequest:
    row = session.get(DataSubjectRequest, request_id)
    if row is None:
        raise HTTPException(404, f"request {request_id} not found")
    return row


def _list_item(row: DataSubjectRequest, now: datetime) -> RequestListItem:
    return RequestListItem(
        id=row.id,
        kind=row.kind,
        regime=row.regime,
        status=row.status,
        due_date=row.due_date,
        days_left=days_left(row.due_date, now),
    )


def days_left(due: date, now: datetime) -> int:
    """Whole days from today (UTC) to the due date; negative once the request is overdue."""
    # NOTE: counts from the UTC date, which can differ by one day from the regime's legal zone.
    return (due - now.date()).days


def _detail_page(
    services: AppServices,
    session: Session,
    login: PortalUserLogin,
    row: DataSubjectRequest,
    now: datetime,
    *,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return _portal_page(
        services,
        login,
        "portal/request.html",
        status_code,
        item=_list_item(row, now),
        row=row,
        events=events_for_request(session, row.id),
        awaiting_approval=row.status == RequestStatus.AWAITING_APPROVAL,
        error=error,
    )


def _portal_page(
    services: AppServices,
    login: PortalUserLogin,
    name: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    # The portal is English only; the CSRF token goes into every form on the page.
    return page(
        services,
        name,
        "en",
        status_code,
        username=login.user.username,
        csrf_token=login.session.csrf_token,
        show_outbox=services.outbox_reader is not None
        and services.settings.environment != "production",
        **context,
    )
