from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from database.engine import session_scope
from mail.outbox import read_outbox
from mail.sender import MailDeliveryError, OutgoingEmail, send_email
from mail.sink import start_sink
from settings import Settings
from tests.conftest import free_port
from tests.mailbox import Mailbox, body_of
from vault.service import Vault

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_send_reaches_smtp_server(settings: Settings, mailbox: Mailbox) -> None:
    send_email(settings, OutgoingEmail("jürgen@bücher.example", "Subject", "Hello"))
    received = mailbox.wait_for("jürgen@bücher.example")
    assert body_of(received[0]).strip() == "Hello"


def test_failure_message_hides_address(settings: Settings) -> None:
    closed = settings.model_copy(update={"smtp_port": free_port()})
    with pytest.raises(MailDeliveryError) as failure:
        send_email(closed, OutgoingEmail("secret.person@example.com", "Subject", "Hello"))
    assert "secret.person" not in str(failure.value)
    assert failure.value.__cause__ is None


def test_sink_seals_subject_mail(
    settings: Settings, engine: Engine, vault: Vault, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        subject = vault.find_or_create_subject(session, "sealed@example.com", NOW)
    outbox = tmp_path / "outbox"
    port = free_port()
    sink = start_sink(outbox, vault, "127.0.0.1", port)
    sink_settings = settings.model_copy(update={"smtp_port": port})
    try:
        send_email(sink_settings, OutgoingEmail("sealed@example.com", "Verify", "link here"))
        send_email(sink_settings, OutgoingEmail("team@example.com", "Approve", "req_1"))
    finally:
        sink.stop()

    files = {path.suffix for path in outbox.iterdir()}
    assert files == {".sealed", ".eml"}
    for path in outbox.iterdir():
        if path.name.endswith(".sealed"):
            assert b"sealed@example.com" not in path.read_bytes()
    entries = read_outbox(outbox, vault)
    assert sorted(entry.subject for entry in entries) == ["Approve", "Verify"]

    vault.destroy_subject_key(subject.id, None, NOW)
    after = {entry.subject: entry for entry in read_outbox(outbox, vault)}
    assert after["(erased)"].body is None
    assert after["Approve"].body is not None
