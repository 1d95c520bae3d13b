"""Access exports of contract-store data: a portable JSON file and a readable PDF.

The JSON export is UTF-8 and has this structure (version 1)::

    {
      "format": "dsrflow-access-export",
      "version": 1,
      "request_id": "req_...",
      "generated_at": "2026-03-02T12:00:00Z",
      "subject": {
        "subject_id": "sub_...",
        "people": [{"person_id", "full_name", "email", "phone", "postal_address",
                    "role_title", "organisation": {"name", "country"}}]
      },
      "contracts": [{"contract_id", "title", "contract_type", "value_cents", "currency",
                     "start_date", "end_date", "status", "created_at",
                     "organisation": {"name", "country"},
                     "parties": [{"party_id", "person_id", "role", "signed_at", "notes"}]}],
      "documents": [{"document_id", "contract_id", "person_id", "filename", "media_type",
                     "size_bytes", "created_at", "content_base64"}]
    }

Instants are ISO 8601 in UTC with a "Z" suffix and dates are ISO 8601 calendar dates.
``value_cents`` is in the currency's minor unit (yen for JPY). ``country`` is an ISO 3166-1
alpha-2 code. ``end_date``, ``signed_at`` and ``notes`` may be null. ``parties`` lists only
the subject's own roles in the contract, never other people named in it.

Both exports contain personal data in clear: the caller must encrypt them under the subject
key before storing them.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages import mofile, pofile
from babel.numbers import format_currency, format_decimal, get_currency_precision
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML

from contract_store.subject_data import (
    ContractRecord,
    DocumentRecord,
    PartyRecord,
    PersonRecord,
    SubjectData,
)

EXPORT_FORMAT = "dsrflow-access-export"
EXPORT_VERSION = 1
PDF_TEMPLATE = "exports/access_export.html"
MESSAGE_DOMAIN = "exports"


class InvalidExportError(ValueError):
    """A JSON document that is not a well-formed dsrflow access export of a known version."""


@dataclass(frozen=True)
class AccessExportDocument:
    """The contents of a JSON access export, as read back by ``parse_export_json``."""

    request_id: str
    generated_at: datetime
    data: SubjectData


def render_export_json(data: SubjectData, request_id: str, generated_at: datetime) -> bytes:
    """Serialize the subject's data as a UTF-8 JSON access export (format in the module doc)."""
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "request_id": request_id,
        "generated_at": _format_instant(generated_at),
        "subject": {
            "subject_id": data.subject_id,
            "people": [_person_json(person) for person in data.people],
        },
        "contracts": [_contract_json(contract) for contract in data.contracts],
        "documents": [_document_json(document) for document in data.documents],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def parse_export_json(payload: bytes) -> AccessExportDocument:
    """Parse a JSON access export, raising InvalidExportError when it is malformed.

    Format, version and every required field are checked. The types of text values are not.
    """
    try:
        document = json.loads(payload)
    except ValueError as error:
        raise InvalidExportError(f"access export is not valid UTF-8 JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InvalidExportError(
            f'document is not a dsrflow access export: "format" must be {EXPORT_FORMAT!r}'
        )
    if document.get("version") != EXPORT_VERSION:
        raise InvalidExportError(
            f"unsupported access export version {document.get('version')!r}, "
            f"expected version {EXPORT_VERSION}"
        )

    try:
        return _export_from_json(document)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidExportError(
            f"access export has a missing or invalid field: {error!r}"
        ) from None


