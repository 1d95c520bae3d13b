"""Loading a request row inside an activity, failing for good when it does not exist."""

from __future__ import annotations

from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from request_store.models import DataSubjectRequest


def load_request(session: Session, request_id: str) -> DataSubjectRequest:
    request = session.get(DataSubjectRequest, request_id)
    if request is None:
        # The API commits the row only after the workflow has started, so the first activity
        # can run before the row is visible: retry rather than fail the request.
        raise ApplicationError(f"request {request_id} not found yet", type="RequestNotFound")
    return request
