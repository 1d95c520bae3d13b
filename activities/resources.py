"""Dependencies shared by every activity: settings, the database, the vault and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine

from records.signing import SigningIdentity, load_or_create_signing_identity
from settings import Settings
from vault.service import Vault

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ActivityResources:
    settings: Settings
    engine: Engine
    vault: Vault
    clock: Callable[[], datetime] = field(default=utc_now)
    template_dir: Path = TEMPLATE_DIR

    @cached_property
    def signing_identity(self) -> SigningIdentity:
        keys_dir = self.settings.keys_dir
        return load_or_create_signing_identity(
            self.settings.signing_key_path or keys_dir / "record-signing-key.pem",
            self.settings.signing_cert_path or keys_dir / "record-signing-cert.pem",
            self.settings.controller_name,
            self.clock(),
        )
