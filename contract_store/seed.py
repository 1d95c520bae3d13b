"""Demo data for the contract store: organisations, people, contracts, parties and documents.

Names, addresses and phone numbers come from Faker in five locales. Japanese people get
names in kanji, and about a third of all people get an internationalized email address
such as ``jürgen.müller@bücher.example``. Every email domain ends in the reserved ``.example``.
The same seed gives the same values with the same Faker version. Row ids come from
``new_id`` and differ on every run.

Everything is planned in memory first and then written in batches of a few hundred rows
per transaction rather than one transaction per row, which keeps the number of commits small.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from faker import Faker
from sqlalchemy import Engine
from sqlmodel import Session, select

from contract_store.models import (
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
from database.engine import session_scope
from database.identifiers import new_id
from vault.blind_index import normalize_email
from vault.service import Vault

LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "ja_JP")
COUNTRY_BY_LOCALE = {"en_US": "US", "de_DE": "DE", "fr_FR": "FR", "es_ES": "ES", "ja_JP": "JP"}
CURRENCY_BY_COUNTRY = {"US": "USD", "JP": "JPY"}
DEFAULT_CURRENCY = "EUR"
CONTRACT_TYPE_TITLES = {
    "master_services": "Master services agreement",
    "non_disclosure": "Non-disclosure agreement",
    "supply": "Supply agreement",
    "software_licence": "Software licence",
    "data_processing": "Data processing agreement",
}

CONTRACTS_PER_ORGANISATION = 8
CONTRACTS_PER_STAFF_MEMBER = 60
MAX_PEOPLE_PER_ORGANISATION = 4
INTERNATIONAL_EMAIL_SHARE = 0.3
NOTES_SHARE = 0.7
SIGNATURE_PAGE_SHARE = 0.5
PEOPLE_PER_TRANSACTION = 250
# About 3.5 rows each: the contract, 1-3 parties and sometimes a document.
CONTRACTS_PER_TRANSACTION = 100

# Letters that Unicode decomposition does not reduce to ASCII.
_ASCII_SPELLINGS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})

T = TypeVar("T")


@dataclass(frozen=True)
class SeededPerson:
    """A seeded person, for a demo command that picks subjects. Never log the clear values."""

    person_id: str
    subject_id: str
    email: str = field(repr=False)
    full_name: str = field(repr=False)
    contract_count: int
    locale: str


@dataclass(frozen=True)
class SeedSummary:
    """Row counts of one ``seed_contracts`` run, and the people named in its contracts.

    ``person_count`` and ``people`` include existing people whose rows were reused.
    """

    organisation_count: int
    person_count: int
    contract_count: int
    party_count: int
    document_count: int
    people: list[SeededPerson]


@dataclass
class _PersonPlan:
    id: str
    organisation_id: str
    locale: str
    role_title: str
    full_name: str
    email: str
    phone: str
    postal_address: str
    contract_count: int = 0
    # Set when the person is written: the vault creates the subject and its key.
    subject_id: str = ""
    key_id: str = ""


@dataclass
class _OrganisationPlan:
    row: Organisation
    locale: str
    ascii_domain: str
    unicode_domain: str
    people: list[_PersonPlan] = field(default_factory=list)


@dataclass(frozen=True)
class _Name:
    full: str
    first: str
    last: str
    ascii_first: str
    ascii_last: str
    family_name_first: bool


@dataclass
class _PartyPlan:
    person: _PersonPlan
    role: str
    signed_at: datetime | None
    notes: str | None


@dataclass
class _DocumentPlan:
    person: _PersonPlan
    filename: str
    media_type: str
    content: bytes
    created_at: datetime


@dataclass
class _ContractPlan:
    row: Contract
    parties: list[_PartyPlan]
    documents: list[_DocumentPlan]


def seed_contracts(
    engine: Engine, vault: Vault, count: int, seed: int, now: datetime
) -> SeedSummary:
    """Write ``count`` demo contracts with their organisations, people, parties and documents.

    Each person is written once per subject. When a person's email already belongs to a
    subject with a ``cs_person`` row, that row is reused unchanged. ``now`` must be
    timezone-aware and sets subject creation times and the contract date range (the five
    years before ``now``).
    """
    if count < 0:
        raise ValueError(f"count must be zero or more, got {count}")
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")

    planner = _Planner(seed, now)
    organisations = planner.plan_organisations(
        max(1, math.ceil(count / CONTRACTS_PER_ORGANISATION))
    )
    staff = planner.plan_staff(max(1, math.ceil(count / CONTRACTS_PER_STAFF_MEMBER)))
    contracts = [
        planner.plan_contract(number, organisations, staff) for number in range(1, count + 1)
    ]

    # People never picked for a contract would be persons without contracts: leave them out.
    everyone = [person for organisation in organisations for person in organisation.people]
    people = [person for person in everyone + staff if person.contract_count > 0]
    used_organisation_ids = {person.organisation_id for person in people}
    organisation_rows = [
        plan.row
        for plan in [*organisations, planner.controller]
        if plan.row.id in used_organisation_ids
    ]

    _write_organisations(engine, organisation_rows)
    _write_people(engine, vault, people, now)
    _write_contracts(engine, vault, contracts)

    return _summarise(organisation_rows, people, contracts)


class _Planner:
    """Generates the demo values in memory from one seed, without touching the database."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.astimezone(UTC).date()
        self.fakers = {locale: _seeded_faker(locale, seed) for locale in LOCALES}
        self.used_emails: set[str] = set()
        self.controller = self._plan_organisation(0, "en_US")

    def plan_organisations(self, count: int) -> list[_OrganisationPlan]:
        """Plan counterparties with 1-4 people each, cycling through the locales."""
        organisations = []
        for index in range(1, count + 1):
            # Cycling rather than drawing makes every locale appear once there are 5 organisations.
            organisation = self._plan_organisation(index, LOCALES[(index - 1) % len(LOCALES)])
            for _ in range(self.rng.randint(1, MAX_PEOPLE_PER_ORGANISATION)):
                organisation.people.append(self._plan_person(organisation, organisation.locale))
            organisations.append(organisation)
        return organisations

    def plan_staff(self, count: int) -> list[_PersonPlan]:
        """Plan the controller's own employees, who appear on many contracts as its contacts."""
        return [
            self._plan_person(self.controller, LOCALES[index % len(LOCALES)])
            for index in range(count)
        ]

    def plan_contract(
        self, number: int, organisations: Sequence[_OrganisationPlan], staff: Sequence[_PersonPlan]
    ) -> _ContractPlan:
        organisation = self.rng.choice(organisations)
        contract_type = self.rng.choice(list(CONTRACT_TYPE_TITLES))
        start_date = self.today - timedelta(days=self.rng.randint(0, 5 * 365))
        term_years = self.rng.choice((1, 2, 3, None))
        end_date = None if term_years is None else start_date + timedelta(days=365 * term_years)
        created_at = datetime.combine(start_date, time(9), UTC) - timedelta(
            days=self.rng.randint(1, 30), minutes=self.rng.randint(0, 600)
        )
        currency = CURRENCY_BY_COUNTRY.get(organisation.row.country, DEFAULT_CURRENCY)
        type_title = CONTRACT_TYPE_TITLES[contract_type]
        title = f"{type_title} {start_date.year}-{number:05d}, {organisation.row.name}"

        row = Contract(
            id=new_id("con"),
            organisation_id=organisation.row.id,
            title=title,
            contract_type=contract_type,
            value_cents=self.rng.randint(1_000, 500_000) * 100,
            currency=currency,
            start_date=start_date,
            end_date=end_date,
            status=self._plan_status(end_date),
            created_at=created_at,
        )
        parties = self._plan_parties(row, organisation, staff)
        documents = self._plan_documents(row, number, parties)
        return _ContractPlan(row=row, parties=parties, documents=documents)

    def _plan_organisation(self, index: int, locale: str) -> _OrganisationPlan:
        name = self.fakers[locale].company()
        # Japanese company names fold to nothing in ASCII, so fall back to a numbered label.
        ascii_label = _domain_label(_ascii_fold(name), 40) or f"org{index}"
        unicode_label = _idn_label(name) or ascii_label
        row = Organisation(id=new_id("org"), name=name, country=COUNTRY_BY_LOCALE[locale])
        return _OrganisationPlan(
            row=row,
            locale=locale,
            ascii_domain=f"{ascii_label}.example",
            unicode_domain=f"{unicode_label}.example",
        )

    def _plan_person(self, organisation: _OrganisationPlan, locale: str) -> _PersonPlan:
        fake = self.fakers[locale]
        name = _fake_name(fake, locale)
        return _PersonPlan(
            id=new_id("per"),
            organisation_id=organisation.row.id,
            locale=locale,
            role_title=fake.job(),
            full_name=name.full,
            email=self._plan_email(name, organisation),
            phone=fake.phone_number(),
            postal_address=fake.address(),
        )

    def _plan_email(self, name: _Name, organisation: _OrganisationPlan) -> str:
        if self.rng.random() < INTERNATIONAL_EMAIL_SHARE:
            parts = (name.last, name.first) if name.family_name_first else (name.first, name.last)
            domain = organisation.unicode_domain
        else:
            parts = (name.ascii_first, name.ascii_last)
            domain = organisation.ascii_domain
        # 20 characters per part keep the local part within its 64-octet limit.
        local_part = ".".join(_domain_label(part, 20) or "x" for part in parts)

        # The vault finds subjects by normalized email, so two people must never share one.
        candidate = f"{local_part}@{domain}"
        suffix = 1
        while normalize_email(candidate) in self.used_emails:
            suffix += 1
            candidate = f"{local_part}{suffix}@{domain}"
        self.used_emails.add(normalize_email(candidate))
        return candidate

    def _plan_status(self, end_date: date | None) -> str:
        if end_date is not None and end_date < self.today:
            return "expired"
        draw = self.rng.random()
        if draw < 0.08:
            return "draft"
        if draw < 0.13:
            return "terminated"
        return "active"

    def _plan_parties(
        self, contract: Contract, organisation: _OrganisationPlan, staff: Sequence[_PersonPlan]
    ) -> list[_PartyPlan]:
        """Plan 1-3 distinct parties: a counterparty signatory, maybe a contact, maybe staff."""
        signatory = self.rng.choice(organisation.people)
        chosen = [(signatory, "signatory")]
        colleagues = [person for person in organisation.people if person is not signatory]
        if colleagues and self.rng.random() < 0.5:
            chosen.append((self.rng.choice(colleagues), "contact"))
        if self.rng.random() < 0.6:
            chosen.append((self.rng.choice(staff), self.rng.choice(("signatory", "contact"))))

        parties = []
        for person, role in chosen:
            person.contract_count += 1
            parties.append(
                _PartyPlan(
                    person=person,
                    role=role,
                    signed_at=self._plan_signed_at(contract, role),
                    notes=self._plan_notes(person),
                )
            )
        return parties

    def _plan_signed_at(self, contract: Contract, role: str) -> datetime | None:
        if role != "signatory" or contract.status == "draft":
            return None
        # Contracts starting today could otherwise be signed after ``now``.
        return min(contract.created_at + timedelta(hours=self.rng.randint(1, 240)), self.now)

    def _plan_notes(self, person: _PersonPlan) -> str | None:
        if self.rng.random() >= NOTES_SHARE:
            return None
        sentence: str = self.fakers[person.locale].sentence()
        return f"{person.full_name}: {sentence}"

    def _plan_documents(
        self, contract: Contract, number: int, parties: Sequence[_PartyPlan]
    ) -> list[_DocumentPlan]:
        documents = []
        for party in parties:
            if party.signed_at is None or self.rng.random() >= SIGNATURE_PAGE_SHARE:
                continue
            person = party.person
            name_label = _domain_label(person.full_name, 40)
            content = (
                "Signature page\n"
                f"Contract: {contract.title}\n"
                f"Signatory: {person.full_name}\n"
                f"Email: {person.email}\n"
                f"Signed at: {party.signed_at.isoformat()}\n"
            )
            documents.append(
                _DocumentPlan(
                    person=person,
                    filename=f"signature-page-{number:05d}-{name_label}.txt",
                    media_type="text/plain",
                    content=content.encode(),
                    created_at=party.signed_at,
                )
            )
        return documents


