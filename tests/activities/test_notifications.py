"""Subject emails sent by the notification activity through SMTP on loopback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from activities.messages import NotificationInput
from activities.notifications import NotificationActivities
from activities.resources import ActivityResources
from settings import Settings
from tests.factories import submit_request
from tests.mailbox import Mailbox, body_of
from vault.service import Vault

# 05:00 UTC on Saturday 21 November 2026 is still Friday 20 November in Los Angeles.
RECEIVED_AT = datetime(2026, 11, 21, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "received", "limit"),
    [
        (
            "en",
            "Your request reached us on November 20, 2026.",
            "We will answer by January 4, 2027 at the latest.",
        ),
        (
            "de",
            "Ihr Antrag ist am 20. November 2026 bei uns eingegangen.",
            "Wir antworten Ihnen spätestens bis zum 4. Januar 2027.",
        ),
    ],
)
def test_acknowledgement_states_receipt_date(
    settings: Settings,
    engine: Engine,
    vault: Vault,
    mailbox: Mailbox,
    language: str,
    received: str,
    limit: str,
) -> None:
    address = f"ack-{language}@example.com"
    request = submit_request(
        engine,
        vault,
        settings,
        email=address,
        kind="access",
        country="US",
        state="CA",
        language=language,
        now=RECEIVED_AT,
    )
    resources = ActivityResources(settings=settings, engine=engine, vault=vault)

    NotificationActivities(resources).notify_subject(
        NotificationInput(request.request_id, "acknowledgement")
    )

    body = body_of(mailbox.wait_for(address)[0])
    assert received in body
    # CCPA: 45 calendar days from the local receipt date, not rolled.
    assert limit in body
    assert request.request_id in body
