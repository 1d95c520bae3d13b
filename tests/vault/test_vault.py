from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from database.engine import session_scope
from vault.blind_index import email_index, normalize_email
from vault.errors import DecryptionError
from vault.fields import FieldPlace
from vault.ledger import LedgerVerificationError, verify_ledger
from vault.service import Vault

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PLACE = FieldPlace("person", "name", "per_1")


def test_normalize_email_nfc_and_case() -> None:
    decomposed = "Ju\u0308rgen@Example.DE"
    assert normalize_email(decomposed) == "j\u00fcrgen@example.de"


def test_blind_index_is_keyed() -> None:
    first = email_index(b"k" * 32, "ana@example.com")
    assert first == email_index(b"k" * 32, " ANA@example.com ")
    assert first != email_index(b"x" * 32, "ana@example.com")


def test_same_email_finds_same_subject(vault: Vault, engine: Engine) -> None:
    with session_scope(engine) as session:
        created = vault.find_or_create_subject(session, "Élodie@example.fr", NOW)
    with session_scope(engine) as session:
        found = vault.find_or_create_subject(session, "élodie@EXAMPLE.fr", NOW)
    assert found.id == created.id


def test_field_roundtrip_and_version_byte(vault: Vault, engine: Engine) -> None:
    with session_scope(engine) as session:
        subject = vault.find_or_create_subject(session, "kenji@example.jp", NOW)
        ciphertext = vault.encrypt(session, subject.key_id, PLACE, "山田 健二")
        assert ciphertext[:1] == b"\x01"
        assert vault.decrypt(session, subject.key_id, PLACE, ciphertext) == "山田 健二"


def test_ciphertext_bound_to_place(vault: Vault, engine: Engine) -> None:
    with session_scope(engine) as session:
        subject = vault.find_or_create_subject(session, "a@example.com", NOW)
        ciphertext = vault.encrypt(session, subject.key_id, PLACE, "Ana")
        with pytest.raises(DecryptionError):
            vault.decrypt(
                session, subject.key_id, FieldPlace("person", "name", "per_2"), ciphertext
            )
        with pytest.raises(DecryptionError):
            vault.decrypt(
                session, subject.key_id, FieldPlace("person", "email", "per_1"), ciphertext
            )


def test_destroyed_key_cannot_decrypt(vault: Vault, engine: Engine) -> None:
    with session_scope(engine) as session:
        subject = vault.find_or_create_subject(session, "gone@example.com", NOW)
        other = vault.find_or_create_subject(session, "stays@example.com", NOW)
        ciphertext = vault.encrypt(session, subject.key_id, PLACE, "Gone")
        kept = vault.encrypt(session, other.key_id, PLACE, "Stays")

    entry = vault.destroy_subject_key(subject.id, "req_1", NOW)

    with Session(engine) as session:
        with pytest.raises(DecryptionError):
            vault.decrypt(session, subject.key_id, PLACE, ciphertext)
        assert vault.decrypt(session, other.key_id, PLACE, kept) == "Stays"
        assert vault.find_subject(session, "gone@example.com") is None
    assert entry.sequence == 1
    assert entry.key_id == subject.key_id


def test_destroy_twice_returns_same_entry(vault: Vault, engine: Engine) -> None:
    with session_scope(engine) as session:
        subject = vault.find_or_create_subject(session, "twice@example.com", NOW)
    first = vault.destroy_subject_key(subject.id, "req_1", NOW)
    second = vault.destroy_subject_key(subject.id, "req_1", NOW)
    assert first.sequence == second.sequence
    assert first.entry_hash == second.entry_hash


def test_ledger_chain_and_tamper(vault: Vault, engine: Engine) -> None:
    with session_scope(engine) as session:
        subjects = [
            vault.find_or_create_subject(session, f"s{i}@example.com", NOW) for i in range(3)
        ]
    for subject in subjects:
        vault.destroy_subject_key(subject.id, None, NOW)
    public_key = vault.ledger_signer.public_key

    with Session(engine) as session:
        head = verify_ledger(session, public_key)
    assert len(head) == 64

    with engine.begin() as connection:
        connection.execute(
            text("UPDATE destruction_ledger SET subject_id = 'sub_forged' WHERE sequence = 2")
        )
    with Session(engine) as session, pytest.raises(LedgerVerificationError, match="entry 2"):
        verify_ledger(session, public_key)
