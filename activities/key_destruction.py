"""Erasure by crypto-shredding: destroy the subject key and record the ledger entry."""

from __future__ import annotations

import logging

from temporalio import activity

from activities.lookup import load_request
from activities.messages import DestructionResult, RequestRef
from activities.resources import ActivityResources
from audit.log import record_event
from database.engine import session_scope

logger = logging.getLogger(__name__)


class KeyDestructionActivities:
    def __init__(self, resources: ActivityResources) -> None:
        self.resources = resources

    @activity.defn(name="destroy_subject_key")
    def destroy_subject_key(self, ref: RequestRef) -> DestructionResult:
        resources = self.resources
        now = resources.clock()
        with session_scope(resources.engine) as session:
            subject_id = load_request(session, ref.request_id).subject_id

        entry = resources.vault.destroy_subject_key(subject_id, ref.request_id, now)

        with session_scope(resources.engine) as session:
            record_event(
                session,
                at=now,
                request_id=ref.request_id,
                actor="workflow",
                event="vault.key_destroyed",
                detail={"key_id": entry.key_id, "ledger_sequence": entry.sequence},
            )
        logger.info(
            "vault.key_destroyed",
            extra={"request_id": ref.request_id, "key_id": entry.key_id},
        )
        return DestructionResult(entry.key_id, entry.sequence, entry.entry_hash)
