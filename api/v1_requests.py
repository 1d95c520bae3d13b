"""JSON API over requests: list, read with timeline, decide erasures, extend deadlines."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlmodel import Session, col, select

from api.clock_actions import decide_clock_actions
from api.clock_changes import ClockChangeNotAllowedError, send_clock_change
from api.context import DatabaseSession, Now, Services
from api.decisions import (
    DecisionChoice,
    DecisionInvalidError,
    NotAwaitingApprovalError,
    NoteNotSavedError,
    send_decision,
)
from api.extensions import ExtensionBasisError, ExtensionNotAllowedError, send_extension
from api.request_deadlines import (
    DEFAULT_DUE_SOON_DAYS,
    MAX_DUE_SOON_DAYS,
    DeadlineFilter,
    filter_by_deadline,
)
from api.schemas import (
    ClockChangeBody,
    ClockChangeResponse,
    DecisionBody,
    DecisionResponse,
    ExtensionBody,
    ExtensionResponse,
    RequestDetail,
    RequestSummary,
    TimelineEvent,
)
from api.v1_auth import ApiUser, require_api_user
from audit.log import events_for_request
from request_store.models import DataSubjectRequest, RequestStatus
from runtime.gateway import DecisionRejectedError, ExtensionRejectedError

logger = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api/v1/requests", tags=["requests"], dependencies=[Depends(require_api_user)]
)


@router.get("")
def list_requests(
    session: DatabaseSession,
    now: Now,
    status_filter: Annotated[RequestStatus | None, Query(alias="status")] = None,
    deadline: Annotated[
        DeadlineFilter | None,
        Query(
            description="overdue: open and past the internal due date; due_soon: open and "
            "due within `within` days"
        ),
    ] = None,
    within: Annotated[int, Query(ge=0, le=MAX_DUE_SOON_DAYS)] = DEFAULT_DUE_SOON_DAYS,
) -> list[RequestSummary]:
    """List requests by due date, optionally only those with one status or deadline state."""
    statement = select(DataSubjectRequest).order_by(col(DataSubjectRequest.due_date))
    if status_filter is not None:
        statement = statement.where(DataSubjectRequest.status == status_filter)
    rows = filter_by_deadline(session.exec(statement), deadline, now, within)
    return [RequestSummary.from_row(row) for row in rows]


@router.get("/{request_id}")
def read_request(request_id: str, session: DatabaseSession, now: Now) -> RequestDetail:
    """Return one request with its audit timeline and the clock changes possible now."""
    row = _request_or_404(session, request_id)
    summary = RequestSummary.from_row(row)
    actions = decide_clock_actions(row, now)
    return RequestDetail(
        **summary.model_dump(),
        timeline=[TimelineEvent.from_row(event) for event in events_for_request(session, row.id)],
        has_completion_record=row.record_path is not None and Path(row.record_path).is_file(),
        can_extend=actions.can_extend,
        can_pause=actions.can_pause,
        can_resume=actions.can_resume,
    )


@router.post(
    "/{request_id}/decision",
    responses={
        409: {
            "description": "Not awaiting approval, already decided, or rejected by the "
            "workflow's validator, whose message is passed through"
        },
        422: {"description": "A denial without a valid basis, or an approval with one"},
        500: {"description": "The decision was sent, but its note could not be saved"},
        503: {"description": "The workflow service could not be reached"},
    },
)
async def decide_erasure(
    request_id: str,
    body: DecisionBody,
    services: Services,
    session: DatabaseSession,
    user: ApiUser,
) -> DecisionResponse:
    """Approve or deny an erasure that is awaiting approval; a denial needs a legal basis."""
    row = _request_or_404(session, request_id)
    choice = DecisionChoice(body.decision, body.basis, body.note)
    try:
        result = await send_decision(
            session, services.vault, services.gateway, row, choice, user.username
        )
    except (NotAwaitingApprovalError, DecisionRejectedError) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except DecisionInvalidError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    except NoteNotSavedError as error:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, detail=str(error)) from None
    except Exception as error:
        logger.error(
            "erasure.decision_failed", extra={"request_id": row.id, "error": type(error).__name__}
        )
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="the workflow service could not be reached; nothing was decided, try again",
        ) from None
    return DecisionResponse(request_id=row.id, decision=result.decision, accepted=result.accepted)


@router.post(
    "/{request_id}/extension",
    responses={
        409: {
            "description": "Closed, already extended, no extension under the rule, or "
            "rejected by the workflow's validator (for example after the first period), "
            "whose message is passed through"
        },
        422: {"description": "A missing or unknown basis; the message lists the allowed codes"},
        503: {"description": "The workflow service could not be reached"},
    },
)
async def extend_deadline(
    request_id: str,
    body: ExtensionBody,
    services: Services,
    session: DatabaseSession,
    user: ApiUser,
) -> ExtensionResponse:
    """Extend the time to respond, once, while the first period runs; returns the new dates.

    The workflow records the extension and sends the notice to the data subject.
    """
    row = _request_or_404(session, request_id)
    try:
        result = await send_extension(services.gateway, row, body.basis, user.username)
    except (ExtensionNotAllowedError, ExtensionRejectedError) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except ExtensionBasisError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    except Exception as error:
        logger.error(
            "deadline.extension_failed",
            extra={"request_id": row.id, "error": type(error).__name__},
        )
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="the workflow service could not be reached; the deadline was not extended, "
            "try again",
        ) from None
    return ExtensionResponse(
        request_id=row.id,
        internal_due=date.fromisoformat(result.internal_due),
        legal_limit=date.fromisoformat(result.legal_limit),
    )


def _request_or_404(session: Session, request_id: str) -> DataSubjectRequest:
    row = session.get(DataSubjectRequest, request_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"request {request_id} not found")
    return row


@router.post(
    "/{request_id}/clock",
    responses={
        409: {
            "description": "Not a UK GDPR request, closed, not in the state for this action, or "
            "rejected by the workflow's validator, whose message is passed through"
        },
        503: {"description": "The workflow service could not be reached"},
    },
)
async def change_clock(
    request_id: str,
    body: ClockChangeBody,
    services: Services,
    session: DatabaseSession,
    user: ApiUser,
) -> ClockChangeResponse:
    """Pause the clock while a scope clarification is awaited, or resume it; once each."""
    row = _request_or_404(session, request_id)
    try:
        result = await send_clock_change(services.gateway, row, body.action, user.username)
    except (ClockChangeNotAllowedError, ExtensionRejectedError) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except Exception as error:
        logger.error(
            "deadline.clock_change_failed",
            extra={"request_id": row.id, "error": type(error).__name__},
        )
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="the workflow service could not be reached; the clock did not change, try again",
        ) from None
    return ClockChangeResponse(
        request_id=row.id,
        paused=result.paused,
        internal_due=date.fromisoformat(result.internal_due),
        legal_limit=date.fromisoformat(result.legal_limit),
    )
