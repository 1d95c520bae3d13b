"""Running `dsrflow dev` as a child process on free loopback ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from runtime.ports import wait_for_port
from tests.conftest import free_port


@dataclass(frozen=True)
class Stack:
    data_dir: Path
    environment: dict[str, str]
    api_url: str

    def dsrflow(self, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *arguments],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def stack_environment(data_dir: Path) -> dict[str, str]:
    api_port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("DSRFLOW_")
    }
    environment.update(
        {
            "DSRFLOW_DATA_DIR": str(data_dir),
            "DSRFLOW_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
            "DSRFLOW_TEMPORAL_UI_PORT": str(free_port()),
            "DSRFLOW_API_PORT": str(api_port),
            "DSRFLOW_SMTP_PORT": str(free_port()),
            "DSRFLOW_PUBLIC_BASE_URL": f"http://127.0.0.1:{api_port}",
        }
    )
    return environment


@contextmanager
def running_stack(data_dir: Path) -> Iterator[Stack]:
    environment = stack_environment(data_dir)
    log = (data_dir.parent / "dev.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "dev"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_api(process, int(environment["DSRFLOW_API_PORT"]), data_dir.parent / "dev.log")
        yield Stack(data_dir, environment, environment["DSRFLOW_PUBLIC_BASE_URL"])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for_api(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    """Wait until the API accepts connections; fail at once, with the log, if the stack exits."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise AssertionError(f"dsrflow dev exited with {process.returncode}:\n{tail}")
        try:
            wait_for_port("127.0.0.1", port, timeout_seconds=1)
        except TimeoutError:
            continue
        return
    raise AssertionError(f"the API did not accept connections on port {port} within 90 s")
