"""Tables of the reference contract store.

Personal fields are ``bytes`` columns ending in ``_ciphertext``. Each contains a value encrypted
under the subject key of the person it is about, with associated data naming its place
(table, column, row id), so a value copied to another row or column no longer decrypts.
Use ``*_place`` below to build those places, and never build them by hand.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from database.types import utc_column
from vault.fields import FieldPlace
from vault.models import Subject

ORGANISATION_TABLE = "cs_organisation"
PERSON_TABLE = "cs_person"
CONTRACT_TABLE = "cs_contract"
CONTRACT_PARTY_TABLE = "cs_contract_party"
CONTRACT_DOCUMENT_TABLE = "cs_contract_document"

PERSON_CIPHERTEXT_COLUMNS = (
    "full_name_ciphertext",
    "email_ciphertext",
    "phone_ciphertext",
    "postal_address_ciphertext",
)
PARTY_ROLES = ("signatory", "contact")


class Organisation(SQLModel, table=True):
    """A company that is party to contracts. Its name is not personal data and stays in clear."""

    __tablename__ = ORGANISATION_TABLE

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2)


class Person(SQLModel, table=True):
    """A data subject's record in the contract store: one row per subject.

    ``key_id`` repeats ``Subject.key_id`` so that decrypting needs no join with the vault.
    """

    __tablename__ = PERSON_TABLE

    id: str = Field(primary_key=True, max_length=40)
    subject_id: str = Field(foreign_key=f"{Subject.__tablename__}.id", index=True, max_length=40)
    key_id: str = Field(max_length=40)
    organisation_id: str = Field(foreign_key=f"{ORGANISATION_TABLE}.id", index=True, max_length=40)
    role_title: str = Field(max_length=200)
    full_name_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    email_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    phone_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    postal_address_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Contract(SQLModel, table=True):
    """Contract facts, none of them personal: the people named in it are in ContractParty."""

    __tablename__ = CONTRACT_TABLE

    id: str = Field(primary_key=True, max_length=40)
    organisation_id: str = Field(foreign_key=f"{ORGANISATION_TABLE}.id", index=True, max_length=40)
    title: str = Field(max_length=300)
    contract_type: str = Field(max_length=40)
    # Amount in the currency's minor unit: cents for EUR and USD, yen for JPY.
    value_cents: int
    currency: str = Field(max_length=3)
    start_date: date
    end_date: date | None = None
    status: str = Field(max_length=20)
    created_at: datetime = Field(sa_column=utc_column())


class ContractParty(SQLModel, table=True):
    """A person's part in one contract, as ``signatory`` or ``contact``.

    The notes are encrypted under this person's key, not under a key of the contract, so a
    contract that names several people contains values encrypted under several keys.
    """

    __tablename__ = CONTRACT_PARTY_TABLE

    id: str = Field(primary_key=True, max_length=40)
    contract_id: str = Field(foreign_key=f"{CONTRACT_TABLE}.id", index=True, max_length=40)
    person_id: str = Field(foreign_key=f"{PERSON_TABLE}.id", index=True, max_length=40)
    role: str = Field(max_length=20)
    signed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    notes_ciphertext: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary, nullable=True)
    )


class ContractDocument(SQLModel, table=True):
    """A file attached to a contract about one person, such as their signature page or ID scan.

    Filename and content are encrypted under that person's key. ``size_bytes`` is the size
    of the clear content.
    """

    __tablename__ = CONTRACT_DOCUMENT_TABLE

    id: str = Field(primary_key=True, max_length=40)
    contract_id: str = Field(foreign_key=f"{CONTRACT_TABLE}.id", index=True, max_length=40)
    person_id: str = Field(foreign_key=f"{PERSON_TABLE}.id", index=True, max_length=40)
    filename_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    media_type: str = Field(max_length=100)
    content_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size_bytes: int
    created_at: datetime = Field(sa_column=utc_column())


def person_place(column: str, person_id: str) -> FieldPlace:
    """Build the place of one encrypted column of a ``cs_person`` row."""
    if column not in PERSON_CIPHERTEXT_COLUMNS:
        raise ValueError(f"{column!r} is not an encrypted column of {PERSON_TABLE}")
    return FieldPlace(PERSON_TABLE, column, person_id)


def party_notes_place(party_id: str) -> FieldPlace:
    return FieldPlace(CONTRACT_PARTY_TABLE, "notes_ciphertext", party_id)


def document_filename_place(document_id: str) -> FieldPlace:
    return FieldPlace(CONTRACT_DOCUMENT_TABLE, "filename_ciphertext", document_id)


def document_content_place(document_id: str) -> FieldPlace:
    return FieldPlace(CONTRACT_DOCUMENT_TABLE, "content_ciphertext", document_id)
