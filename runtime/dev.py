"""`dsrflow dev`: the embedded stack in one command, stopped cleanly with Ctrl-C.

It runs the Temporal dev server, the mail sink, the worker and the API. Each of the three
servers is a child process in its own session, so a Ctrl-C reaches only this supervisor,
which then stops them in order: API, worker, Temporal.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from database.engine import make_engine
from database.migrate import upgrade_to_head
from mail.sink import start_sink
from runtime.dev_server import start_dev_server
from runtime.ports import port_in_use, split_address, wait_for_port
from settings import Settings
from vault.service import Vault

logger = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 15


def _spawn(arguments: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    # The child keeps its own copy of the descriptor, so the parent's can close at once.
    with log_path.open("ab") as log:
        return subprocess.Popen(  # noqa: S603 - runs this same program with fixed arguments
            [sys.executable, "-m", "cli.main", *arguments],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes], name: str) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        logger.warning("dev.process_killed", extra={"child": name})
        process.kill()
        process.wait()


def run_dev(settings: Settings) -> int:
    """Start everything, block until Ctrl-C or a child exits, then stop everything.

    Returns 0 after Ctrl-C, 1 when a child process died on its own, 2 when a port is taken.
    """
    busy = _busy_ports(settings)
    if busy:
        sys.stderr.write(
            f"cannot start: port(s) {', '.join(busy)} already in use on this machine. "
            "Is `dsrflow dev` already running? Stop it, or choose other ports with "
            "DSRFLOW_API_PORT, DSRFLOW_TEMPORAL_ADDRESS, DSRFLOW_TEMPORAL_UI_PORT and "
            "DSRFLOW_SMTP_PORT.\n"
        )
        return 2

    data_dir = settings.data_dir
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade_to_head(settings.resolved_database_url)
    vault = Vault.from_settings(settings, engine)

    host, port = split_address(settings.temporal_address)
    temporal = start_dev_server(
        data_dir / "temporal.sqlite3",
        host,
        port,
        settings.temporal_ui_port,
        logs / "temporal.log",
    )
    children: list[tuple[str, subprocess.Popen[bytes]]] = [("temporal", temporal)]
    sink = None
    crashed: str | None = None
    try:
        wait_for_port(host, port, timeout_seconds=60)
        if settings.mail_sink:
            sink = start_sink(settings.outbox_dir, vault, settings.smtp_host, settings.smtp_port)
        children.append(("worker", _spawn(["worker"], logs / "worker.log")))
        children.append(("api", _spawn(["api"], logs / "api.log")))
        wait_for_port(settings.api_host, settings.api_port, timeout_seconds=60)
        _announce(settings)
        crashed = _wait_for_interrupt(children)
    finally:
        for name, process in reversed(children):
            _stop(process, name)
        if sink is not None:
            sink.stop()
        logger.info("dev.stopped")
    if crashed is not None:
        sys.stderr.write(
            f"dsrflow dev stopped because the {crashed} process exited unexpectedly; "
            f"see {logs / (crashed + '.log')}\n"
        )
        return 1
    return 0


def _busy_ports(settings: Settings) -> list[str]:
    temporal_host, temporal_port = split_address(settings.temporal_address)
    needed = [
        (settings.api_host, settings.api_port),
        (temporal_host, temporal_port),
        (temporal_host, settings.temporal_ui_port),
    ]
    if settings.mail_sink:
        needed.append((settings.smtp_host, settings.smtp_port))
    return [f"{host}:{port}" for host, port in needed if port_in_use(host, port)]


def _announce(settings: Settings) -> None:
    base = f"http://{settings.api_host}:{settings.api_port}"
    host, _ = split_address(settings.temporal_address)
    lines = [
        f"dsrflow is running (data in {settings.data_dir.resolve()})",
        f"  web form:     {base}/",
        f"  portal:       {base}/portal",
        f"  API docs:     {base}/docs",
        f"  Temporal UI:  http://{host}:{settings.temporal_ui_port}",
        f"  mail sink:    {settings.smtp_host}:{settings.smtp_port} -> {settings.outbox_dir}",
        "Press Ctrl-C to stop.",
    ]
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def _wait_for_interrupt(children: list[tuple[str, subprocess.Popen[bytes]]]) -> str | None:
    """Block until Ctrl-C (returns None) or until a child exits (returns its name)."""
    stopping = False

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    while not stopping:
        for name, process in children:
            if process.poll() is not None:
                logger.error(
                    "dev.process_exited", extra={"child": name, "code": process.returncode}
                )
                return name
        time.sleep(0.2)
    return None
