"""Development-only portal page listing the messages caught by the local mail sink."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.context import Services
from api.outbox_entry import OutboxEntry
from api.pages import page
from api.portal_auth import SIGNED_IN, PortalUserLogin


def outbox_router(read_outbox: Callable[[], Sequence[OutboxEntry]]) -> APIRouter:
    """Build the ``/portal/outbox`` route around the reader given to ``create_app``."""
    router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=SIGNED_IN)

    @router.get("/outbox", response_class=HTMLResponse)
    def outbox(services: Services, login: PortalUserLogin) -> HTMLResponse:
        entries = sorted(read_outbox(), key=lambda entry: entry.received_at, reverse=True)
        return page(
            services,
            "portal/outbox.html",
            "en",
            entries=entries,
            username=login.user.username,
            csrf_token=login.session.csrf_token,
            show_outbox=True,
        )

    return router
