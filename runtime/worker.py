"""The request worker: the workflow and every activity on one task queue."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker

from activities.completion import CompletionActivities
from activities.deadlines import DeadlineActivities
from activities.key_destruction import KeyDestructionActivities
from activities.notifications import NotificationActivities
from activities.resources import ActivityResources
from activities.status import StatusActivities
from activities.stores import StoreActivities
from activities.verification import VerificationActivities
from settings import Settings
from vault.service import Vault
from workflows.request import DataSubjectRequestWorkflow


def request_activities(resources: ActivityResources) -> list[Any]:
    verification = VerificationActivities(resources)
    notifications = NotificationActivities(resources)
    status = StatusActivities(resources)
    stores = StoreActivities(resources)
    destruction = KeyDestructionActivities(resources)
    completion = CompletionActivities(resources)
    deadlines = DeadlineActivities(resources)
    return [
        verification.send_verification_email,
        notifications.notify_subject,
        notifications.notify_privacy_team,
        status.update_request_status,
        status.record_erasure_decision,
        stores.discover_subject_data,
        stores.export_subject_data,
        stores.record_opt_out,
        destruction.destroy_subject_key,
        deadlines.plan_deadlines,
        deadlines.apply_extension,
        deadlines.change_clock,
        deadlines.start_clock_at_identity,
        completion.issue_completion_record,
    ]


def build_worker(
    client: Client,
    settings: Settings,
    engine: Engine,
    executor: ThreadPoolExecutor,
    resources: ActivityResources | None = None,
) -> Worker:
    """Create the worker; activities are synchronous (SQLAlchemy, WeasyPrint) and run in threads."""
    resources = resources or ActivityResources(
        settings=settings, engine=engine, vault=Vault.from_settings(settings, engine)
    )
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[DataSubjectRequestWorkflow],
        activities=request_activities(resources),
        activity_executor=executor,
        max_concurrent_activities=8,
    )
