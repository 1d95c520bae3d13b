"""Portal pages for requests: the list, one request with its timeline, decisions, extensions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from api.clock_actions import ClockActions, decide_clock_actions
from api.clock_changes import ClockChangeNotAllowedError, send_clock_change
from api.context import AppServices, DatabaseSession, Now, Services
from api.decisions import (
    DecisionChoice,
    DecisionInvalidError,
    NotAwaitingApprovalError,
    NoteNotSavedError,
    send_decision,
)
from api.extensions import ExtensionBasisError, ExtensionNotAllowedError, send_extension
from api.pages import page
from api.portal_auth import SIGNED_IN, PortalUserLogin
from api.portal_views import (
    DecisionFormValues,
    ExtensionConfirmation,
    extension_unavailable_text,
    list_item,
    parse_confirmation,
    pause_unavailable_text,
    timeline_row,
)
from api.request_deadlines import (
    DeadlineFilter,
    filter_by_deadline,
    parse_deadline_filter,
    parse_within_days,
)
from api.viewer import Viewer, ViewerPreferences, remember_zone
from audit.log import events_for_request
from request_store.models import DataSubjectRequest, RequestStatus
from runtime.gateway import DecisionRejectedError, ExtensionRejectedError
from workflows.messages import DENIAL_BASES, EXTENSION_BASES, extension_bases_for

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SIGNED_IN)

# Confirmations shown after the redirect that follows a decision, by ``?decided=`` value.
DECISION_BANNERS = {
    "approve": "Erasure approved: the workflow continues.",
    "deny": "Erasure denied.",
}


class PortalNotFoundError(Exception):
    """A portal page for something that does not exist; ``api.errors`` renders a 404 page."""


@router.get("", response_class=HTMLResponse)
def request_list(
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
    viewer: ViewerPreferences,
    status: str = "",
    deadline: str = "",
    within: str = "",
) -> HTMLResponse:
    statement = select(DataSubjectRequest).order_by(col(DataSubjectRequest.due_date))
    # Unknown filter values in the query show every request rather than an empty list.
    selected = status if status in set(RequestStatus) else ""
    if selected:
        statement = statement.where(DataSubjectRequest.status == selected)
    rows = session.exec(statement).all()

    # Days left depend on each request's legal zone, so these filters run here, not in SQL.
    deadline_filter = parse_deadline_filter(deadline)
    within_days = parse_within_days(within)
    rows = filter_by_deadline(rows, deadline_filter, now, within_days)

    items = [list_item(row, now, viewer) for row in rows]
    filters = {
        "status": selected,
        "deadline": deadline_filter or "",
        "within": str(within_days) if deadline_filter is DeadlineFilter.DUE_SOON else "",
    }
    return _portal_page(
        services,
        login,
        viewer,
        "portal/requests.html",
        items=items,
        statuses=[str(value) for value in RequestStatus],
        selected_status=selected,
        deadline_filter=deadline_filter or "",
        within_days=within_days,
        # The time-zone form sends these again, so picking a zone keeps the filters.
        keep_query=[(name, value) for name, value in filters.items() if value],
    )


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_detail(
    request_id: str,
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
    viewer: ViewerPreferences,
    decided: str = "",
    extended_due: str = "",
    extended_limit: str = "",
) -> HTMLResponse:
    row = _request_or_404(session, request_id)
    # Unknown ``decided`` values or unreadable dates show no banner rather than an error.
    return _detail_page(
        DetailView(services, session, login, viewer, row, now),
        banner=DECISION_BANNERS.get(decided, ""),
        extension=parse_confirmation(extended_due, extended_limit),
    )


@router.post("/requests/{request_id}/decision", response_class=HTMLResponse)
async def decide(
    request_id: str,
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
    viewer: ViewerPreferences,
    decision: Annotated[str, Form()] = "",
    basis: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    row = _request_or_404(session, request_id)
    view = DetailView(services, session, login, viewer, row, now)
    choice = DecisionChoice(decision, basis, note)
    entered = DecisionFormValues(basis, note)
    try:
        await send_decision(
            session, services.vault, services.gateway, row, choice, login.user.username
        )
    except (NotAwaitingApprovalError, DecisionRejectedError) as error:
        return _detail_page(view, error=str(error), status_code=409, entered=entered)
    except DecisionInvalidError as error:
        return _detail_page(view, error=str(error), status_code=422, entered=entered)
    except NoteNotSavedError as error:
        return _detail_page(view, error=str(error), status_code=500)
    except Exception as error:
        logger.error(
            "erasure.decision_failed",
            extra={"request_id": row.id, "error": type(error).__name__},
        )
        message = "The workflow service could not be reached. Nothing was decided; try again."
        return _detail_page(view, error=message, status_code=503, entered=entered)

    return RedirectResponse(f"/portal/requests/{row.id}?decided={decision}", status_code=303)


@router.post("/requests/{request_id}/extension", response_class=HTMLResponse)
async def extend_deadline(
    request_id: str,
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
    viewer: ViewerPreferences,
    basis: Annotated[str, Form()] = "",
) -> Response:
    row = _request_or_404(session, request_id)
    view = DetailView(services, session, login, viewer, row, now)
    # Only a known code is selected again in the form; other input is dropped.
    entered = basis if basis in EXTENSION_BASES else ""
    try:
        result = await send_extension(services.gateway, row, basis, login.user.username)
    except (ExtensionNotAllowedError, ExtensionRejectedError) as error:
        return _detail_page(view, error=str(error), status_code=409, extension_basis=entered)
    except ExtensionBasisError as error:
        return _detail_page(view, error=str(error), status_code=422, extension_basis=entered)
    except Exception as error:
        logger.error(
            "deadline.extension_failed",
            extra={"request_id": row.id, "error": type(error).__name__},
        )
        message = (
            "The workflow service could not be reached. The deadline was not extended; try again."
        )
        return _detail_page(view, error=message, status_code=503, extension_basis=entered)

    # The banner after the redirect shows the dates the workflow returned for this extension.
    query = urlencode({"extended_due": result.internal_due, "extended_limit": result.legal_limit})
    return RedirectResponse(f"/portal/requests/{row.id}?{query}", status_code=303)


@router.post("/requests/{request_id}/clock", response_class=HTMLResponse)
async def change_clock(
    request_id: str,
    services: Services,
    session: DatabaseSession,
    login: PortalUserLogin,
    now: Now,
    viewer: ViewerPreferences,
    action: Annotated[str, Form()] = "",
) -> Response:
    row = _request_or_404(session, request_id)
    view = DetailView(services, session, login, viewer, row, now)
    try:
        await send_clock_change(services.gateway, row, action, login.user.username)
    except (ClockChangeNotAllowedError, ExtensionRejectedError) as error:
        return _detail_page(view, error=str(error), status_code=409)
    except Exception as error:
        logger.error(
            "deadline.clock_change_failed",
            extra={"request_id": row.id, "error": type(error).__name__},
        )
        message = "The workflow service could not be reached. The clock did not change; try again."
        return _detail_page(view, error=message, status_code=503)

    return RedirectResponse(f"/portal/requests/{row.id}?clock={action}", status_code=303)


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


@dataclass(frozen=True)
class DetailView:
    """Inputs of the request page that every route rendering it has."""

    services: AppServices
    session: Session
    login: PortalUserLogin
    viewer: Viewer
    row: DataSubjectRequest
    now: datetime


def _detail_page(
    view: DetailView,
    *,
    error: str = "",
    banner: str = "",
    status_code: int = 200,
    entered: DecisionFormValues | None = None,
    extension: ExtensionConfirmation | None = None,
    extension_basis: str = "",
) -> HTMLResponse:
    row = view.row
    actions = decide_clock_actions(row, view.now)
    # After an extension the banner shows the new dates, so no reason is shown with it.
    extension_unavailable = ""
    if extension is None:
        extension_unavailable = extension_unavailable_text(actions, row, view.viewer)
    return _portal_page(
        view.services,
        view.login,
        view.viewer,
        "portal/request.html",
        status_code,
        item=list_item(row, view.now, view.viewer),
        row=row,
        events=[timeline_row(event) for event in events_for_request(view.session, row.id)],
        # Right after a decision or an extension the workflow may not have updated the row
        # yet. The form stays hidden, so that a second one is not sent by mistake.
        awaiting_approval=row.status == RequestStatus.AWAITING_APPROVAL and not banner,
        denial_bases=DENIAL_BASES,
        entered=entered or DecisionFormValues(),
        extendable=actions.can_extend and extension is None,
        extension_unavailable=extension_unavailable,
        clock_action=_offered_clock_action(actions),
        pause_unavailable=pause_unavailable_text(actions, row, view.viewer),
        extension_bases={code: EXTENSION_BASES[code] for code in extension_bases_for(row.regime)},
        extension_basis=extension_basis,
        extension=extension,
        error=error,
        banner=banner,
    )


def _offered_clock_action(actions: ClockActions) -> str | None:
    if actions.can_pause:
        return "pause"
    if actions.can_resume:
        return "resume"
    return None


def _portal_page(
    services: AppServices,
    login: PortalUserLogin,
    viewer: Viewer,
    name: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    # Portal text is English, and the viewer formats dates in the browser's locale. The CSRF
    # token goes into every form on the page.
    response = page(
        services,
        name,
        "en",
        status_code,
        username=login.user.username,
        csrf_token=login.session.csrf_token,
        show_outbox=services.outbox_reader is not None
        and services.settings.environment != "production",
        viewer=viewer,
        **context,
    )
    # Secure exactly when the session cookie is: whenever the portal is served over HTTPS.
    remember_zone(response, viewer, secure=services.settings.public_base_url.startswith("https://"))
    return response