def render_export_pdf(
    data: SubjectData,
    request_id: str,
    generated_at: datetime,
    locale: str,
    template_dir: Path,
) -> bytes:
    """Render the subject's data as a PDF with headings in ``locale``.

    ``template_dir`` is the templates root with ``exports/`` and ``locale/``. Message
    catalogs are compiled there on first use (see ``load_export_translations``). Locales
    without a catalog, English among them, get the English text of the template. Numbers,
    dates and country names follow ``locale``, and instants are shown in UTC.
    """
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware, got a naive datetime")
    babel_locale = _parse_locale(locale)
    translations = load_export_translations(template_dir, locale)
    environment = _pdf_environment(template_dir, translations, babel_locale)

    html = environment.get_template(PDF_TEMPLATE).render(
        data=data,
        request_id=request_id,
        generated_at=generated_at,
        html_lang=babel_locale.language,
        contract_titles={contract.contract_id: contract.title for contract in data.contracts},
        document_text=_document_text,
    )
    pdf: bytes = HTML(string=html, base_url=str(template_dir)).write_pdf()
    return pdf


def load_export_translations(template_dir: Path, locale: str) -> NullTranslations:
    """Load the ``exports`` messages for ``locale``, compiling stale catalogs first.

    A ``.mo`` file is rebuilt from its ``.po`` when it is missing or older. The ``.mo`` files
    are build products and are not kept in version control.
    """
    locale_dir = template_dir / "locale"
    for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{MESSAGE_DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            _compile_catalog(po_path, mo_path)
    return Translations.load(locale_dir, [locale], domain=MESSAGE_DOMAIN)


def _compile_catalog(po_path: Path, mo_path: Path) -> None:
    """Compile one ``.po`` file to ``.mo``.

    The file is written under a temporary name and then renamed, so a process loading the
    catalog at the same moment never reads a half-written file.
    NOTE: this needs write access to the templates folder. An install with a read-only
    templates folder must ship compiled ``.mo`` files.
    """
    with po_path.open("rb") as handle:
        catalog = pofile.read_po(handle, locale=po_path.parent.parent.name, domain=MESSAGE_DOMAIN)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog)

    descriptor, temporary_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(descriptor, "wb") as temporary:
            temporary.write(buffer.getvalue())
        os.replace(temporary_name, mo_path)
    except BaseException:
        Path(temporary_name).unlink(missing_ok=True)
        raise


def _parse_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        raise ValueError(
            f"unknown locale {locale!r}; pass a language code such as 'en', 'de', 'fr' or 'es'"
        ) from None


def _pdf_environment(
    template_dir: Path, translations: NullTranslations, locale: Locale
) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(template_dir),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The i18n extension adds this method at run time, so type checkers cannot see it.
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(_locale_filters(locale))
    return environment


def _locale_filters(locale: Locale) -> dict[str, Callable[..., str]]:
    """Build the template filters that format values for ``locale``."""

    def instant(value: datetime) -> str:
        return format_datetime(value, "long", tzinfo=UTC, locale=locale)

    def calendar_date(value: date) -> str:
        return format_date(value, "medium", locale=locale)

    def money(value_cents: int, currency: str) -> str:
        amount = Decimal(value_cents).scaleb(-get_currency_precision(currency))
        return format_currency(amount, currency, locale=locale)

    def number(value: int) -> str:
        return format_decimal(value, locale=locale)

    def country(code: str) -> str:
        name: str = locale.territories.get(code.upper(), code)
        return name

    return {
        "instant": instant,
        "calendar_date": calendar_date,
        "money": money,
        "number": number,
        "country": country,
    }


def _document_text(document: DocumentRecord) -> str | None:
    """Decode a text document for display, or return None for any other media type."""
    if not document.media_type.startswith("text/"):
        return None
    return document.content.decode("utf-8", errors="replace")


