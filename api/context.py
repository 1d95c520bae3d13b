"""Services shared by every route, and the FastAPI dependencies that provide them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from api.outbox_entry import OutboxEntry
from localization import Renderer
from runtime.gateway import RequestGateway
from settings import Settings
from vault.service import Vault


@dataclass(frozen=True)
class AppServices:
    """The collaborators given to ``create_app``, stored on ``app.state.services``."""

    settings: Settings
    engine: Engine
    vault: Vault
    gateway: RequestGateway
    renderer: Renderer
    outbox_reader: Callable[[], Sequence[OutboxEntry]] | None


def get_services(request: Request) -> AppServices:
    services: AppServices = request.app.state.services
    return services


def current_time() -> datetime:
    """Return the current UTC instant; tests override this dependency to move the clock."""
    return datetime.now(UTC)


def database_session(services: Annotated[AppServices, Depends(get_services)]) -> Iterator[Session]:
    """Open a session for one request. Routes that write commit explicitly."""
    with Session(services.engine, expire_on_commit=False) as session:
        yield session


Services = Annotated[AppServices, Depends(get_services)]
Now = Annotated[datetime, Depends(current_time)]
DatabaseSession = Annotated[Session, Depends(database_session)]
