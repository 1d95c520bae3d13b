"""The vault: subjects, their data keys, field encryption and crypto-shredding."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from database.engine import checkpoint_sqlite, session_scope
from database.identifiers import new_id
from settings import Settings
from vault.blind_index import email_index
from vault.envelope import KeyEncryptionKeyProvider, LocalKeyFileProvider
from vault.errors import DecryptionError, SubjectNotFoundError
from vault.fields import FieldPlace, decrypt_field, encrypt_field
from vault.key_files import load_or_create_key_file
from vault.ledger import LedgerSigner, append_entry
from vault.models import LedgerEntry, Subject, SubjectKey


@dataclass(frozen=True)
class DataKey:
    key_id: str
    material: bytes


class Vault:
    """Create subjects, encrypt and decrypt their fields, and destroy their keys.

    Unwrapped keys are not cached: the API and the worker run in separate processes, and a
    cache in one would keep a key alive after the other destroyed it.
    """

    def __init__(
        self,
        engine: Engine,
        kek: KeyEncryptionKeyProvider,
        index_key: bytes,
        ledger_signer: LedgerSigner,
    ) -> None:
        self.engine = engine
        self.kek = kek
        self.index_key = index_key
        self.ledger_signer = ledger_signer

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine) -> Vault:
        keys_dir = settings.keys_dir
        return cls(
            engine=engine,
            kek=LocalKeyFileProvider(settings.kek_path or keys_dir / "kek.bin"),
            index_key=load_or_create_key_file(
                settings.blind_index_key_path or keys_dir / "blind-index.bin"
            ),
            ledger_signer=LedgerSigner.from_file(
                settings.ledger_key_path or keys_dir / "ledger-ed25519.bin"
            ),
        )

    def find_subject(self, session: Session, email: str) -> Subject | None:
        index = email_index(self.index_key, email)
        return session.exec(select(Subject).where(Subject.email_index == index)).first()

    def find_or_create_subject(self, session: Session, email: str, now: datetime) -> Subject:
        """Return the subject with this email, creating it and its data key when new."""
        existing = self.find_subject(session, email)
        if existing is not None:
            return existing

        subject = Subject(
            id=new_id("sub"),
            email_index=email_index(self.index_key, email),
            key_id=new_id("key"),
            created_at=now,
        )
        material = os.urandom(32)
        session.add(subject)
        session.add(
            SubjectKey(
                id=subject.key_id,
                subject_id=subject.id,
                kek_id=self.kek.kek_id,
                wrapped=self.kek.wrap(material, subject.key_id),
                created_at=now,
            )
        )
        session.flush()
        return subject

    def data_key(self, session: Session, key_id: str) -> DataKey:
        """Unwrap a subject key; a destroyed key raises the same opaque DecryptionError."""
        row = session.get(SubjectKey, key_id)
        if row is None:
            raise DecryptionError()
        return DataKey(key_id=key_id, material=self.kek.unwrap(row.wrapped, key_id))

    def encrypt(self, session: Session, key_id: str, place: FieldPlace, plaintext: str) -> bytes:
        return self.encrypt_bytes(session, key_id, place, plaintext.encode())

    def encrypt_bytes(
        self, session: Session, key_id: str, place: FieldPlace, plaintext: bytes
    ) -> bytes:
        key = self.data_key(session, key_id)
        return encrypt_field(key.material, key.key_id, place, plaintext)

    def decrypt(self, session: Session, key_id: str, place: FieldPlace, value: bytes) -> str:
        return self.decrypt_bytes(session, key_id, place, value).decode()

    def decrypt_bytes(
        self, session: Session, key_id: str, place: FieldPlace, value: bytes
    ) -> bytes:
        key = self.data_key(session, key_id)
        return decrypt_field(key.material, key.key_id, place, value)

    def destroy_subject_key(
        self, subject_id: str, request_id: str | None, now: datetime
    ) -> LedgerEntry:
        """Crypto-shred a subject: delete the wrapped key, clear the blind index, sign a tombstone.

        Idempotent: a second call for an already destroyed key returns the existing entry, so
        an activity retried after a crash records the destruction exactly once.
        """
        with session_scope(self.engine) as session:
            subject = session.get(Subject, subject_id)
            if subject is None:
                raise SubjectNotFoundError(f"subject {subject_id} not found")

            existing = session.exec(
                select(LedgerEntry).where(LedgerEntry.key_id == subject.key_id)
            ).first()
            if existing is not None:
                return existing

            key_row = session.get(SubjectKey, subject.key_id)
            if key_row is not None:
                session.delete(key_row)
            subject.email_index = None
            subject.erased_at = now
            session.add(subject)
            entry = append_entry(
                session, self.ledger_signer, subject.key_id, subject.id, request_id, now
            )

        checkpoint_sqlite(self.engine)
        return entry
