"""Emails to the data subject and to the privacy team, localized in the request's language."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import select
from temporalio import activity

from activities.lookup import load_request
from activities.messages import NotificationInput
from activities.resources import ActivityResources
from audit.log import record_event
from database.engine import session_scope
from legal_clock.instants import local_date
from localization import render_email
from mail.sender import OutgoingEmail, send_email
from request_store.clock_input import FALLBACK_ZONE
from request_store.models import AccessExport, VerificationToken
from vault.fields import FieldPlace

logger = logging.getLogger(__name__)

# Emails whose text states the request's deadlines, read fresh from the request row.
DEADLINE_EMAILS = frozenset(
    {"acknowledgement", "extension_notice", "deadline_reminder", "deadline_escalation"}
)


def deliver_to_subject(
    resources: ActivityResources, request_id: str, template: str, context: dict[str, Any]
) -> None:
    """Decrypt the requester's address, render the template in their language and send it."""
    with session_scope(resources.engine) as session:
        request = load_request(session, request_id)
        place = FieldPlace("data_subject_request", "email", request.id)
        address = resources.vault.decrypt(session, request.key_id, place, request.email_ciphertext)
        locale = request.locale

    full_context = {"request_id": request_id, "controller_name": resources.settings.controller_name}
    full_context.update(context)
    rendered = render_email(template, locale, full_context)
    send_email(resources.settings, OutgoingEmail(address, rendered.subject, rendered.text_body))

    with session_scope(resources.engine) as session:
        record_event(
            session,
            at=resources.clock(),
            request_id=request_id,
            actor="workflow",
            event="notification.sent",
            detail={"template": template, "recipient": "data_subject"},
        )


class NotificationActivities:
    def __init__(self, resources: ActivityResources) -> None:
        self.resources = resources

    @activity.defn(name="notify_subject")
    def notify_subject(self, notification: NotificationInput) -> None:
        context: dict[str, Any] = {}
        if notification.template == "erasure_denied":
            context.update(self._denial_context(notification))
        if notification.template in DEADLINE_EMAILS:
            context.update(self._deadline_context(notification))
        if notification.export_id:
            context.update(self._download_context(notification))
        deliver_to_subject(self.resources, notification.request_id, notification.template, context)
        logger.info(
            "notification.sent",
            extra={"request_id": notification.request_id, "template": notification.template},
        )

    @activity.defn(name="notify_privacy_team")
    def notify_privacy_team(self, notification: NotificationInput) -> None:
        settings = self.resources.settings
        link = f"{settings.public_base_url}/portal/requests/{notification.request_id}"
        context: dict[str, Any] = {
            "request_id": notification.request_id,
            "portal_link": link,
            "controller_name": settings.controller_name,
        }
        if notification.template in DEADLINE_EMAILS:
            context.update(self._deadline_context(notification))
        rendered = render_email(notification.template, "en", context)
        send_email(
            settings,
            OutgoingEmail(settings.privacy_team_email, rendered.subject, rendered.text_body),
        )
        logger.info(
            "notification.sent",
            extra={"request_id": notification.request_id, "template": notification.template},
        )

    def _deadline_context(self, notification: NotificationInput) -> dict[str, Any]:
        with session_scope(self.resources.engine) as session:
            request = load_request(session, notification.request_id)
            # The receipt date as the legal clock takes it, in the legal zone. Requests stored
            # before the legal clock have no zone, and UTC matches what their timers use.
            received_on = local_date(request.received_at, request.legal_zone or FALLBACK_ZONE)
            internal_due = request.due_date
            legal_limit = request.legal_limit or request.due_date
            basis = request.extension_basis or ""
        today = self.resources.clock().date()
        # ``reason`` names the clock that an escalation is about.
        clock = notification.reason or "internal_due"
        return {
            "received_on": received_on,
            "internal_due": internal_due,
            "legal_limit": legal_limit,
            "days_left": (internal_due - today).days,
            "clock": clock,
            "date": legal_limit if clock == "legal_limit" else internal_due,
            "basis": basis,
        }

    def _denial_context(self, notification: NotificationInput) -> dict[str, Any]:
        resources = self.resources
        with session_scope(resources.engine) as session:
            request = load_request(session, notification.request_id)
            note = ""
            if request.decision_note_ciphertext is not None:
                place = FieldPlace("data_subject_request", "decision_note", request.id)
                note = resources.vault.decrypt(
                    session, request.key_id, place, request.decision_note_ciphertext
                )
        return {"basis": notification.reason, "note": note}

    def _download_context(self, notification: NotificationInput) -> dict[str, Any]:
        resources = self.resources
        with session_scope(resources.engine) as session:
            request = load_request(session, notification.request_id)
            export = session.get(AccessExport, notification.export_id)
            token_row = session.exec(
                select(VerificationToken).where(VerificationToken.request_id == request.id)
            ).first()
            if export is None or token_row is None or token_row.token_ciphertext is None:
                raise RuntimeError(f"export or token missing for request {request.id}")
            place = FieldPlace("verification_token", "token", request.id)
            token = resources.vault.decrypt(
                session, request.key_id, place, token_row.token_ciphertext
            )
            expires_at = export.expires_at

        base = resources.settings.public_base_url
        return {
            "link": f"{base}/requests/{request.id}/export?token={token}",
            "expires_at": expires_at,
        }
