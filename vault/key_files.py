"""Secret key files kept in the data directory with owner-only permissions."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_key_file(path: Path, size: int = 32) -> bytes:
    """Read a random key from ``path``, creating it with mode 0600 on first use."""
    if path.exists():
        key = path.read_bytes()
        if len(key) != size:
            raise ValueError(
                f"key file {path} contains {len(key)} bytes, expected {size}; "
                "restore it from backup or remove it only if no data was ever encrypted with it"
            )
        return key

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(size)
    # O_EXCL: two processes starting together must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_or_create_key_file(path, size)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key
