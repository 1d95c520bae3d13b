"""Signed completion records: rendering, signing, verification and tamper detection.

These tests run the real WeasyPrint, pyHanko and poppler tools (pdfsig, pdfdetach,
pdftotext) on files issued into a temporary folder.
"""

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import parser as asn1_parser
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from weasyprint import HTML, Attachment

from cli.records import verify_record_file
from records.issue import IssuedRecord, issue_record
from records.model import (
    CLOCK_DETAIL_FIELDS,
    LEGAL_CLOCK_FIELDS,
    Approval,
    CompletionRecord,
    InvalidRecordError,
    LedgerReference,
    StoreOutcome,
)
from records.render import ATTACHMENT_NAME, render_record_pdf
from records.sign import sign_pdf
from records.signing import SigningIdentity, load_or_create_signing_identity
from records.verify import RecordVerificationError, verify_record
from settings import Settings
from workflows.messages import EXTENSION_BASES

REPOSITORY_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NOW = datetime(2025, 3, 4, 15, 6, 7, tzinfo=UTC)


def build_record(locale: str = "de") -> CompletionRecord:
    return CompletionRecord(
        request_id="dsr-2025-0042",
        kind="erasure",
        regime="GDPR",
        rule="gdpr@2018-05-25",
        status="completed",
        status_reason="All stores erased or exempt",
        controller="Beispiel Versicherung AG",
        received_at=datetime(2025, 2, 1, 9, 30, tzinfo=UTC),
        verified_at=datetime(2025, 2, 2, 10, 0, tzinfo=UTC),
        due_date=date(2025, 3, 3),
        completed_at=NOW,
        stores=[
            StoreOutcome(store="contracts", outcome="erased", detail="12 rows, 3 documents"),
            StoreOutcome(store="crm", outcome="not_found", detail=""),
            StoreOutcome(store="billing", outcome="retained", detail="Retention under § 147 AO"),
        ],
        destroyed_keys=[
            LedgerReference(key_id="subject-key-7f3a", sequence=41, entry_hash="ab" * 32),
            LedgerReference(key_id="subject-key-99c1", sequence=42, entry_hash="cd" * 32),
        ],
        approvals=[
            Approval(
                decision="approved",
                decided_by="dpo@beispiel.example",
                decided_at=datetime(2025, 2, 20, 8, 15, tzinfo=UTC),
                reason="Identity verified <by video> & no legal hold",
            ),
        ],
        exemptions=["Art. 17(3)(b) GDPR: invoices kept for tax law"],
        audit_chain_head="ef" * 32,
        locale=locale,
        legal_limit=date(2025, 3, 3),
        internal_due_met=True,
        legal_limit_met=True,
        extended=True,
        extension_basis="complexity",
        received_on=date(2025, 2, 1),
        legal_zone="Europe/Berlin",
        clock_started_on=date(2025, 2, 2),
        paused_days=3,
        original_due_date=date(2025, 2, 5),
        original_legal_limit=date(2025, 2, 6),
        extended_at=datetime(2025, 2, 10, 14, 0, tzinfo=UTC),
        extension_notice_by=date(2025, 2, 5),
        acknowledge_by=date(2025, 2, 14),
        readings=list(READINGS),
    )


READINGS = (
    "receipt date 2025-02-01 taken in Europe/Berlin",
    "legal limit roll: next working day over DE holidays",
)


def build_unextended_record(locale: str = "en") -> CompletionRecord:
    """A record closed unverified: no deadline applied, and none was extended."""
    return replace(
        build_record(locale),
        status="closed_unverified",
        legal_limit=None,
        internal_due_met=None,
        legal_limit_met=None,
        extended=False,
        extension_basis=None,
        original_due_date=None,
        original_legal_limit=None,
        extended_at=None,
    )


