"""Application factory: builds the FastAPI app from its collaborators. Wiring only."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import FastAPI
from sqlalchemy import Engine

from api import (
    docs,
    exports,
    health,
    intake,
    portal_auth,
    portal_requests,
    v1_auth,
    v1_requests,
    verification,
)
from api.body_limit import BodySizeLimitMiddleware
from api.context import AppServices
from api.error_pages import body_too_large_responder
from api.errors import HANDLERS
from api.outbox import outbox_router
from api.outbox_entry import OutboxEntry
from localization import Renderer
from runtime.gateway import RequestGateway
from settings import Settings
from vault.service import Vault


def create_app(
    settings: Settings,
    engine: Engine,
    vault: Vault,
    gateway: RequestGateway,
    *,
    outbox_reader: Callable[[], Sequence[OutboxEntry]] | None = None,
    renderer: Renderer | None = None,
) -> FastAPI:
    """Build the app. ``outbox_reader`` enables ``/portal/outbox`` outside production."""
    app = FastAPI(
        title="dsrflow",
        summary="Data-subject requests: public form, privacy-team portal and JSON API",
        version="0.1.0",
        # Swagger UI and ReDoc load their assets from a CDN; api.docs serves an offline page.
        docs_url=None,
        redoc_url=None,
    )
    services = AppServices(
        settings=settings,
        engine=engine,
        vault=vault,
        gateway=gateway,
        renderer=renderer or Renderer(),
        outbox_reader=outbox_reader,
    )
    app.state.services = services

    for module in (
        docs,
        health,
        intake,
        verification,
        exports,
        portal_auth,
        portal_requests,
        v1_auth,
        v1_requests,
    ):
        app.include_router(module.router)
    if outbox_reader is not None and settings.environment != "production":
        app.include_router(outbox_router(outbox_reader))

    for error_type, handler in HANDLERS.items():
        app.add_exception_handler(error_type, handler)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        respond=body_too_large_responder(services),
    )
    return app
