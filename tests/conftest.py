"""Fixtures shared by the whole suite: real SQLite or PostgreSQL, SMTP on loopback, Temporal."""

from __future__ import annotations

import os
import random
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from temporalio.testing import WorkflowEnvironment

from database.engine import make_engine
from database.migrate import upgrade_to_head
from runtime.temporal import installed_binary
from settings import Settings
from tests.mailbox import Mailbox, start_mailbox
from vault.service import Vault

POSTGRES_URL = os.environ.get(
    "DSRFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


# Ports below Linux's default ephemeral range (32768-60999): a port picked there can be taken
# by no outgoing connection between this check and the server's bind, only by another listener.
_LISTEN_PORTS = range(20000, 32768)


def free_port() -> int:
    """Return a loopback port that nothing listens on now, outside the ephemeral range."""
    chooser = random.SystemRandom()
    for _ in range(200):
        port = chooser.choice(_LISTEN_PORTS)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port found between 20000 and 32767")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh database on the local PostgreSQL server, dropped after the session."""
    name = f"dsrflow_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dsrflow.sqlite3'}"
        return
    url: str = request.getfixturevalue("postgres_server_url")
    upgrade_to_head(url)
    yield url
    _truncate_all(url)


def _truncate_all(url: str) -> None:
    from sqlmodel import SQLModel

    from database.models import import_all_models

    import_all_models()
    engine = create_engine(url)
    names = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    port = free_port()
    mailbox, controller = start_mailbox(port)
    yield mailbox, port
    controller.stop()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, smtp: tuple[Mailbox, int]) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        smtp_port=smtp[1],
        mail_sink=False,
        task_queue=f"test-{uuid.uuid4().hex[:8]}",
        public_base_url="http://127.0.0.1:8000",
    )


@pytest.fixture
def mailbox(smtp: tuple[Mailbox, int]) -> Mailbox:
    return smtp[0]


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    upgrade_to_head(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def vault(settings: Settings, engine: Engine) -> Vault:
    return Vault.from_settings(settings, engine)


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(installed_binary("temporal-test-server"))
    )
    yield env
    await env.shutdown()
