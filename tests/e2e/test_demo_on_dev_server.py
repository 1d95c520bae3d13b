"""The acceptance run: `dsrflow dev` plus `dsrflow demo`, then proof that erasure erased."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from cli.demo import DemoCase, _choose_cases, _submit, _verify, _wait_until_closed
from contract_store.models import ContractDocument, Person, document_content_place, person_place
from contract_store.seed import SeededPerson, seed_contracts
from database.engine import make_engine
from database.migrate import upgrade_to_head
from records.verify import verify_record
from request_store.models import DataSubjectRequest
from settings import Settings
from tests.e2e.stack import running_stack
from vault.errors import DecryptionError
from vault.service import Vault

pytestmark = pytest.mark.devserver


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_demo_completes_and_erasure_leaves_no_trace(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with running_stack(data_dir) as stack:
        demo = stack.dsrflow("demo", "--seed", "60", "--json")
        assert demo.returncode == 0, demo.stderr[-2000:]
        result = json.loads(demo.stdout.strip().splitlines()[-1])

        requests = result["requests"]
        assert sorted(r["kind"] for r in requests) == ["access", "erasure", "opt_out"]
        assert all(r["status"] == "completed" for r in requests)
        for entry in requests:
            pdfsig = subprocess.run(
                ["pdfsig", entry["record"]], capture_output=True, text=True, check=False
            )
            assert "Signature is Valid" in pdfsig.stdout
            verified = stack.dsrflow("records", "verify", entry["record"])
            assert verified.returncode == 0, verified.stderr

        erasure = next(r for r in requests if r["kind"] == "erasure")
        tampered = tmp_path / "tampered.pdf"
        flipped = bytearray(Path(erasure["record"]).read_bytes())
        flipped[len(flipped) // 3] ^= 0x01
        tampered.write_bytes(bytes(flipped))
        rejected = stack.dsrflow("records", "verify", str(tampered))
        assert rejected.returncode == 1
        assert "INVALID" in rejected.stderr

        erased = _erased_person(tmp_path)
        settings = Settings(data_dir=data_dir)
        engine = make_engine(settings.resolved_database_url)
        vault = Vault.from_settings(settings, engine)
        _assert_nothing_decrypts(engine, vault, erasure["id"])
        _assert_new_request_finds_nothing(stack.api_url, settings, engine, vault, erased)
        engine.dispose()

    for path in _files_under(data_dir):
        content = path.read_bytes()
        assert erased.email.encode() not in content, f"erased email found in {path.name}"
        assert erased.full_name.encode() not in content, f"erased name found in {path.name}"


def _erased_person(tmp_path: Path) -> SeededPerson:
    """Seed the same demo data into a scratch database to learn whom the demo erased."""
    scratch = Settings(data_dir=tmp_path / "scratch")
    upgrade_to_head(scratch.resolved_database_url)
    engine = make_engine(scratch.resolved_database_url)
    summary = seed_contracts(
        engine, Vault.from_settings(scratch, engine), 60, seed=1, now=datetime.now(UTC)
    )
    engine.dispose()
    case = next(case for case in _choose_cases(summary.people) if case.kind == "erasure")
    return case.person


def _assert_nothing_decrypts(engine: Engine, vault: Vault, request_id: str) -> None:
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        people = session.exec(select(Person).where(Person.subject_id == row.subject_id)).all()
        assert people
        for person in people:
            with pytest.raises(DecryptionError):
                vault.decrypt(
                    session,
                    person.key_id,
                    person_place("full_name_ciphertext", person.id),
                    person.full_name_ciphertext,
                )
            documents = session.exec(
                select(ContractDocument).where(ContractDocument.person_id == person.id)
            ).all()
            for document in documents:
                with pytest.raises(DecryptionError):
                    vault.decrypt_bytes(
                        session,
                        person.key_id,
                        document_content_place(document.id),
                        document.content_ciphertext,
                    )


def _assert_new_request_finds_nothing(
    api_url: str, settings: Settings, engine: Engine, vault: Vault, erased: SeededPerson
) -> None:
    case = DemoCase("access", erased, "FR", "", "fr")
    with httpx.Client(base_url=api_url, timeout=30) as http:
        request_id = _submit(http, engine, vault, case)
        _verify(http, settings, engine, vault, request_id)
    row = _wait_until_closed(engine, [request_id])[0]
    assert row.record_path is not None
    record = verify_record(Path(row.record_path).read_bytes())
    assert record.stores[0].outcome == "no_data_found"
