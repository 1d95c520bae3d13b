"""Sending a privacy-team extension of the time to respond to its workflow, for portal and API.

The web layer checks the request row and sends the update. The workflow's validator decides,
and the workflow's activity records the extension: ``extended_at``, ``extension_basis``, the
new dates and an audit event. Nothing is written here.
"""

from __future__ import annotations

import logging

from request_store.models import OPEN_STATUSES, DataSubjectRequest, RequestStatus
from runtime.gateway import ExtensionRejectedError, RequestGateway
from workflows.messages import (
    EXTENSION_BASES,
    DeadlineExtension,
    DeadlineExtensionResult,
    extension_bases_for,
)

logger = logging.getLogger(__name__)


class ExtensionNotAllowedError(Exception):
    """The request cannot be extended in its current state; the message gives the reason."""


class ExtensionBasisError(ValueError):
    """The basis is missing or not an ``EXTENSION_BASES`` code; the message lists the codes."""


def allowed_bases(regime: str) -> str:
    return ", ".join(sorted(extension_bases_for(regime)))


def check_extension(row: DataSubjectRequest, basis: str) -> None:
    """Raise ExtensionNotAllowedError or ExtensionBasisError before anything is sent."""
    reason = _not_allowed_reason(row)
    if reason is not None:
        raise ExtensionNotAllowedError(reason)

    # The submitted value is not echoed, because it is free input.
    allowed = allowed_bases(row.regime)
    if not basis:
        raise ExtensionBasisError(f"an extension needs a basis, one of: {allowed}")
    if basis not in EXTENSION_BASES:
        raise ExtensionBasisError(f"unknown extension basis; use one of: {allowed}")
    if basis not in extension_bases_for(row.regime):
        raise ExtensionBasisError(
            f"basis {basis} does not apply under {row.regime}; use one of: {allowed}"
        )


def _not_allowed_reason(row: DataSubjectRequest) -> str | None:
    if row.status not in OPEN_STATUSES:
        return f"request {row.id} is {row.status}; only an open request can be extended"
    if row.extended_at is not None:
        return (
            f"request {row.id} was already extended on {row.extended_at.date().isoformat()}; "
            "a second extension is not accepted"
        )
    if row.extension_notice_by is None:
        return f"the {row.regime} rule of request {row.id} allows no extension"
    if row.status == RequestStatus.AWAITING_VERIFICATION:
        return (
            f"request {row.id} is awaiting verification; extend once the requester has "
            "confirmed the email address, so that the notice goes to a confirmed address"
        )
    return None


async def send_extension(
    gateway: RequestGateway, row: DataSubjectRequest, basis: str, username: str
) -> DeadlineExtensionResult:
    """Check the extension and send it to the workflow as an update; return the new dates.

    Raises ExtensionNotAllowedError, ExtensionBasisError, ExtensionRejectedError when the
    workflow's validator rejects the update, or whatever the gateway raises when Temporal
    cannot be reached.
    """
    check_extension(row, basis)

    extension = DeadlineExtension(requested_by=username, basis=basis)
    try:
        result = await gateway.extend_deadline(row.id, extension)
    except ExtensionRejectedError:
        logger.info("deadline.extension_rejected", extra={"request_id": row.id, "basis": basis})
        raise

    logger.info(
        "deadline.extension_sent",
        extra={
            "request_id": row.id,
            "basis": basis,
            "internal_due": result.internal_due,
            "legal_limit": result.legal_limit,
        },
    )
    return result
