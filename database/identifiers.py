"""Opaque identifiers: a short prefix naming the kind, then 128 random bits in base32."""

from __future__ import annotations

import base64
import secrets


def new_id(prefix: str) -> str:
    """Return an id such as ``req_3kq7...``: unguessable and free of personal data."""
    raw = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()
    return f"{prefix}_{raw}"
