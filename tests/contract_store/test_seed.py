from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

from email_validator import validate_email
from sqlalchemy import Engine
from sqlmodel import Session, select

from contract_store.models import Contract, ContractDocument, ContractParty, Organisation, Person
from contract_store.seed import SeedSummary, seed_contracts
from tests.contract_store.conftest import NOW, SEED, create_store, create_vault
from vault.service import Vault


def _seed_fresh_store(directory: Path, seed: int) -> SeedSummary:
    directory.mkdir()
    engine = create_store(directory / "contracts.sqlite3")
    try:
        return seed_contracts(engine, create_vault(engine, directory), 200, seed, NOW)
    finally:
        engine.dispose()


def _people_values(summary: SeedSummary) -> list[tuple[str, str, int, str]]:
    return [
        (person.email, person.full_name, person.contract_count, person.locale)
        for person in summary.people
    ]


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(character, "").startswith("CJK UNIFIED") for character in text)


def test_seed_same_seed_same_values(tmp_path: Path) -> None:
    first = _seed_fresh_store(tmp_path / "first", SEED)
    second = _seed_fresh_store(tmp_path / "second", SEED)
    other = _seed_fresh_store(tmp_path / "other", SEED + 1)

    assert _people_values(first) == _people_values(second)
    assert first.party_count == second.party_count
    assert first.document_count == second.document_count
    assert first.organisation_count == second.organisation_count
    assert _people_values(first) != _people_values(other)


def test_seed_counts_match_rows(seeded: SeedSummary, store_engine: Engine) -> None:
    with Session(store_engine) as session:
        contracts = session.exec(select(Contract)).all()
        parties = session.exec(select(ContractParty)).all()
        documents = session.exec(select(ContractDocument)).all()
        people = session.exec(select(Person)).all()
        organisations = session.exec(select(Organisation)).all()

    assert seeded.contract_count == len(contracts) == 200
    assert seeded.party_count == len(parties)
    assert seeded.document_count == len(documents) > 0
    assert seeded.person_count == len(people) == len(seeded.people)
    assert seeded.organisation_count == len(organisations)
    assert len({person.subject_id for person in people}) == len(people)

    parties_per_contract = Counter(party.contract_id for party in parties)
    assert set(parties_per_contract) == {contract.id for contract in contracts}
    assert set(parties_per_contract.values()) <= {1, 2, 3}
    contracts_per_person = Counter(party.person_id for party in parties)
    assert {person.person_id: person.contract_count for person in seeded.people} == dict(
        contracts_per_person
    )


def test_seed_people_recur_across_contracts(seeded: SeedSummary) -> None:
    counts = sorted((person.contract_count for person in seeded.people), reverse=True)

    assert counts[0] >= 20
    assert sum(1 for count in counts if count >= 5) >= 10
    assert min(counts) >= 1


def test_seed_names_and_emails_are_international(seeded: SeedSummary) -> None:
    locales = {person.locale for person in seeded.people}
    japanese = [person for person in seeded.people if person.locale == "ja_JP"]

    assert {"en_US", "de_DE", "fr_FR", "es_ES", "ja_JP"} <= locales
    assert japanese
    assert all(_is_cjk(person.full_name) for person in japanese)
    assert any(not person.email.isascii() for person in seeded.people)
    assert any(not person.email.split("@")[1].isascii() for person in seeded.people)
    assert any(not person.email.split("@")[0].isascii() for person in seeded.people)


def test_seed_emails_valid_and_reserved(seeded: SeedSummary) -> None:
    for person in seeded.people:
        domain = person.email.rsplit("@", 1)[1]
        assert domain.endswith(".example") or domain.startswith("example."), domain
        # The web form checks addresses with email-validator, so a demo can submit these.
        validate_email(person.email, check_deliverability=False)


def test_seed_personal_data_not_in_clear(
    seeded: SeedSummary, store_engine: Engine, database_path: Path
) -> None:
    files = [database_path, database_path.with_name(database_path.name + "-wal")]
    stored = b"".join(path.read_bytes() for path in files if path.exists())
    with Session(store_engine) as session:
        organisation_name = session.exec(select(Organisation.name)).first()

    # Organisation names are stored in clear, so finding one shows that the search can hit.
    assert organisation_name is not None
    assert organisation_name.encode() in stored
    for person in seeded.people:
        assert person.full_name.encode() not in stored
        assert person.email.encode() not in stored
        assert person.email.split("@")[0].encode() not in stored


def test_seed_again_reuses_people(
    seeded: SeedSummary, store_engine: Engine, store_vault: Vault
) -> None:
    again = seed_contracts(store_engine, store_vault, 200, SEED, NOW)
    with Session(store_engine) as session:
        people = session.exec(select(Person)).all()
        contracts = session.exec(select(Contract)).all()

    assert [person.person_id for person in again.people] == [
        person.person_id for person in seeded.people
    ]
    assert [person.subject_id for person in again.people] == [
        person.subject_id for person in seeded.people
    ]
    assert len(people) == len(seeded.people)
    assert len(contracts) == 400
