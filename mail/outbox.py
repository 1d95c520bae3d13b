"""The development outbox: messages caught by the SMTP sink, sealed under the subject's key.

A message to a known data subject is encrypted under that subject's key, so erasing the
subject makes their copies in the outbox unreadable as well. Messages to other addresses
(the privacy team) carry no subject data and are stored as plain ``.eml`` files.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from database.identifiers import new_id
from vault.errors import DecryptionError
from vault.fields import FieldPlace
from vault.service import Vault

SEALED_SUFFIX = ".eml.sealed"
PLAIN_SUFFIX = ".eml"


@dataclass(frozen=True)
class OutboxEntry:
    id: str
    received_at: datetime
    subject: str
    recipient_count: int
    body: str | None  # None when the recipient was erased and the message can no longer be read
    key_id: str | None = None  # the subject key the message is sealed under, if any


def store_message(
    outbox: Path, vault: Vault, raw: bytes, recipients: list[str], now: datetime
) -> Path:
    """Write one caught message, sealed under the first recipient who is a known subject."""
    outbox.mkdir(parents=True, exist_ok=True)
    message_id = new_id("msg")
    with Session(vault.engine) as session:
        subject = next(
            (found for r in recipients if (found := vault.find_subject(session, r)) is not None),
            None,
        )
        if subject is None:
            return _write_atomically(outbox / f"{message_id}{PLAIN_SUFFIX}", raw)

        place = FieldPlace("outbox", "message", message_id)
        header = {
            "id": message_id,
            "key_id": subject.key_id,
            "received_at": now.isoformat(),
            "recipient_count": len(recipients),
        }
        sealed = vault.encrypt_bytes(session, subject.key_id, place, raw)
    content = json.dumps(header).encode() + b"\n" + sealed
    return _write_atomically(outbox / f"{message_id}{SEALED_SUFFIX}", content)


def _write_atomically(path: Path, content: bytes) -> Path:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
    return path


def read_outbox(outbox: Path, vault: Vault) -> list[OutboxEntry]:
    """List caught messages, newest first; erased subjects' messages have no body."""
    if not outbox.exists():
        return []
    entries = [
        _read_entry(path, vault)
        for path in outbox.iterdir()
        if path.name.endswith((SEALED_SUFFIX, PLAIN_SUFFIX))
    ]
    return sorted(entries, key=lambda entry: entry.received_at, reverse=True)


def read_message(path: Path, vault: Vault) -> bytes | None:
    """Return the raw message, or None when it is sealed under a destroyed key."""
    if path.name.endswith(PLAIN_SUFFIX):
        return path.read_bytes()
    header_line, sealed = path.read_bytes().split(b"\n", 1)
    header = json.loads(header_line)
    place = FieldPlace("outbox", "message", header["id"])
    with Session(vault.engine) as session:
        try:
            return vault.decrypt_bytes(session, header["key_id"], place, sealed)
        except DecryptionError:
            return None


def _read_entry(path: Path, vault: Vault) -> OutboxEntry:
    header: dict[str, object] = {}
    if path.name.endswith(SEALED_SUFFIX):
        header = json.loads(path.read_bytes().split(b"\n", 1)[0])
        received_at = datetime.fromisoformat(str(header["received_at"]))
        recipient_count = int(str(header["recipient_count"]))
        message_id = str(header["id"])
    else:
        received_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        recipient_count = 1
        message_id = path.name.removesuffix(PLAIN_SUFFIX)

    raw = read_message(path, vault)
    key_id = str(header["key_id"]) if path.name.endswith(SEALED_SUFFIX) else None
    if raw is None:
        return OutboxEntry(message_id, received_at, "(erased)", recipient_count, None, key_id)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    body_part = parsed.get_body(preferencelist=("plain",))
    body = body_part.get_content() if body_part is not None else ""
    return OutboxEntry(
        message_id, received_at, str(parsed["Subject"]), recipient_count, body, key_id
    )
