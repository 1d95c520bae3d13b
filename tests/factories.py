"""Building requests the way the web form does, without going through HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from database.engine import session_scope
from request_store.intake import SubmissionForm, create_request
from settings import Settings
from vault.service import Vault
from workflows.messages import RequestInput


def submit_request(
    engine: Engine,
    vault: Vault,
    settings: Settings,
    *,
    email: str,
    name: str = "Ana Test",
    kind: str = "access",
    country: str = "DE",
    state: str = "",
    language: str = "en",
    now: datetime | None = None,
) -> RequestInput:
    form = SubmissionForm(
        kind=kind, email=email, name=name, country=country, state=state, language=language
    )
    with session_scope(engine) as session:
        row = create_request(session, vault, form.validate(), now or datetime.now(UTC), settings)
        request_id = row.id
    return RequestInput(
        request_id=request_id,
        kind=kind,
        approval_required=settings.erasure_approval_required,
        verification_window_seconds=settings.verification_window_hours * 3600,
    )
