"""A local SMTP server for development: every message it receives goes to the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from mail.outbox import store_message
from vault.service import Vault

logger = logging.getLogger(__name__)


class OutboxHandler:
    def __init__(self, outbox: Path, vault: Vault, clock: Callable[[], datetime]) -> None:
        self.outbox = outbox
        self.vault = vault
        self.clock = clock

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        recipients = [str(r) for r in envelope.rcpt_tos]
        path = store_message(self.outbox, self.vault, content, recipients, self.clock())
        logger.info("mail.sink.stored", extra={"message_file": path.name})
        return "250 Message accepted for delivery"


def start_sink(outbox: Path, vault: Vault, host: str, port: int) -> Controller:
    """Start the sink in a background thread; call ``stop()`` on the result to end it."""
    handler = OutboxHandler(outbox, vault, lambda: datetime.now(UTC))
    controller = Controller(handler, hostname=host, port=port, enable_SMTPUTF8=True)
    controller.start()
    return controller
