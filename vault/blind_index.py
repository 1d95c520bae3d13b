"""Blind indexes: keyed HMAC-SHA256 over normalized identifiers, so lookups need no clear text."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def normalize_email(email: str) -> str:
    """NFC-normalize, trim and lower-case an email address (local part included)."""
    return unicodedata.normalize("NFC", email.strip()).lower()


def email_index(index_key: bytes, email: str) -> str:
    normalized = normalize_email(email).encode()
    return hmac.new(index_key, b"email\x00" + normalized, hashlib.sha256).hexdigest()