def _seeded_faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def _fake_name(fake: Faker, locale: str) -> _Name:
    """Draw a name. Japanese names are in kanji, family name first, with a romanized spelling."""
    if locale == "ja_JP":
        first, _first_kana, first_romanized = fake.first_name_pair()
        last, _last_kana, last_romanized = fake.last_name_pair()
        return _Name(
            full=f"{last} {first}",
            first=first,
            last=last,
            ascii_first=first_romanized,
            ascii_last=last_romanized,
            family_name_first=True,
        )

    first = fake.first_name()
    last = fake.last_name()
    return _Name(
        full=f"{first} {last}",
        first=first,
        last=last,
        ascii_first=_ascii_fold(first),
        ascii_last=_ascii_fold(last),
        family_name_first=False,
    )


def _ascii_fold(text: str) -> str:
    """Spell ``text`` in ASCII letters (Müller to Muller) and drop what has no ASCII form."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_ASCII_SPELLINGS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _domain_label(text: str, max_length: int) -> str:
    """Turn ``text`` into a lower-case label of letters, digits and single hyphens.

    Non-ASCII letters are kept, so the label also serves as an internationalized domain label
    or email local part. Returns an empty string when ``text`` has no letters or digits.
    """
    characters = [
        character if character.isalnum() else "-"
        for character in unicodedata.normalize("NFC", text).lower()
    ]
    label = "-".join(part for part in "".join(characters).split("-") if part)
    return label[:max_length].strip("-")


def _idn_label(text: str) -> str:
    """Build a domain label from ``text`` that stays within 63 octets in its ``xn--`` form."""
    label = _domain_label(text, 63)
    while label and len(_ascii_compatible_label(label)) > 63:
        label = label[:-1].rstrip("-")
    return label


def _ascii_compatible_label(label: str) -> str:
    if label.isascii():
        return label
    return "xn--" + label.encode("punycode").decode("ascii")


def _write_organisations(engine: Engine, rows: Sequence[Organisation]) -> None:
    for batch in _batches(rows, PEOPLE_PER_TRANSACTION):
        with session_scope(engine) as session:
            session.add_all(batch)


def _write_people(
    engine: Engine, vault: Vault, people: Sequence[_PersonPlan], now: datetime
) -> None:
    for batch in _batches(people, PEOPLE_PER_TRANSACTION):
        with session_scope(engine) as session:
            for person in batch:
                _write_person(session, vault, person, now)


def _write_person(session: Session, vault: Vault, person: _PersonPlan, now: datetime) -> None:
    """Create the subject and its ``cs_person`` row, or adopt the row the subject already has."""
    subject = vault.find_or_create_subject(session, person.email, now)
    person.subject_id = subject.id
    existing = session.exec(select(Person).where(Person.subject_id == subject.id)).first()
    if existing is not None:
        person.id = existing.id
        person.key_id = existing.key_id
        return

    person.key_id = subject.key_id
    clear_values = {
        "full_name_ciphertext": person.full_name,
        "email_ciphertext": person.email,
        "phone_ciphertext": person.phone,
        "postal_address_ciphertext": person.postal_address,
    }
    with session.no_autoflush:
        ciphertexts = {
            column: vault.encrypt(session, person.key_id, person_place(column, person.id), value)
            for column, value in clear_values.items()
        }
    session.add(
        Person(
            id=person.id,
            subject_id=person.subject_id,
            key_id=person.key_id,
            organisation_id=person.organisation_id,
            role_title=person.role_title,
            **ciphertexts,
        )
    )


def _write_contracts(engine: Engine, vault: Vault, contracts: Sequence[_ContractPlan]) -> None:
    for batch in _batches(contracts, CONTRACTS_PER_TRANSACTION):
        with session_scope(engine) as session:
            # Parties and documents reference their contract, so contract rows go in first.
            session.add_all([contract.row for contract in batch])
            session.flush()
            # Each encryption looks up a key row, and each lookup would otherwise flush the session.
            with session.no_autoflush:
                for contract in batch:
                    for party in contract.parties:
                        session.add(_party_row(session, vault, contract.row.id, party))
                    for document in contract.documents:
                        session.add(_document_row(session, vault, contract.row.id, document))


def _party_row(
    session: Session, vault: Vault, contract_id: str, party: _PartyPlan
) -> ContractParty:
    row_id = new_id("pty")
    notes_ciphertext = None
    if party.notes is not None:
        notes_ciphertext = vault.encrypt(
            session, party.person.key_id, party_notes_place(row_id), party.notes
        )
    return ContractParty(
        id=row_id,
        contract_id=contract_id,
        person_id=party.person.id,
        role=party.role,
        signed_at=party.signed_at,
        notes_ciphertext=notes_ciphertext,
    )


def _document_row(
    session: Session, vault: Vault, contract_id: str, document: _DocumentPlan
) -> ContractDocument:
    row_id = new_id("doc")
    key_id = document.person.key_id
    return ContractDocument(
        id=row_id,
        contract_id=contract_id,
        person_id=document.person.id,
        filename_ciphertext=vault.encrypt(
            session, key_id, document_filename_place(row_id), document.filename
        ),
        media_type=document.media_type,
        content_ciphertext=vault.encrypt_bytes(
            session, key_id, document_content_place(row_id), document.content
        ),
        size_bytes=len(document.content),
        created_at=document.created_at,
    )


def _summarise(
    organisation_rows: Sequence[Organisation],
    people: Sequence[_PersonPlan],
    contracts: Sequence[_ContractPlan],
) -> SeedSummary:
    return SeedSummary(
        organisation_count=len(organisation_rows),
        person_count=len(people),
        contract_count=len(contracts),
        party_count=sum(len(contract.parties) for contract in contracts),
        document_count=sum(len(contract.documents) for contract in contracts),
        people=[
            SeededPerson(
                person_id=person.id,
                subject_id=person.subject_id,
                email=person.email,
                full_name=person.full_name,
                contract_count=person.contract_count,
                locale=person.locale,
            )
            for person in people
        ],
    )


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
