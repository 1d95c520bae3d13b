"""Everything the contract store contains about one subject, decrypted, for access requests.

A contract can name several people. The subject receives the contract facts and their own
party rows, never another party's personal data. Personal fields are left out of the
records' ``repr`` so that a stray log line cannot leak them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, distinct, select
from sqlmodel.sql.expression import SelectOfScalar

from contract_store.models import (
    CONTRACT_DOCUMENT_TABLE,
    CONTRACT_PARTY_TABLE,
    CONTRACT_TABLE,
    PERSON_TABLE,
    Contract,
    ContractDocument,
    ContractParty,
    Organisation,
    Person,
    document_content_place,
    document_filename_place,
    party_notes_place,
    person_place,
)
from vault.service import Vault


@dataclass(frozen=True)
class PersonRecord:
    """One ``cs_person`` row of the subject, decrypted, with its organisation."""

    person_id: str
    organisation_name: str
    organisation_country: str
    role_title: str
    full_name: str = field(repr=False)
    email: str = field(repr=False)
    phone: str = field(repr=False)
    postal_address: str = field(repr=False)


@dataclass(frozen=True)
class PartyRecord:
    """The subject's own part in a contract, with the notes about them decrypted."""

    party_id: str
    person_id: str
    role: str
    signed_at: datetime | None
    notes: str | None = field(repr=False)


@dataclass(frozen=True)
class ContractRecord:
    """A contract the subject is party to: its facts and only the subject's party rows."""

    contract_id: str
    title: str
    contract_type: str
    value_cents: int
    currency: str
    start_date: date
    end_date: date | None
    status: str
    created_at: datetime
    organisation_name: str
    organisation_country: str
    parties: tuple[PartyRecord, ...]


@dataclass(frozen=True)
class DocumentRecord:
    """A document about the subject, with filename and content decrypted."""

    document_id: str
    contract_id: str
    person_id: str
    filename: str = field(repr=False)
    media_type: str
    size_bytes: int
    created_at: datetime
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class SubjectData:
    """All decrypted contract-store data of one subject, in a stable order."""

    subject_id: str
    people: tuple[PersonRecord, ...]
    contracts: tuple[ContractRecord, ...]
    documents: tuple[DocumentRecord, ...]


def collect_subject_data(session: Session, vault: Vault, subject_id: str) -> SubjectData:
    """Load and decrypt every value the contract store contains for ``subject_id``.

    Raises DecryptionError when the subject key is destroyed or a ciphertext was altered or
    moved. The error is not caught here, because only the caller can tell whether an erased
    subject is expected. A subject without ``cs_person`` rows gets empty SubjectData.
    """
    people = session.exec(
        select(Person).where(Person.subject_id == subject_id).order_by(col(Person.id))
    ).all()
    if not people:
        return SubjectData(subject_id=subject_id, people=(), contracts=(), documents=())

    people_by_id = {person.id: person for person in people}
    parties_by_contract: dict[str, list[ContractParty]] = defaultdict(list)
    for party in _load_parties(session, people_by_id):
        parties_by_contract[party.contract_id].append(party)
    contracts = _load_contracts(session, parties_by_contract)
    documents = _load_documents(session, people_by_id)
    organisation_ids = {person.organisation_id for person in people} | {
        contract.organisation_id for contract in contracts
    }
    organisations = _load_organisations(session, organisation_ids)

    return SubjectData(
        subject_id=subject_id,
        people=tuple(
            _decrypt_person(session, vault, person, organisations[person.organisation_id])
            for person in people
        ),
        contracts=tuple(
            _contract_record(
                session,
                vault,
                contract,
                organisations[contract.organisation_id],
                parties_by_contract[contract.id],
                people_by_id,
            )
            for contract in contracts
        ),
        documents=tuple(
            _decrypt_document(session, vault, document, people_by_id[document.person_id])
            for document in documents
        ),
    )


