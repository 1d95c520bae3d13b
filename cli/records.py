"""``dsrflow records verify FILE``: signature, embedded JSON and destruction-ledger entries."""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography import x509
from sqlmodel import Session, select

from database.engine import make_engine
from records.verify import RecordVerificationError, verify_record
from settings import Settings
from vault.ledger import LedgerSigner, LedgerVerificationError, verify_ledger
from vault.models import LedgerEntry


def verify_record_file(settings: Settings, path: Path) -> int:
    """Print ``valid`` and exit 0, or print what failed and exit 1."""
    try:
        content = path.read_bytes()
    except OSError as error:
        sys.stderr.write(f"cannot read {path}: {error.strerror}\n")
        return 2

    try:
        record = verify_record(content, _trusted_certificate(settings))
        _check_ledger(
            settings, [(k.key_id, k.sequence, k.entry_hash) for k in record.destroyed_keys]
        )
    except (RecordVerificationError, LedgerVerificationError) as error:
        sys.stderr.write(f"INVALID: {path}: {error}\n")
        return 1

    sys.stdout.write(
        f"valid: {path} (request {record.request_id}, {record.kind}, {record.status})\n"
    )
    return 0


def _trusted_certificate(settings: Settings) -> x509.Certificate | None:
    cert_path = settings.signing_cert_path or settings.keys_dir / "record-signing-cert.pem"
    if not cert_path.exists():
        return None
    return x509.load_pem_x509_certificate(cert_path.read_bytes())


def _check_ledger(settings: Settings, destroyed: list[tuple[str, int, str]]) -> None:
    """Match each destroyed key in the record with a signed entry of this installation's ledger."""
    if not destroyed:
        return
    ledger_key = settings.ledger_key_path or settings.keys_dir / "ledger-ed25519.bin"
    if not ledger_key.exists():
        raise LedgerVerificationError(
            "the record lists destroyed keys but this installation has no destruction ledger; "
            "run the command where DSRFLOW_DATA_DIR points at the installation that issued it"
        )
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as session:
        verify_ledger(session, LedgerSigner.from_file(ledger_key).public_key)
        for key_id, sequence, entry_hash in destroyed:
            entry = session.exec(select(LedgerEntry).where(LedgerEntry.key_id == key_id)).first()
            if entry is None or entry.sequence != sequence or entry.entry_hash != entry_hash:
                raise LedgerVerificationError(
                    f"key {key_id} has no matching entry in the destruction ledger"
                )
    engine.dispose()
