"""Identity verification: create a single-use link and email it to the subject."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from sqlmodel import select
from temporalio import activity

from activities.lookup import load_request
from activities.messages import VerificationInput
from activities.notifications import deliver_to_subject
from activities.resources import ActivityResources
from audit.log import record_event
from database.engine import session_scope
from request_store.models import VerificationToken
from vault.fields import FieldPlace

logger = logging.getLogger(__name__)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class VerificationActivities:
    def __init__(self, resources: ActivityResources) -> None:
        self.resources = resources

    @activity.defn(name="send_verification_email")
    def send_verification_email(self, verification: VerificationInput) -> None:
        """Create the request's token (once, even when retried) and email its link."""
        token, expires_at = self._find_or_create_token(verification)
        link = f"{self.resources.settings.public_base_url}/verify/{token}"
        deliver_to_subject(
            self.resources,
            verification.request_id,
            "verification",
            {"link": link, "expires_at": expires_at},
        )
        logger.info("verification.sent", extra={"request_id": verification.request_id})

    def _find_or_create_token(self, verification: VerificationInput) -> tuple[str, datetime]:
        resources = self.resources
        now = resources.clock()
        with session_scope(resources.engine) as session:
            request = load_request(session, verification.request_id)
            place = FieldPlace("verification_token", "token", request.id)
            existing = session.exec(
                select(VerificationToken).where(VerificationToken.request_id == request.id)
            ).first()
            if existing is not None and existing.token_ciphertext is not None:
                token = resources.vault.decrypt(
                    session, request.key_id, place, existing.token_ciphertext
                )
                return token, existing.expires_at

            token = secrets.token_urlsafe(32)
            expires_at = now + timedelta(seconds=verification.window_seconds)
            session.add(
                VerificationToken(
                    token_hash=hash_token(token),
                    request_id=request.id,
                    token_ciphertext=resources.vault.encrypt(session, request.key_id, place, token),
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            record_event(
                session,
                at=now,
                request_id=request.id,
                actor="workflow",
                event="verification.link_sent",
                detail={"expires_in_seconds": verification.window_seconds},
            )
        return token, expires_at
