"""Contract-store fixtures: a real SQLite file, a vault with local key files, seeded data."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import SQLModel

# Imported for their side effect: the modules register their tables in SQLModel.metadata.
import contract_store.models  # noqa: F401
import vault.models  # noqa: F401
from contract_store.seed import SeedSummary, seed_contracts
from database.engine import make_engine
from vault.envelope import LocalKeyFileProvider
from vault.ledger import LedgerSigner
from vault.service import Vault

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SEED = 20260302
REPOSITORY_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def create_store(path: Path) -> Engine:
    """Create a SQLite contract store with the vault and contract-store tables."""
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    return engine


def create_vault(engine: Engine, keys_dir: Path) -> Vault:
    return Vault(
        engine,
        LocalKeyFileProvider(keys_dir / "kek.bin"),
        index_key=os.urandom(32),
        ledger_signer=LedgerSigner.from_file(keys_dir / "ledger.bin"),
    )


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    return tmp_path / "contracts.sqlite3"


@pytest.fixture
def store_engine(database_path: Path) -> Iterator[Engine]:
    engine = create_store(database_path)
    yield engine
    engine.dispose()


@pytest.fixture
def store_vault(store_engine: Engine, tmp_path: Path) -> Vault:
    return create_vault(store_engine, tmp_path)


@pytest.fixture
def seeded(store_engine: Engine, store_vault: Vault) -> SeedSummary:
    return seed_contracts(store_engine, store_vault, 200, SEED, NOW)


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    """Copy the export template and catalogs, so compiled .mo files land in tmp_path."""
    target = tmp_path / "templates"
    shutil.copytree(REPOSITORY_TEMPLATES / "exports", target / "exports")
    for language in ("de", "fr", "es"):
        messages = target / "locale" / language / "LC_MESSAGES"
        messages.mkdir(parents=True)
        shutil.copy2(
            REPOSITORY_TEMPLATES / "locale" / language / "LC_MESSAGES" / "exports.po", messages
        )
    return target
