"""The destruction ledger: an append-only, hash-chained, Ed25519-signed list of destroyed keys."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlmodel import Session, col, select

from database.engine import lock_for_append
from vault.key_files import load_or_create_key_file
from vault.models import LedgerEntry

GENESIS_HASH = "0" * 64


class LedgerVerificationError(Exception):
    """The ledger was altered: a hash, a link or a signature does not match."""


@dataclass(frozen=True)
class LedgerSigner:
    private_key: Ed25519PrivateKey

    @classmethod
    def from_file(cls, path: Path) -> LedgerSigner:
        return cls(Ed25519PrivateKey.from_private_bytes(load_or_create_key_file(path)))

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def _entry_digest(
    sequence: int,
    key_id: str,
    subject_id: str,
    request_id: str | None,
    destroyed_at: datetime,
    previous_hash: str,
) -> str:
    body = {
        "sequence": sequence,
        "key_id": key_id,
        "subject_id": subject_id,
        "request_id": request_id,
        "destroyed_at": destroyed_at.isoformat(),
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(canonical).hexdigest()


def _lock_ledger(session: Session) -> None:
    # Two workers destroying keys at once must not both take the same sequence number.
    lock_for_append(session, "destruction_ledger", 7201)


def append_entry(
    session: Session,
    signer: LedgerSigner,
    key_id: str,
    subject_id: str,
    request_id: str | None,
    destroyed_at: datetime,
) -> LedgerEntry:
    """Add a signed tombstone for ``key_id`` after the current head, in the caller's transaction."""
    _lock_ledger(session)
    head = session.exec(select(LedgerEntry).order_by(col(LedgerEntry.sequence).desc())).first()
    sequence = 1 if head is None else head.sequence + 1
    previous_hash = GENESIS_HASH if head is None else head.entry_hash

    entry_hash = _entry_digest(
        sequence, key_id, subject_id, request_id, destroyed_at, previous_hash
    )
    entry = LedgerEntry(
        sequence=sequence,
        key_id=key_id,
        subject_id=subject_id,
        request_id=request_id,
        destroyed_at=destroyed_at,
        previous_hash=previous_hash,
        entry_hash=entry_hash,
        signature=signer.private_key.sign(bytes.fromhex(entry_hash)).hex(),
    )
    session.add(entry)
    return entry


def verify_ledger(session: Session, public_key: Ed25519PublicKey) -> str:
    """Check every link and signature; return the head hash or raise LedgerVerificationError."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    for entry in session.exec(select(LedgerEntry).order_by(col(LedgerEntry.sequence))):
        if entry.sequence != expected_sequence:
            raise LedgerVerificationError(f"ledger entry {expected_sequence} is missing")
        if entry.previous_hash != previous_hash:
            raise LedgerVerificationError(f"ledger entry {entry.sequence} breaks the chain")

        digest = _entry_digest(
            entry.sequence,
            entry.key_id,
            entry.subject_id,
            entry.request_id,
            entry.destroyed_at,
            entry.previous_hash,
        )
        if digest != entry.entry_hash:
            raise LedgerVerificationError(f"ledger entry {entry.sequence} was altered")
        try:
            public_key.verify(bytes.fromhex(entry.signature), bytes.fromhex(digest))
        except InvalidSignature:
            raise LedgerVerificationError(
                f"ledger entry {entry.sequence} has an invalid signature"
            ) from None

        previous_hash = entry.entry_hash
        expected_sequence += 1
    return previous_hash