def without_fields(record: CompletionRecord, names: frozenset[str]) -> bytes:
    """Return the record's JSON without the named fields, as older code wrote it."""
    document = json.loads(record.to_json_bytes())
    for name in names:
        del document[name]
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign_record_json(record_json: bytes, identity: SigningIdentity) -> bytes:
    """Return a signed PDF that embeds ``record_json`` as the record, as older code issued it."""
    attachment = Attachment(
        file_obj=BytesIO(record_json),
        name=ATTACHMENT_NAME,
        created=NOW,
        modified=NOW,
        relationship="Data",
    )
    unsigned = HTML(string="<p>Completion record</p>").write_pdf(attachments=[attachment])
    return sign_pdf(unsigned, identity)


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy of the repository templates, so that compiled .mo files stay out of the tree."""
    target = tmp_path_factory.mktemp("templates")
    shutil.copytree(REPOSITORY_TEMPLATES / "records", target / "records")
    shutil.copytree(REPOSITORY_TEMPLATES / "locale", target / "locale")
    for compiled in (target / "locale").rglob("*.mo"):
        compiled.unlink()
    return target


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    keys = tmp_path_factory.mktemp("keys")
    return load_or_create_signing_identity(
        keys / "records.key", keys / "records.crt", "Beispiel Versicherung AG records", NOW
    )


@pytest.fixture(scope="module")
def issued(
    tmp_path_factory: pytest.TempPathFactory, identity: SigningIdentity, template_dir: Path
) -> IssuedRecord:
    out_dir = tmp_path_factory.mktemp("issued")
    return issue_record(build_record(), identity, template_dir, out_dir)


def run_tool(*arguments: str) -> str:
    completed = subprocess.run(arguments, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, f"{arguments[0]} failed: {completed.stderr}"
    return completed.stdout


def pdf_text(pdf_path: Path) -> str:
    return run_tool("pdftotext", "-enc", "UTF-8", str(pdf_path), "-")


def flip_bit(pdf: bytes, position: int, mask: int = 0x01) -> bytes:
    changed = bytearray(pdf)
    changed[position] ^= mask
    return bytes(changed)


def spread(start: int, end: int, count: int = 100) -> list[int]:
    """Return up to ``count`` positions spread evenly over [start, end), both ends included."""
    if end - start <= count:
        return list(range(start, end))
    step = (end - 1 - start) / (count - 1)
    return sorted({start + round(index * step) for index in range(count)})


def accepted_positions(pdf: bytes, positions: list[int], identity: SigningIdentity) -> list[int]:
    """Return the positions whose one-bit change verify_record failed to reject."""
    accepted = []
    for position in positions:
        try:
            verify_record(flip_bit(pdf, position), identity.certificate)
        except RecordVerificationError:
            continue
        accepted.append(position)
    return accepted


def signature_gap(pdf: bytes) -> tuple[int, int]:
    """Return the start and end offsets of the /Contents hex string, delimiters included."""
    matches = re.findall(rb"/ByteRange \[\s*0 (\d+) (\d+) (\d+)\s*\]", pdf)
    assert len(matches) == 1
    start, end, _ = (int(value) for value in matches[0])
    return start, end


def stream_data_range(pdf: bytes, object_number: int) -> tuple[int, int]:
    header = re.search(rb"(?m)^%d 0 obj\b" % object_number, pdf)
    assert header is not None, f"object {object_number} is not a top-level object"
    data_start = pdf.index(b"stream\n", header.end()) + len(b"stream\n")
    data_end = pdf.index(b"endstream", data_start)
    return data_start, data_end


def region_positions(pdf: bytes, region: str) -> list[int]:
    reader = PdfFileReader(BytesIO(pdf))
    gap_start, gap_end = signature_gap(pdf)
    hex_start = gap_start + 1
    der = bytes.fromhex(pdf[hex_start : gap_end - 1].decode("ascii"))
    _, _, _, header, body, trailer = asn1_parser.parse(der, strict=False)
    der_hex_end = hex_start + 2 * (len(header) + len(body) + len(trailer))

    if region == "file start":
        return list(range(100))
    if region == "page content":
        contents = reader.root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents")
        return spread(*stream_data_range(pdf, contents.idnum))
    if region == "embedded json":
        file_spec = reader.root["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
        return spread(*stream_data_range(pdf, file_spec["/EF"].raw_get("/F").idnum))
    if region == "byte range":
        match = re.search(rb"/ByteRange \[[^\]]*\]", pdf)
        assert match is not None
        return list(range(match.start(), match.end()))
    if region == "contents der":
        return spread(hex_start, der_hex_end)
    if region == "contents padding":
        return spread(der_hex_end, gap_end - 1)
    if region == "contents delimiters":
        return [gap_start, gap_end - 1]
    if region == "file end":
        return list(range(len(pdf) - 50, len(pdf)))
    raise AssertionError(f"unknown region {region}")


def test_pdfsig_reports_valid_signature(issued: IssuedRecord) -> None:
    output = run_tool("pdfsig", str(issued.path))

    assert "Signature is Valid" in output
    assert "Signature1" in output
    assert "Total document signed" in output


def test_pdfdetach_lists_json_record(issued: IssuedRecord) -> None:
    output = run_tool("pdfdetach", "-list", str(issued.path))

    assert "completion-record.json" in output


def test_attachment_and_pdfa_metadata(issued: IssuedRecord) -> None:
    reader = PdfFileReader(BytesIO(issued.path.read_bytes()))
    file_spec = reader.root["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    metadata = run_tool("pdfinfo", "-meta", str(issued.path))

    assert file_spec["/AFRelationship"] == "/Data"
    assert file_spec["/EF"]["/F"]["/Subtype"] == "/application/json"
    assert 'pdfaid:part="3"' in metadata
    assert 'pdfaid:conformance="B"' in metadata


def test_embedded_json_is_canonical_record(issued: IssuedRecord, tmp_path: Path) -> None:
    saved = tmp_path / "record.json"
    run_tool("pdfdetach", "-savefile", "completion-record.json", "-o", str(saved), str(issued.path))

    assert saved.read_bytes() == build_record().to_json_bytes()


def test_issued_file_name_and_hash(issued: IssuedRecord) -> None:
    content = issued.path.read_bytes()

    assert issued.path.name == "dsr-2025-0042.pdf"
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert content.startswith(b"%PDF-1.7")


def test_verify_returns_equal_record(issued: IssuedRecord, identity: SigningIdentity) -> None:
    pdf = issued.path.read_bytes()

    assert verify_record(pdf, identity.certificate) == build_record()
    assert verify_record(pdf) == build_record()


@pytest.mark.parametrize(
    "region",
    [
        "file start",
        "page content",
        "embedded json",
        "byte range",
        "contents der",
        "contents padding",
        "contents delimiters",
        "file end",
    ],
)
def test_changed_byte_rejected(
    issued: IssuedRecord, identity: SigningIdentity, region: str
) -> None:
    pdf = issued.path.read_bytes()
    positions = region_positions(pdf, region)

    assert positions, f"no byte positions found for {region}"
    assert accepted_positions(pdf, positions, identity) == []


def test_contents_hex_case_change_rejected(issued: IssuedRecord, identity: SigningIdentity) -> None:
    pdf = issued.path.read_bytes()
    gap_start, gap_end = signature_gap(pdf)
    letter = next(
        position for position in range(gap_start + 1, gap_end - 1) if chr(pdf[position]) in "ABCDEF"
    )

    # Both cases decode to the same CMS bytes, so only the string comparison catches this.
    lower_case = flip_bit(pdf, letter, 0x20)
    assert bytes.fromhex(lower_case[gap_start + 1 : gap_end - 1].decode()) == bytes.fromhex(
        pdf[gap_start + 1 : gap_end - 1].decode()
    )
    with pytest.raises(RecordVerificationError, match="/Contents string"):
        verify_record(lower_case, identity.certificate)


def test_appended_bytes_rejected(issued: IssuedRecord, identity: SigningIdentity) -> None:
    pdf = issued.path.read_bytes() + b"\n% appended\n"

    with pytest.raises(RecordVerificationError, match="does not cover the whole file"):
        verify_record(pdf, identity.certificate)


def test_untrusted_certificate_rejected(issued: IssuedRecord, tmp_path: Path) -> None:
    other = load_or_create_signing_identity(
        tmp_path / "other.key", tmp_path / "other.crt", "Someone else", NOW
    )

    with pytest.raises(RecordVerificationError, match="does not chain to the trusted"):
        verify_record(issued.path.read_bytes(), other.certificate)


def test_missing_json_rejected(identity: SigningIdentity) -> None:
    pdf = sign_pdf(HTML(string="<p>No record here</p>").write_pdf(), identity)

    with pytest.raises(RecordVerificationError, match="embedded JSON record is missing"):
        verify_record(pdf, identity.certificate)


def test_invalid_json_rejected(identity: SigningIdentity) -> None:
    document = json.loads(build_record().to_json_bytes())
    document["kind"] = "deletion"
    attachment = Attachment(
        file_obj=BytesIO(json.dumps(document).encode()),
        name="completion-record.json",
        created=NOW,
        modified=NOW,
    )
    unsigned = HTML(string="<p>Wrong record</p>").write_pdf(attachments=[attachment])
    pdf = sign_pdf(unsigned, identity)

    with pytest.raises(RecordVerificationError, match=r"embedded JSON record is invalid: .*'kind'"):
        verify_record(pdf, identity.certificate)


def test_page_lists_record_fields(issued: IssuedRecord) -> None:
    text = pdf_text(issued.path)
    # Table cells wrap phrases onto several lines and hashes in the middle of a word.
    flat = " ".join(text.split())
    joined = "".join(text.split())
    json_sha256 = hashlib.sha256(build_record().to_json_bytes()).hexdigest()

    assert "Abschlussnachweis" in flat
    assert "dsr-2025-0042" in flat
    assert "Löschung (erasure)" in flat
    assert "gdpr@2018-05-25" in flat
    assert "1. Februar 2025, 09:30:00 UTC" in flat
    assert "3. März 2025" in flat
    assert "billing retained Retention under § 147 AO" in flat
    assert "subject-key-99c1" in joined
    assert "Laufnummer" in flat
    assert "cd" * 32 in joined
    assert "dpo@beispiel.example" in flat
    assert "Identity verified <by video> & no legal hold" in flat
    assert "Art. 17(3)(b) GDPR" in flat
    assert "ef" * 32 in joined
    assert json_sha256 in joined


def test_page_lists_deadlines(issued: IssuedRecord) -> None:
    flat = " ".join(pdf_text(issued.path).split())

    assert "Interne Frist 3. März 2025" in flat
    assert "Interne Frist eingehalten Ja" in flat
    assert "Gesetzliche Frist 3. März 2025" in flat
    assert "Gesetzliche Frist eingehalten Ja" in flat
    assert "Fristverlängerung Der Antrag ist komplex (complexity)" in flat


@pytest.mark.parametrize(
    ("locale", "title", "label"),
    [
        ("en", "Completion record", "Destroyed keys"),
        ("fr", "Attestation de traitement", "Clés détruites"),
        ("es", "Certificado de finalización", "Claves destruidas"),
    ],
)
def test_record_renders_in_locale(
    template_dir: Path, tmp_path: Path, locale: str, title: str, label: str
) -> None:
    pdf_path = tmp_path / f"{locale}.pdf"
    pdf_path.write_bytes(render_record_pdf(replace(build_record(), locale=locale), template_dir))

    text = pdf_text(pdf_path)

    assert title in text
    assert label in text


def test_catalog_recompiled_when_po_is_newer(template_dir: Path) -> None:
    messages = template_dir / "locale" / "fr" / "LC_MESSAGES"
    render_record_pdf(replace(build_record(), locale="fr"), template_dir)
    compiled = messages / "records.mo"
    assert compiled.is_file()

    stale_time = (messages / "records.po").stat().st_mtime - 60
    os.utime(compiled, (stale_time, stale_time))
    render_record_pdf(replace(build_record(), locale="fr"), template_dir)

    assert compiled.stat().st_mtime > stale_time


def test_naive_datetime_rejected() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        replace(build_record(), received_at=datetime(2025, 2, 1, 9, 30))  # noqa: DTZ001


def test_naive_approval_time_rejected() -> None:
    with pytest.raises(ValueError, match="decided_at"):
        Approval(
            decision="approved",
            decided_by="dpo@beispiel.example",
            decided_at=datetime(2025, 2, 20, 8, 15),  # noqa: DTZ001
            reason="",
        )


def test_non_utc_datetime_rejected() -> None:
    berlin_winter = timezone(timedelta(hours=1))

    with pytest.raises(ValueError, match="not in UTC"):
        replace(build_record(), completed_at=datetime(2025, 3, 4, 16, 6, tzinfo=berlin_winter))


def test_json_round_trip() -> None:
    record = build_record()
    data = record.to_json_bytes()
    document = json.loads(data)

    assert CompletionRecord.from_json_bytes(data) == record
    assert list(document) == sorted(document)
    assert document["completed_at"] == "2025-03-04T15:06:07Z"
    assert document["due_date"] == "2025-03-03"
    assert "§ 147 AO" in data.decode("utf-8")


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["kind"], "deletion", "kind"),
        (["received_at"], "2025-02-01T09:30:00", "received_at"),
        (["due_date"], "20250303", "due_date"),
        (["stores", 1, "outcome"], "", "stores[1].outcome"),
        (["destroyed_keys", 0, "sequence"], "41", "destroyed_keys[0].sequence"),
        (["approvals", 0, "decided_at"], "yesterday", "approvals[0].decided_at"),
        (["exemptions"], "none", "exemptions"),
    ],
)
def test_from_json_names_bad_field(path: list[str | int], value: object, field: str) -> None:
    document = json.loads(build_record().to_json_bytes())
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value

    with pytest.raises(InvalidRecordError) as raised:
        CompletionRecord.from_json_bytes(json.dumps(document).encode())

    assert raised.value.field == field


def test_from_json_rejects_missing_and_unknown_fields() -> None:
    document = json.loads(build_record().to_json_bytes())
    del document["rule"]
    document["extra"] = 1

    with pytest.raises(InvalidRecordError, match="'rule': missing"):
        CompletionRecord.from_json_bytes(json.dumps(document).encode())


def test_signing_identity_created_and_reloaded(tmp_path: Path) -> None:
    key_path = tmp_path / "secrets" / "records.key"
    cert_path = tmp_path / "secrets" / "records.crt"

    created = load_or_create_signing_identity(key_path, cert_path, "Records test", NOW)
    reloaded = load_or_create_signing_identity(key_path, cert_path, "Other name", NOW)

    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cert_path.stat().st_mode) == 0o644
    assert reloaded.certificate == created.certificate
    assert reloaded.private_key.public_key() == created.private_key.public_key()


def test_self_signed_certificate_fields(identity: SigningIdentity) -> None:
    certificate = identity.certificate
    key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value

    assert certificate.subject == certificate.issuer
    assert certificate.not_valid_before_utc == NOW - timedelta(hours=1)
    assert certificate.not_valid_after_utc > NOW + timedelta(days=3650)
    assert key_usage.digital_signature
    assert key_usage.content_commitment


def test_certificate_created_for_existing_key(tmp_path: Path) -> None:
    key_path = tmp_path / "records.key"
    cert_path = tmp_path / "records.crt"
    first = load_or_create_signing_identity(key_path, cert_path, "Records test", NOW)
    cert_path.unlink()

    second = load_or_create_signing_identity(key_path, cert_path, "Records test", NOW)

    assert second.private_key.public_key() == first.private_key.public_key()
    assert cert_path.is_file()


def test_naive_now_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        load_or_create_signing_identity(
            tmp_path / "k",
            tmp_path / "c",
            "Records test",
            datetime(2025, 1, 1),  # noqa: DTZ001
        )


def test_request_id_with_path_rejected(
    identity: SigningIdentity, template_dir: Path, tmp_path: Path
) -> None:
    record = replace(build_record(), request_id="../escape")

    with pytest.raises(ValueError, match="cannot be used as a file name"):
        issue_record(record, identity, template_dir, tmp_path)


def test_unextended_record_page(template_dir: Path, tmp_path: Path) -> None:
    pdf_path = tmp_path / "unextended.pdf"
    pdf_path.write_bytes(render_record_pdf(build_unextended_record(), template_dir))

    flat = " ".join(pdf_text(pdf_path).split())

    assert "Internal due date March 3, 2025" in flat
    assert "Internal due date met Not applicable" in flat
    assert "Legal limit Not recorded" in flat
    assert "Legal limit met Not applicable" in flat
    assert "Extension Not extended" in flat


def test_missed_deadlines_page(template_dir: Path, tmp_path: Path) -> None:
    record = replace(build_record(locale="fr"), internal_due_met=False, legal_limit_met=False)
    pdf_path = tmp_path / "missed.pdf"
    pdf_path.write_bytes(render_record_pdf(record, template_dir))

    flat = " ".join(pdf_text(pdf_path).split())

    assert "Échéance interne respectée Non" in flat
    assert "Délai légal respecté Non" in flat
    assert "Prolongation La demande est complexe (complexity)" in flat


def test_record_extension_labels_match_bases() -> None:
    template = (REPOSITORY_TEMPLATES / "records" / "completion_record.html").read_text()

    for code, label in EXTENSION_BASES.items():
        assert f'"{code}": _("{label}")' in template


@pytest.mark.parametrize("locale", ["de", "fr", "es"])
def test_records_catalog_translates_template(locale: str) -> None:
    template_path = REPOSITORY_TEMPLATES / "records" / "completion_record.html"
    extracted = {
        message
        for _, message, _, _ in extract_from_file("jinja2", str(template_path))
        if isinstance(message, str)
    }
    po_path = REPOSITORY_TEMPLATES / "locale" / locale / "LC_MESSAGES" / "records.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    translated = {str(message.id) for message in catalog if message.id and message.string}

    assert extracted, "no messages extracted from the record template"
    assert sorted(extracted - translated) == []


def test_json_round_trip_unextended() -> None:
    record = build_unextended_record()

    document = json.loads(record.to_json_bytes())

    assert CompletionRecord.from_json_bytes(record.to_json_bytes()) == record
    assert document["legal_limit"] is None
    assert document["internal_due_met"] is None
    assert document["extended"] is False
    assert document["extension_basis"] is None


def test_json_carries_deadline_fields() -> None:
    document = json.loads(build_record().to_json_bytes())

    assert document["legal_limit"] == "2025-03-03"
    assert document["internal_due_met"] is True
    assert document["legal_limit_met"] is True
    assert document["extended"] is True
    assert document["extension_basis"] == "complexity"


def test_record_before_legal_clock_accepted() -> None:
    data = without_fields(build_record(), LEGAL_CLOCK_FIELDS | CLOCK_DETAIL_FIELDS)

    record = CompletionRecord.from_json_bytes(data)

    assert record.legal_limit is None
    assert record.internal_due_met is None
    assert record.legal_limit_met is None
    assert record.extended is False
    assert record.extension_basis is None
    assert record.due_date == date(2025, 3, 3)


def test_record_before_legal_clock_renders(template_dir: Path, tmp_path: Path) -> None:
    data = without_fields(build_record(locale="es"), LEGAL_CLOCK_FIELDS | CLOCK_DETAIL_FIELDS)
    record = CompletionRecord.from_json_bytes(data)
    pdf_path = tmp_path / "old.pdf"
    pdf_path.write_bytes(render_record_pdf(record, template_dir))

    flat = " ".join(pdf_text(pdf_path).split())

    assert "Plazo legal No registrado" in flat
    assert "Fecha límite interna cumplida No aplicable" in flat
    assert "Prórroga Sin prórroga" in flat


def test_from_json_rejects_unknown_field() -> None:
    document = json.loads(build_record().to_json_bytes())
    document["extension_days"] = 60

    with pytest.raises(InvalidRecordError, match="'extension_days': unknown field"):
        CompletionRecord.from_json_bytes(json.dumps(document).encode())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"legal_limit": "2025-3-3"}, "legal_limit"),
        ({"internal_due_met": "yes"}, "internal_due_met"),
        ({"legal_limit_met": 1}, "legal_limit_met"),
        ({"legal_limit": None}, "legal_limit_met"),
        ({"extended": None}, "extended"),
        ({"extension_basis": "backlog"}, "extension_basis"),
        ({"extension_basis": None}, "extension_basis"),
        ({"extended": False}, "extension_basis"),
    ],
)
def test_from_json_names_bad_deadline_field(changes: dict[str, object], field: str) -> None:
    document = json.loads(build_record().to_json_bytes())
    document.update(changes)

    with pytest.raises(InvalidRecordError) as raised:
        CompletionRecord.from_json_bytes(json.dumps(document).encode())

    assert raised.value.field == field


def test_legal_limit_datetime_rejected() -> None:
    with pytest.raises(InvalidRecordError, match="'legal_limit': expected a date"):
        replace(build_record(), legal_limit=datetime(2025, 3, 3, tzinfo=UTC))


def test_json_carries_clock_details() -> None:
    document = json.loads(build_record().to_json_bytes())

    assert document["received_on"] == "2025-02-01"
    assert document["legal_zone"] == "Europe/Berlin"
    assert document["clock_started_on"] == "2025-02-02"
    assert document["paused_days"] == 3
    assert document["original_due_date"] == "2025-02-05"
    assert document["original_legal_limit"] == "2025-02-06"
    assert document["extended_at"] == "2025-02-10T14:00:00Z"
    assert document["extension_notice_by"] == "2025-02-05"
    assert document["acknowledge_by"] == "2025-02-14"
    assert document["readings"] == list(READINGS)


def test_json_round_trip_keeps_clock_details() -> None:
    record = build_record()

    parsed = CompletionRecord.from_json_bytes(record.to_json_bytes())

    assert parsed == record
    assert parsed.extended_at == datetime(2025, 2, 10, 14, 0, tzinfo=UTC)
    assert parsed.readings == list(READINGS)


def test_record_before_clock_details_accepted() -> None:
    record = CompletionRecord.from_json_bytes(without_fields(build_record(), CLOCK_DETAIL_FIELDS))

    assert record.received_on is None
    assert record.legal_zone is None
    assert record.clock_started_on is None
    assert record.paused_days is None
    assert record.original_due_date is None
    assert record.original_legal_limit is None
    assert record.extended_at is None
    assert record.extension_notice_by is None
    assert record.acknowledge_by is None
    assert record.readings == []
    assert record.extended is True
    assert record.legal_limit == date(2025, 3, 3)


def test_record_before_clock_details_verifies(identity: SigningIdentity) -> None:
    old_json = without_fields(build_record(), CLOCK_DETAIL_FIELDS)
    pdf = sign_record_json(old_json, identity)

    record = verify_record(pdf, identity.certificate)

    assert record == CompletionRecord.from_json_bytes(old_json)
    assert record.extension_basis == "complexity"
    assert record.readings == []


def test_cli_verifies_record_before_clock_details(
    identity: SigningIdentity, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No destroyed keys, so the command checks signature and JSON but needs no ledger.
    old_record = replace(build_record(), destroyed_keys=[])
    path = tmp_path / "old-record.pdf"
    path.write_bytes(sign_record_json(without_fields(old_record, CLOCK_DETAIL_FIELDS), identity))
    settings = Settings(environment="test", data_dir=tmp_path / "data")

    exit_code = verify_record_file(settings, path)

    assert exit_code == 0
    assert "valid:" in capsys.readouterr().out


def test_page_lists_clock_details(issued: IssuedRecord) -> None:
    flat = " ".join(pdf_text(issued.path).split())

    assert "Eingangsdatum (maßgebliche Zeitzone) 1. Februar 2025" in flat
    assert "Maßgebliche Zeitzone Europe/Berlin" in flat
    assert "Fristbeginn 2. Februar 2025" in flat
    assert "Fristhemmung wegen Rückfrage (Tage) 3" in flat
    assert "Frist für die Eingangsbestätigung 14. Februar 2025" in flat
    assert "Verlängert am 10. Februar 2025, 14:00:00 UTC" in flat
    assert "Ursprüngliche interne Frist 5. Februar 2025" in flat
    assert "Ursprüngliche gesetzliche Frist 6. Februar 2025" in flat
    assert "Frist für die Mitteilung der Verlängerung 5. Februar 2025" in flat


def test_page_quotes_readings_in_english(issued: IssuedRecord) -> None:
    flat = " ".join(pdf_text(issued.path).split())

    assert "Angewandte Auslegungen der Fristregel" in flat
    assert "Im englischen Wortlaut der Fristberechnung wiedergegeben." in flat
    for reading in READINGS:
        assert reading in flat


def test_english_page_lists_clock_details(template_dir: Path, tmp_path: Path) -> None:
    pdf_path = tmp_path / "en.pdf"
    pdf_path.write_bytes(render_record_pdf(build_record(locale="en"), template_dir))

    flat = " ".join(pdf_text(pdf_path).split())

    assert "Receipt date (legal time zone) February 1, 2025" in flat
    assert "Legal time zone Europe/Berlin" in flat
    assert "Clock started February 2, 2025" in flat
    assert "Clock paused for a clarification (days) 3" in flat
    assert "Acknowledgement deadline February 14, 2025" in flat
    assert "Extended at February 10, 2025, 2:00:00" in flat
    assert "Original internal due date February 5, 2025" in flat
    assert "Original legal limit February 6, 2025" in flat
    assert "Extension notice deadline February 5, 2025" in flat
    assert "Readings of the rule applied" in flat
    assert "Quoted in English" not in flat


def test_page_leaves_out_unused_clock_rows(template_dir: Path, tmp_path: Path) -> None:
    record = replace(
        build_unextended_record(),
        clock_started_on=date(2025, 2, 1),
        paused_days=0,
        acknowledge_by=None,
        extension_notice_by=None,
    )
    pdf_path = tmp_path / "plain.pdf"
    pdf_path.write_bytes(render_record_pdf(record, template_dir))

    flat = " ".join(pdf_text(pdf_path).split())

    assert "Receipt date (legal time zone) February 1, 2025" in flat
    assert "Clock started" not in flat
    assert "Clock paused" not in flat
    assert "Acknowledgement deadline" not in flat
    assert "Extended at" not in flat
    assert "Original internal due date" not in flat
    assert "Extension notice deadline" not in flat


def test_record_before_clock_details_renders(template_dir: Path, tmp_path: Path) -> None:
    data = without_fields(build_record(locale="fr"), CLOCK_DETAIL_FIELDS)
    record = CompletionRecord.from_json_bytes(data)
    pdf_path = tmp_path / "before-details.pdf"
    pdf_path.write_bytes(render_record_pdf(record, template_dir))

    flat = " ".join(pdf_text(pdf_path).split())

    assert "Date de réception (fuseau horaire de référence) Non enregistré" in flat
    assert "Fuseau horaire de référence Non enregistré" in flat
    assert "Prolongé le Non enregistré" in flat
    assert "Échéance interne initiale Non enregistré" in flat
    assert "Délai légal initial Non enregistré" in flat
    assert "Interprétations appliquées de la règle Aucune entrée" in flat


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"received_on": "2025-2-1"}, "received_on"),
        ({"legal_zone": ""}, "legal_zone"),
        ({"legal_zone": None}, "legal_zone"),
        ({"clock_started_on": "2025-02-02T00:00:00Z"}, "clock_started_on"),
        ({"paused_days": -1}, "paused_days"),
        ({"paused_days": True}, "paused_days"),
        ({"paused_days": "3"}, "paused_days"),
        ({"original_due_date": 20250205}, "original_due_date"),
        ({"extended_at": "2025-02-10T14:00:00"}, "extended_at"),
        ({"extension_notice_by": "soon"}, "extension_notice_by"),
        ({"acknowledge_by": "2025-02-30"}, "acknowledge_by"),
        ({"readings": "receipt date"}, "readings"),
        ({"readings": ["receipt date", ""]}, "readings[1]"),
        ({"extended": False, "extension_basis": None}, "original_due_date"),
    ],
)
def test_from_json_names_bad_clock_detail(changes: dict[str, object], field: str) -> None:
    document = json.loads(build_record().to_json_bytes())
    document.update(changes)

    with pytest.raises(InvalidRecordError) as raised:
        CompletionRecord.from_json_bytes(json.dumps(document).encode())

    assert raised.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"original_due_date": date(2025, 2, 5)}, "original_due_date"),
        ({"original_legal_limit": date(2025, 2, 6)}, "original_legal_limit"),
        ({"extended_at": NOW}, "extended_at"),
    ],
)
def test_unextended_record_rejects_extension_detail(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRecordError) as raised:
        replace(build_unextended_record(), **changes)

    assert raised.value.field == field
