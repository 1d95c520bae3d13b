from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from contract_store.export import render_export_json
from contract_store.models import ContractParty, Person, party_notes_place, person_place
from contract_store.seed import SeededPerson, SeedSummary
from contract_store.subject_data import collect_subject_data, count_subject_records
from database.engine import session_scope
from tests.contract_store.conftest import NOW
from vault.errors import DecryptionError
from vault.service import Vault


def _busiest_person(seeded: SeedSummary) -> SeededPerson:
    return max(seeded.people, key=lambda person: person.contract_count)


def _co_parties(engine: Engine, person: SeededPerson) -> set[str]:
    """Return the person ids of everyone who shares a contract with ``person``."""
    with Session(engine) as session:
        contract_ids = select(ContractParty.contract_id).where(
            ContractParty.person_id == person.person_id
        )
        rows = session.exec(
            select(ContractParty.person_id).where(col(ContractParty.contract_id).in_(contract_ids))
        ).all()
    return set(rows) - {person.person_id}


def _parties_with_notes(engine: Engine, person: SeededPerson) -> list[ContractParty]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(ContractParty)
                .where(ContractParty.person_id == person.person_id)
                .where(col(ContractParty.notes_ciphertext).is_not(None))
            ).all()
        )


def test_collect_returns_own_contracts_and_documents(
    seeded: SeedSummary, store_engine: Engine, store_vault: Vault
) -> None:
    person = _busiest_person(seeded)

    with session_scope(store_engine) as session:
        data = collect_subject_data(session, store_vault, person.subject_id)
        counts = count_subject_records(session, person.subject_id)

    assert data.subject_id == person.subject_id
    assert [record.full_name for record in data.people] == [person.full_name]
    assert [record.email for record in data.people] == [person.email]
    assert len(data.contracts) == person.contract_count == counts["cs_contract"]
    assert sum(len(contract.parties) for contract in data.contracts) == counts["cs_contract_party"]
    assert len(data.documents) == counts["cs_contract_document"] > 0
    assert counts["cs_person"] == 1
    for contract in data.contracts:
        assert [party.person_id for party in contract.parties] == [person.person_id]
    for document in data.documents:
        assert document.person_id == person.person_id
        assert len(document.content) == document.size_bytes
        assert person.full_name in document.content.decode()
        assert document.contract_id in {contract.contract_id for contract in data.contracts}


def test_collect_omits_other_parties(
    seeded: SeedSummary, store_engine: Engine, store_vault: Vault
) -> None:
    person = _busiest_person(seeded)
    co_party_ids = _co_parties(store_engine, person)
    others = [other for other in seeded.people if other.person_id in co_party_ids]

    with session_scope(store_engine) as session:
        data = collect_subject_data(session, store_vault, person.subject_id)
    exported = render_export_json(data, "req_test", NOW).decode()

    assert len(others) >= 5
    for other in others:
        if other.full_name != person.full_name:
            assert other.full_name not in exported
        assert other.email not in exported
        assert other.person_id not in exported


def test_collect_unknown_subject_is_empty(store_engine: Engine, store_vault: Vault) -> None:
    with session_scope(store_engine) as session:
        data = collect_subject_data(session, store_vault, "sub_unknown")
        counts = count_subject_records(session, "sub_unknown")

    assert data.people == ()
    assert data.contracts == ()
    assert data.documents == ()
    assert set(counts.values()) == {0}


def test_destroyed_key_spares_co_party(
    seeded: SeedSummary, store_engine: Engine, store_vault: Vault
) -> None:
    erased = _busiest_person(seeded)
    shared_with = _co_parties(store_engine, erased)
    survivor = next(person for person in seeded.people if person.person_id in shared_with)
    with session_scope(store_engine) as session:
        survivor_before = collect_subject_data(session, store_vault, survivor.subject_id)
        erased_counts = count_subject_records(session, erased.subject_id)

    store_vault.destroy_subject_key(erased.subject_id, None, NOW)

    with session_scope(store_engine) as session, pytest.raises(DecryptionError):
        collect_subject_data(session, store_vault, erased.subject_id)
    with session_scope(store_engine) as session:
        survivor_after = collect_subject_data(session, store_vault, survivor.subject_id)
        erased_counts_after = count_subject_records(session, erased.subject_id)
    assert survivor_after == survivor_before
    assert survivor_after.people[0].full_name == survivor.full_name
    assert erased_counts_after == erased_counts


def test_notes_moved_to_other_row_fails(
    seeded: SeedSummary, store_engine: Engine, store_vault: Vault
) -> None:
    person = _busiest_person(seeded)
    source, target = _parties_with_notes(store_engine, person)[:2]
    assert source.notes_ciphertext is not None

    # Same person and key, so only the row id in the associated data differs.
    with session_scope(store_engine) as session:
        row = session.get(ContractParty, target.id)
        assert row is not None
        row.notes_ciphertext = source.notes_ciphertext
        session.add(row)

    with session_scope(store_engine) as session:
        key_id = session.exec(select(Person.key_id).where(Person.id == person.person_id)).one()
        original = store_vault.decrypt(
            session, key_id, party_notes_place(source.id), source.notes_ciphertext
        )
        with pytest.raises(DecryptionError):
            store_vault.decrypt(
                session, key_id, party_notes_place(target.id), source.notes_ciphertext
            )
        with pytest.raises(DecryptionError):
            collect_subject_data(session, store_vault, person.subject_id)
    assert person.full_name in original


def test_email_moved_to_phone_column_fails(
    seeded: SeedSummary, store_engine: Engine, store_vault: Vault
) -> None:
    person = _busiest_person(seeded)
    with session_scope(store_engine) as session:
        row = session.get(Person, person.person_id)
        assert row is not None
        row.phone_ciphertext = row.email_ciphertext
        session.add(row)

    with session_scope(store_engine) as session:
        row = session.get(Person, person.person_id)
        assert row is not None
        email = store_vault.decrypt(
            session, row.key_id, person_place("email_ciphertext", row.id), row.email_ciphertext
        )
        with pytest.raises(DecryptionError):
            store_vault.decrypt(
                session, row.key_id, person_place("phone_ciphertext", row.id), row.phone_ciphertext
            )
    assert email == person.email


def test_contract_mixes_keys_of_its_parties(seeded: SeedSummary, store_engine: Engine) -> None:
    with Session(store_engine) as session:
        rows = session.exec(
            select(ContractParty.contract_id, Person.key_id).join(
                Person, col(Person.id) == col(ContractParty.person_id)
            )
        ).all()
    keys_per_contract: dict[str, set[str]] = defaultdict(set)
    for contract_id, key_id in rows:
        keys_per_contract[contract_id].add(key_id)

    assert any(len(keys) >= 2 for keys in keys_per_contract.values())
    assert len(keys_per_contract) == seeded.contract_count
