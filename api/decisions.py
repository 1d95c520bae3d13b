"""Sending a privacy-team decision on an erasure to its workflow, shared by portal and API.

A denial carries a legal basis (a ``DENIAL_BASES`` code), which goes to the workflow, and an
optional free-text note. The note may name people, so it never reaches Temporal, the audit
log or a log line: it is stored on the request row, encrypted under the subject key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from audit.log import events_for_request
from request_store.models import DataSubjectRequest, RequestStatus
from runtime.gateway import RequestGateway
from vault.fields import FieldPlace
from vault.service import Vault
from workflows.messages import DENIAL_BASES, ErasureDecision, ErasureDecisionResult

logger = logging.getLogger(__name__)

DECISIONS = frozenset({"approve", "deny"})
MAX_NOTE_LENGTH = 1000
# Audit events written by the workflow once it has recorded a decision.
DECISION_EVENTS = {"erasure.approved": "approve", "erasure.denied": "deny"}


class DecisionInvalidError(ValueError):
    """The decision cannot be sent as given. The message states what to change."""


class NotAwaitingApprovalError(DecisionInvalidError):
    """The request is not in the state where a decision can be made."""


class NoteNotSavedError(Exception):
    """The workflow accepted the decision, but committing its note failed afterwards."""


@dataclass(frozen=True)
class DecisionChoice:
    """A decision as entered in the portal or posted to the API, before validation."""

    decision: str
    basis: str = ""
    note: str = ""


def allowed_bases() -> str:
    return ", ".join(sorted(DENIAL_BASES))


def check_decision(session: Session, row: DataSubjectRequest, choice: DecisionChoice) -> str:
    """Return the stripped note, or raise DecisionInvalidError before anything is sent."""
    if row.status != RequestStatus.AWAITING_APPROVAL:
        raise NotAwaitingApprovalError(_not_awaiting_message(session, row))
    if choice.decision not in DECISIONS:
        raise DecisionInvalidError("decision must be 'approve' or 'deny'")

    note = choice.note.strip()
    if choice.decision == "approve":
        if choice.basis or note:
            raise DecisionInvalidError("an approval takes no basis and no note; remove them")
        return ""

    # The submitted value is not echoed, because the field is free input and could contain
    # personal data.
    if not choice.basis:
        raise DecisionInvalidError(f"a denial needs a legal basis, one of: {allowed_bases()}")
    if choice.basis not in DENIAL_BASES:
        raise DecisionInvalidError(f"unknown legal basis; use one of: {allowed_bases()}")
    if len(note) > MAX_NOTE_LENGTH:
        raise DecisionInvalidError(
            f"the note is too long: {len(note)} characters, at most {MAX_NOTE_LENGTH}"
        )
    return note


def _not_awaiting_message(session: Session, row: DataSubjectRequest) -> str:
    # Once the workflow has recorded a decision the status moves on; saying so is more useful
    # to the caller than the bare status.
    for event in reversed(events_for_request(session, row.id)):
        if event.event in DECISION_EVENTS:
            return (
                f"request {row.id} was already decided ({DECISION_EVENTS[event.event]}); "
                "a second decision is not accepted"
            )
    return f"request {row.id} is {row.status}, not awaiting approval; no decision can be made"


async def send_decision(
    session: Session,
    vault: Vault,
    gateway: RequestGateway,
    row: DataSubjectRequest,
    choice: DecisionChoice,
    username: str,
) -> ErasureDecisionResult:
    """Validate the decision, store its note and send it to the workflow as an update.

    The note is written in ``session``'s transaction before the update and committed only
    after the workflow accepted it, so a failed or rejected update leaves nothing written.
    Raises DecisionInvalidError, DecisionRejectedError when the workflow's validator rejects
    the update, NoteNotSavedError when only the final commit failed, or whatever the gateway
    raises when Temporal cannot be reached.
    """
    note = await run_in_threadpool(check_decision, session, row, choice)

    if note:
        # Writing the row first also locks it (PostgreSQL row lock, SQLite write lock) until
        # the commit below, so the workflow's next activity, which updates the same row before
        # the denial email reads the note, cannot run ahead of this transaction.
        await run_in_threadpool(_store_note, session, vault, row, note)

    decision = ErasureDecision(decision=choice.decision, decided_by=username, basis=choice.basis)
    try:
        result = await gateway.decide_erasure(row.id, decision)
    except BaseException:
        await run_in_threadpool(session.rollback)
        raise

    try:
        await run_in_threadpool(session.commit)
    except Exception as error:
        await run_in_threadpool(session.rollback)
        # Only the exception's type is logged: database error texts can quote parameters.
        logger.error(
            "erasure.decision_note_not_saved",
            extra={"request_id": row.id, "error": type(error).__name__},
        )
        raise NoteNotSavedError(
            f"the {choice.decision} decision on request {row.id} was sent, but its note "
            "could not be saved; the denial email goes out without it"
        ) from error

    logger.info(
        "erasure.decision_sent",
        extra={
            "request_id": row.id,
            "decision": choice.decision,
            "basis": choice.basis,
            "has_note": bool(note),
            "accepted": result.accepted,
        },
    )
    return result


def _store_note(session: Session, vault: Vault, row: DataSubjectRequest, note: str) -> None:
    place = FieldPlace("data_subject_request", "decision_note", row.id)
    row.decision_note_ciphertext = vault.encrypt(session, row.key_id, place, note)
    session.add(row)
    session.flush()
