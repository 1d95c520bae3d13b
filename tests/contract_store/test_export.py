from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

import pytest
from babel.messages import pofile
from jinja2.ext import babel_extract
from sqlalchemy import Engine

from contract_store.export import (
    InvalidExportError,
    load_export_translations,
    parse_export_json,
    render_export_json,
    render_export_pdf,
)
from contract_store.seed import SeededPerson, SeedSummary
from contract_store.subject_data import SubjectData, collect_subject_data
from database.engine import session_scope
from tests.contract_store.conftest import NOW, REPOSITORY_TEMPLATES
from vault.service import Vault

REQUEST_ID = "req_exporttest"


def _japanese_person(seeded: SeedSummary) -> SeededPerson:
    japanese = [person for person in seeded.people if person.locale == "ja_JP"]
    return max(japanese, key=lambda person: person.contract_count)


def _collect(engine: Engine, vault: Vault, person: SeededPerson) -> SubjectData:
    with session_scope(engine) as session:
        return collect_subject_data(session, vault, person.subject_id)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return result.stdout.decode()


def _without_spaces(text: str) -> str:
    return "".join(text.split())


def _template_messages() -> set[str]:
    messages = set()
    with (REPOSITORY_TEMPLATES / "exports" / "access_export.html").open("rb") as template:
        for _line, _function, message, _comments in babel_extract(template, ("_",), [], {}):
            # A call with keyword arguments yields a tuple whose first item is the msgid.
            message_id = message[0] if isinstance(message, tuple) else message
            if message_id is not None:
                messages.add(message_id)
    return messages


def test_export_json_round_trips(
    seeded: SeedSummary, store_engine: Engine, store_vault: Vault
) -> None:
    person = max(seeded.people, key=lambda candidate: candidate.contract_count)
    data = _collect(store_engine, store_vault, person)

    payload = render_export_json(data, REQUEST_ID, NOW)
    parsed = parse_export_json(payload)

    assert parsed.data == data
    assert parsed.request_id == REQUEST_ID
    assert parsed.generated_at == NOW
    assert data.documents


def test_export_json_structure(
    seeded: SeedSummary, store_engine: Engine, store_vault: Vault
) -> None:
    person = max(seeded.people, key=lambda candidate: candidate.contract_count)
    data = _collect(store_engine, store_vault, person)

    document = json.loads(render_export_json(data, REQUEST_ID, NOW))

    assert document["format"] == "dsrflow-access-export"
    assert document["version"] == 1
    assert document["request_id"] == REQUEST_ID
    assert document["generated_at"] == "2026-03-02T12:00:00Z"
    assert document["subject"]["subject_id"] == person.subject_id
    assert document["subject"]["people"][0]["email"] == person.email
    assert len(document["contracts"]) == person.contract_count
    first_document = document["documents"][0]
    assert {"filename", "media_type", "size_bytes", "content_base64"} <= set(first_document)
    content = base64.b64decode(first_document["content_base64"])
    assert len(content) == first_document["size_bytes"]
    assert person.full_name in content.decode()


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'{"format": "something-else", "version": 1}',
        b'{"format": "dsrflow-access-export", "version": 2}',
        b'{"format": "dsrflow-access-export", "version": 1, "request_id": "req_1"}',
    ],
)
def test_parse_export_rejects_invalid(payload: bytes) -> None:
    with pytest.raises(InvalidExportError):
        parse_export_json(payload)


def test_export_pdf_shows_japanese_name(
    seeded: SeedSummary,
    store_engine: Engine,
    store_vault: Vault,
    template_dir: Path,
    tmp_path: Path,
) -> None:
    person = _japanese_person(seeded)
    data = _collect(store_engine, store_vault, person)

    pdf = render_export_pdf(data, REQUEST_ID, NOW, "en", template_dir)
    text = _pdf_text(pdf, tmp_path)

    assert pdf.startswith(b"%PDF")
    assert _without_spaces(person.full_name) in _without_spaces(text)
    assert "Contracts" in text
    assert REQUEST_ID in text


@pytest.mark.parametrize(
    ("locale", "headings"),
    [
        ("de", ("Verträge", "Dokumente", "Angaben zu Ihrer Person")),
        ("fr", ("Contrats", "Documents", "Vous concernant")),
        ("es", ("Contratos", "Documentos", "Sobre usted")),
    ],
)
def test_export_pdf_headings_localized(
    seeded: SeedSummary,
    store_engine: Engine,
    store_vault: Vault,
    template_dir: Path,
    tmp_path: Path,
    locale: str,
    headings: tuple[str, ...],
) -> None:
    person = max(seeded.people, key=lambda candidate: candidate.contract_count)
    data = _collect(store_engine, store_vault, person)

    text = _pdf_text(render_export_pdf(data, REQUEST_ID, NOW, locale, template_dir), tmp_path)

    for heading in headings:
        assert heading in text
    assert "Your personal data" not in text


def test_export_pdf_empty_subject_regional_locale(template_dir: Path, tmp_path: Path) -> None:
    data = SubjectData(subject_id="sub_none", people=(), contracts=(), documents=())

    # de_AT has no catalog of its own, so gettext falls back to the de catalog.
    text = _pdf_text(render_export_pdf(data, REQUEST_ID, NOW, "de_AT", template_dir), tmp_path)

    assert "Verträge (0)" in text
    assert "Sie werden in keinem Vertrag genannt." in text
    assert "Wir speichern keine Dokumente zu Ihrer Person." in text


def test_export_pdf_rejects_unknown_locale(template_dir: Path) -> None:
    data = SubjectData(subject_id="sub_none", people=(), contracts=(), documents=())

    with pytest.raises(ValueError, match="unknown locale"):
        render_export_pdf(data, REQUEST_ID, NOW, "xx_YY", template_dir)


def test_translations_compile_missing_and_stale(template_dir: Path) -> None:
    messages = template_dir / "locale" / "fr" / "LC_MESSAGES"
    po_path = messages / "exports.po"
    mo_path = messages / "exports.mo"
    assert not mo_path.exists()

    assert load_export_translations(template_dir, "fr").gettext("Contracts") == "Contrats"
    assert mo_path.exists()

    po_path.write_text(
        po_path.read_text().replace('msgstr "Contrats"', 'msgstr "Contrats conclus"')
    )
    # Backdate the .mo: both writes may fall within one tick of the file system clock.
    older = po_path.stat().st_mtime - 10
    os.utime(mo_path, (older, older))
    assert load_export_translations(template_dir, "fr").gettext("Contracts") == "Contrats conclus"
    assert mo_path.stat().st_mtime >= po_path.stat().st_mtime


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_catalog_translates_every_message(language: str) -> None:
    po_path = REPOSITORY_TEMPLATES / "locale" / language / "LC_MESSAGES" / "exports.po"
    with po_path.open("rb") as handle:
        catalog = pofile.read_po(handle, locale=language)

    message_ids = _template_messages()

    assert "Contracts" in message_ids
    for message_id in message_ids:
        message = catalog.get(message_id)
        assert message is not None, f"{language}: missing {message_id!r}"
        assert message.string, f"{language}: untranslated {message_id!r}"
        assert not message.fuzzy, f"{language}: fuzzy {message_id!r}"
