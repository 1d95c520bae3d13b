"""Waiting for a TCP port to accept connections."""

from __future__ import annotations

import socket
import time


def wait_for_port(host: str, port: int, timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"nothing accepted connections on {host}:{port} within {timeout_seconds:.0f} s"
                ) from None
            time.sleep(0.1)


def port_in_use(host: str, port: int) -> bool:
    """Tell whether something already accepts connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)
