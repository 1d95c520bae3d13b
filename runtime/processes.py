"""Entry points of the long-running processes: the worker and the API server."""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor

import uvicorn

from database.engine import make_engine
from database.migrate import upgrade_to_head
from runtime.gateway import TemporalGateway
from runtime.temporal import connect
from runtime.worker import build_worker
from settings import Settings
from vault.service import Vault

logger = logging.getLogger(__name__)


async def run_worker(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    upgrade_to_head(settings.resolved_database_url)
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    with ThreadPoolExecutor(max_workers=8) as executor:
        worker = build_worker(client, settings, engine, executor)
        logger.info("worker.started", extra={"task_queue": settings.task_queue})
        async with worker:
            await stop.wait()
    logger.info("worker.stopped")


async def run_api(settings: Settings) -> None:
    from api.access_log import uvicorn_log_config
    from api.main import create_app
    from mail.outbox import OutboxEntry, read_outbox

    engine = make_engine(settings.resolved_database_url)
    upgrade_to_head(settings.resolved_database_url)
    vault = Vault.from_settings(settings, engine)
    client = await connect(settings)
    gateway = TemporalGateway(client, settings.task_queue)

    def outbox_reader() -> list[OutboxEntry]:
        return read_outbox(settings.outbox_dir, vault)

    app = create_app(
        settings,
        engine,
        vault,
        gateway,
        outbox_reader=outbox_reader if settings.mail_sink else None,
    )
    config = uvicorn.Config(
        app, host=settings.api_host, port=settings.api_port, log_config=uvicorn_log_config()
    )
    logger.info("api.started", extra={"port": settings.api_port})
    await uvicorn.Server(config).serve()
    logger.info("api.stopped")
