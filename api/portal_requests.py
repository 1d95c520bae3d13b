"""Portal pages for requests: the list, one request with its timeline, decisions, records."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from api.context import AppServices, DatabaseSession, Now, Services
from api.decisions import (
    DecisionChoice,
    DecisionInvalidError,
    NotAwaitingApprovalError,
    NoteNotSavedError,
    send_decision,
)
from api.pages import page
from api.portal_auth import SIGNED_IN, PortalUserLogin
from audit.log import AuditEvent, events_for_request
from request_store.models import CLOSED_STATUSES, DataSubjectRequest, RequestStatus
from runtime.gateway import DecisionRejectedError
from workflows.messages import DENIAL_BASES

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SIGNED_IN)

# Confirmations shown after the redirect that follows a decision, by ``?decided=`` value.
DECISION_BANNERS = {
    "approve": "Erasure approved: the workflow continues.",
    "deny": "Erasure denied.",
}


class PortalNotFoundError(Exception):
    """A portal page for something that does not exist; ``api.errors`` renders a 404 page."""


@dataclass(frozen=True)
class RequestListItem:
    id: str
    kind: str
    regime: str
    status: str
    due_date: date
    days_left: int | None  # None once the request is closed: no deadline runs any more
    completed_on: date | None


@dataclass(frozen=True)
class TimelineRow:
    """An audit event with its detail as (key, text) pairs, readable in any script."""

    sequence: int
    at: datetime
    actor: str
    event: str
    detail: list[tuple[str, str]]


@dataclass(frozen=True)
class DecisionFormValues:
    """Values entered in the denial form, shown again when the decision failed."""

    basis: str = ""
    note: str = ""


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
    decided: str = "",
) -> HTMLResponse:
    row = _request_or_404(session, request_id)
    # An unknown ``decided`` value shows no banner rather than an error.
    return _detail_page(
        services, session, login, row, now, banner=DECISION_BANNERS.get(decided, "")
    )


@router.post("/requests/{request_id}/decision", response_class=HTMLResponse)
async def decide(
    request_id: str,
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
    decision: Annotated[str, Form()] = "",
    basis: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    row = _request_or_404(session, request_id)
    choice = DecisionChoice(decision, basis, note)
    entered = DecisionFormValues(basis, note)
    try:
        await send_decision(
            session, services.vault, services.gateway, row, choice, login.user.username
        )
    except (NotAwaitingApprovalError, DecisionRejectedError) as error:
        return _detail_page(
            services, session, login, row, now, error=str(error), status_code=409, entered=entered
        )
    except DecisionInvalidError as error:
        return _detail_page(
            services, session, login, row, now, error=str(error), status_code=422, entered=entered
        )
    except NoteNotSavedError as error:
        return _detail_page(services, session, login, row, now, error=str(error), status_code=500)
    except Exception as error:
        logger.error(
            "erasure.decision_failed",
            extra={"request_id": row.id, "error": type(error).__name__},
        )
        message = "The workflow service could not be reached. Nothing was decided; try again."
        return _detail_page(
            services, session, login, row, now, error=message, status_code=503, entered=entered
        )

    return RedirectResponse(f"/portal/requests/{row.id}?decided={decision}", status_code=303)


@router.get("/requests/{request_id}/record", response_model=None)
def completion_record(request_id: str, session: DatabaseSession) -> FileResponse:
    row = _request_or_404(session, request_id)
    if row.record_path is None or not Path(row.record_path).is_file():
        raise PortalNotFoundError(f"Request {request_id} has no completion record yet.")
    return FileResponse(
        row.record_path,
        media_type="application/pdf",
        filename=f"completion-record-{row.id}.pdf",
        headers={"Cache-Control": "no-store"},
    )


def _request_or_404(session: Session, request_id: str) -> DataSubjectRequest:
    row = session.get(DataSubjectRequest, request_id)
    if row is None:
        raise PortalNotFoundError(f"No request has the id {request_id}.")
    return row


def _list_item(row: DataSubjectRequest, now: datetime) -> RequestListItem:
    closed = row.status in CLOSED_STATUSES
    return RequestListItem(
        id=row.id,
        kind=row.kind,
        regime=row.regime,
        status=row.status,
        due_date=row.due_date,
        days_left=None if closed else days_left(row.due_date, now),
        completed_on=row.completed_at.date() if row.completed_at else None,
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
    banner: str = "",
    status_code: int = 200,
    entered: DecisionFormValues | None = None,
) -> HTMLResponse:
    return _portal_page(
        services,
        login,
        "portal/request.html",
        status_code,
        item=_list_item(row, now),
        row=row,
        events=[_timeline_row(event) for event in events_for_request(session, row.id)],
        # Right after a decision the workflow may not have moved the status on yet; the form
        # stays hidden so that nobody sends a second decision by mistake.
        awaiting_approval=row.status == RequestStatus.AWAITING_APPROVAL and not banner,
        denial_bases=DENIAL_BASES,
        entered=entered or DecisionFormValues(),
        error=error,
        banner=banner,
    )


def _timeline_row(event: AuditEvent) -> TimelineRow:
    detail = [(key, _detail_text(value)) for key, value in sorted(event.detail.items())]
    return TimelineRow(event.sequence, event.at, event.actor, event.event, detail)


def _detail_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    # ensure_ascii=False keeps characters such as "§" or "é" readable instead of \u escapes.
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


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