def _format_instant(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("export instants must be timezone-aware, got a naive datetime")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _format_optional_instant(value: datetime | None) -> str | None:
    return None if value is None else _format_instant(value)


def _person_json(person: PersonRecord) -> dict[str, Any]:
    return {
        "person_id": person.person_id,
        "full_name": person.full_name,
        "email": person.email,
        "phone": person.phone,
        "postal_address": person.postal_address,
        "role_title": person.role_title,
        "organisation": {"name": person.organisation_name, "country": person.organisation_country},
    }


def _contract_json(contract: ContractRecord) -> dict[str, Any]:
    return {
        "contract_id": contract.contract_id,
        "title": contract.title,
        "contract_type": contract.contract_type,
        "value_cents": contract.value_cents,
        "currency": contract.currency,
        "start_date": contract.start_date.isoformat(),
        "end_date": None if contract.end_date is None else contract.end_date.isoformat(),
        "status": contract.status,
        "created_at": _format_instant(contract.created_at),
        "organisation": {
            "name": contract.organisation_name,
            "country": contract.organisation_country,
        },
        "parties": [_party_json(party) for party in contract.parties],
    }


def _party_json(party: PartyRecord) -> dict[str, Any]:
    return {
        "party_id": party.party_id,
        "person_id": party.person_id,
        "role": party.role,
        "signed_at": _format_optional_instant(party.signed_at),
        "notes": party.notes,
    }


def _document_json(document: DocumentRecord) -> dict[str, Any]:
    return {
        "document_id": document.document_id,
        "contract_id": document.contract_id,
        "person_id": document.person_id,
        "filename": document.filename,
        "media_type": document.media_type,
        "size_bytes": document.size_bytes,
        "created_at": _format_instant(document.created_at),
        "content_base64": base64.b64encode(document.content).decode("ascii"),
    }


def _export_from_json(document: dict[str, Any]) -> AccessExportDocument:
    subject = document["subject"]
    data = SubjectData(
        subject_id=subject["subject_id"],
        people=tuple(_person_from_json(item) for item in subject["people"]),
        contracts=tuple(_contract_from_json(item) for item in document["contracts"]),
        documents=tuple(_document_from_json(item) for item in document["documents"]),
    )
    return AccessExportDocument(
        request_id=document["request_id"],
        generated_at=_parse_instant(document["generated_at"]),
        data=data,
    )


def _parse_instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"instant {value!r} has no time zone")
    return parsed.astimezone(UTC)


def _parse_optional_instant(value: str | None) -> datetime | None:
    return None if value is None else _parse_instant(value)


def _person_from_json(item: dict[str, Any]) -> PersonRecord:
    return PersonRecord(
        person_id=item["person_id"],
        organisation_name=item["organisation"]["name"],
        organisation_country=item["organisation"]["country"],
        role_title=item["role_title"],
        full_name=item["full_name"],
        email=item["email"],
        phone=item["phone"],
        postal_address=item["postal_address"],
    )


def _contract_from_json(item: dict[str, Any]) -> ContractRecord:
    end_date = item["end_date"]
    return ContractRecord(
        contract_id=item["contract_id"],
        title=item["title"],
        contract_type=item["contract_type"],
        value_cents=int(item["value_cents"]),
        currency=item["currency"],
        start_date=date.fromisoformat(item["start_date"]),
        end_date=None if end_date is None else date.fromisoformat(end_date),
        status=item["status"],
        created_at=_parse_instant(item["created_at"]),
        organisation_name=item["organisation"]["name"],
        organisation_country=item["organisation"]["country"],
        parties=tuple(_party_from_json(party) for party in item["parties"]),
    )


def _party_from_json(item: dict[str, Any]) -> PartyRecord:
    return PartyRecord(
        party_id=item["party_id"],
        person_id=item["person_id"],
        role=item["role"],
        signed_at=_parse_optional_instant(item["signed_at"]),
        notes=item["notes"],
    )


def _document_from_json(item: dict[str, Any]) -> DocumentRecord:
    return DocumentRecord(
        document_id=item["document_id"],
        contract_id=item["contract_id"],
        person_id=item["person_id"],
        filename=item["filename"],
        media_type=item["media_type"],
        size_bytes=int(item["size_bytes"]),
        created_at=_parse_instant(item["created_at"]),
        content=base64.b64decode(item["content_base64"], validate=True),
    )