def count_subject_records(session: Session, subject_id: str) -> dict[str, int]:
    """Count the subject's rows per table without decrypting anything.

    ``cs_contract`` counts the distinct contracts that name the subject. Those rows hold no
    personal data themselves. Works for a subject whose key is destroyed too.
    """
    person_ids = select(Person.id).where(Person.subject_id == subject_id)
    return {
        PERSON_TABLE: _count(
            session, select(func.count()).select_from(Person).where(Person.subject_id == subject_id)
        ),
        CONTRACT_TABLE: _count(
            session,
            select(func.count(distinct(ContractParty.contract_id))).where(
                col(ContractParty.person_id).in_(person_ids)
            ),
        ),
        CONTRACT_PARTY_TABLE: _count(
            session,
            select(func.count())
            .select_from(ContractParty)
            .where(col(ContractParty.person_id).in_(person_ids)),
        ),
        CONTRACT_DOCUMENT_TABLE: _count(
            session,
            select(func.count())
            .select_from(ContractDocument)
            .where(col(ContractDocument.person_id).in_(person_ids)),
        ),
    }


def _count(session: Session, statement: SelectOfScalar[int]) -> int:
    return session.exec(statement).one()


def _load_parties(session: Session, people_by_id: dict[str, Person]) -> Sequence[ContractParty]:
    return session.exec(
        select(ContractParty)
        .where(col(ContractParty.person_id).in_(people_by_id))
        .order_by(col(ContractParty.contract_id), col(ContractParty.id))
    ).all()


def _load_contracts(session: Session, contract_ids: Iterable[str]) -> Sequence[Contract]:
    return session.exec(
        select(Contract)
        .where(col(Contract.id).in_(list(contract_ids)))
        .order_by(col(Contract.start_date), col(Contract.id))
    ).all()


def _load_documents(
    session: Session, people_by_id: dict[str, Person]
) -> Sequence[ContractDocument]:
    return session.exec(
        select(ContractDocument)
        .where(col(ContractDocument.person_id).in_(people_by_id))
        .order_by(col(ContractDocument.created_at), col(ContractDocument.id))
    ).all()


def _load_organisations(
    session: Session, organisation_ids: Iterable[str]
) -> dict[str, Organisation]:
    rows = session.exec(
        select(Organisation).where(col(Organisation.id).in_(list(organisation_ids)))
    ).all()
    return {row.id: row for row in rows}


def _decrypt_person(
    session: Session, vault: Vault, person: Person, organisation: Organisation
) -> PersonRecord:
    def decrypt(column: str, value: bytes) -> str:
        return vault.decrypt(session, person.key_id, person_place(column, person.id), value)

    return PersonRecord(
        person_id=person.id,
        organisation_name=organisation.name,
        organisation_country=organisation.country,
        role_title=person.role_title,
        full_name=decrypt("full_name_ciphertext", person.full_name_ciphertext),
        email=decrypt("email_ciphertext", person.email_ciphertext),
        phone=decrypt("phone_ciphertext", person.phone_ciphertext),
        postal_address=decrypt("postal_address_ciphertext", person.postal_address_ciphertext),
    )


def _contract_record(
    session: Session,
    vault: Vault,
    contract: Contract,
    organisation: Organisation,
    own_parties: Sequence[ContractParty],
    people_by_id: dict[str, Person],
) -> ContractRecord:
    return ContractRecord(
        contract_id=contract.id,
        title=contract.title,
        contract_type=contract.contract_type,
        value_cents=contract.value_cents,
        currency=contract.currency,
        start_date=contract.start_date,
        end_date=contract.end_date,
        status=contract.status,
        created_at=contract.created_at,
        organisation_name=organisation.name,
        organisation_country=organisation.country,
        parties=tuple(
            _decrypt_party(session, vault, party, people_by_id[party.person_id])
            for party in own_parties
        ),
    )


def _decrypt_party(
    session: Session, vault: Vault, party: ContractParty, person: Person
) -> PartyRecord:
    notes = None
    if party.notes_ciphertext is not None:
        notes = vault.decrypt(
            session, person.key_id, party_notes_place(party.id), party.notes_ciphertext
        )
    return PartyRecord(
        party_id=party.id,
        person_id=party.person_id,
        role=party.role,
        signed_at=party.signed_at,
        notes=notes,
    )


def _decrypt_document(
    session: Session, vault: Vault, document: ContractDocument, person: Person
) -> DocumentRecord:
    return DocumentRecord(
        document_id=document.id,
        contract_id=document.contract_id,
        person_id=document.person_id,
        filename=vault.decrypt(
            session,
            person.key_id,
            document_filename_place(document.id),
            document.filename_ciphertext,
        ),
        media_type=document.media_type,
        size_bytes=document.size_bytes,
        created_at=document.created_at,
        content=vault.decrypt_bytes(
            session, person.key_id, document_content_place(document.id), document.content_ciphertext
        ),
    )
