"""Deadline events of a request: reminders before the internal due date, escalations after.

Pure functions over a DeadlinePlan, used by the request workflow to choose its next timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.messages import DeadlinePlan


@dataclass(frozen=True)
class DeadlineEvent:
    at: datetime
    key: str  # unique per instant and kind, so each event fires once
    template: str  # email to the privacy team
    clock: str  # "internal_due" or "legal_limit"


def pending_events(
    plan: DeadlinePlan, fired: set[str], plan_set_at: datetime
) -> list[DeadlineEvent]:
    """List the events not yet fired, earliest first.

    Reminders whose instant had already passed when the plan was set are dropped: after an
    extension, the team should not get a burst of reminders for the new date at once. While
    the clock is paused no deadline runs, so there is no event at all.
    """
    if plan.paused:
        return []
    events = [
        DeadlineEvent(
            datetime.fromisoformat(at), f"reminder-{at}", "deadline_reminder", "internal_due"
        )
        for at in plan.reminder_ats
        if datetime.fromisoformat(at) > plan_set_at
    ]
    events.append(
        DeadlineEvent(
            datetime.fromisoformat(plan.internal_due_at),
            f"escalation-internal-{plan.internal_due_at}",
            "deadline_escalation",
            "internal_due",
        )
    )
    events.append(
        DeadlineEvent(
            datetime.fromisoformat(plan.legal_limit_at),
            f"escalation-legal-{plan.legal_limit_at}",
            "deadline_escalation",
            "legal_limit",
        )
    )
    return sorted((event for event in events if event.key not in fired), key=lambda e: e.at)
