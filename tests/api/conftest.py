"""Fixtures for web-layer tests: a real SQLite file, a real vault and a recording gateway."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from accounts import models as account_models
from accounts.users import create_user
from api.context import current_time
from api.main import create_app
from audit import log as audit_log
from database.engine import make_engine, session_scope
from database.migrate import upgrade_to_head
from legal_clock.deadlines import ClockInput, compute_deadlines
from legal_clock.instants import end_of_local_day
from legal_clock.regimes import jurisdiction_for
from legal_clock.settings import ClockSettings
from localization import Renderer
from request_store import models as request_models
from request_store.intake import Submission, create_request
from request_store.models import (
    OPEN_STATUSES,
    DataSubjectRequest,
    RequestKind,
    VerificationToken,
)
from runtime.gateway import DecisionRejectedError, ExtensionRejectedError
from settings import Settings
from vault import models as vault_models
from vault.envelope import LocalKeyFileProvider
from vault.fields import FieldPlace
from vault.ledger import LedgerSigner
from vault.service import Vault
from workflows.messages import (
    DENIAL_BASES,
    EXTENSION_BASES,
    ClockChange,
    ClockChangeResult,
    DeadlineExtension,
    DeadlineExtensionResult,
    ErasureDecision,
    ErasureDecisionResult,
    RequestInput,
    VerifiedSignal,
)

# Imported for their tables: create_all below creates what these modules define.
MODEL_MODULES = (vault_models, audit_log, request_models, account_models)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PORTAL_USERNAME = "alice"
PORTAL_PASSWORD = "correct horse battery staple"


@dataclass
class Clock:
    """The instant the app's ``current_time`` dependency returns; tests move it."""

    now: datetime = NOW

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class RecordingGateway:
    """Stands in for Temporal in web-layer tests: it records every call and fails on request.

    The Temporal-backed end-to-end tests live elsewhere; these tests check only what the web
    layer sends and how it reacts to failures. Extensions are checked against the request row
    in ``engine`` at ``clock.now``, as the workflow's validator checks them against its plan,
    but nothing is written to the row: the workflow's activity does that.
    """

    def __init__(self, engine: Engine | None = None, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or Clock()
        self.started: list[RequestInput] = []
        self.verified: list[tuple[str, VerifiedSignal]] = []
        self.decisions: list[tuple[str, ErasureDecision]] = []
        self.extensions: list[tuple[str, DeadlineExtension]] = []
        self.clock_changes: list[tuple[str, ClockChange]] = []
        self.fail_start_kinds: set[str] = set()
        self.fail_verified = False
        self.fail_decision = False
        self.fail_extension = False
        self.reject_decision_with: str | None = None

    async def start_request(self, request: RequestInput) -> None:
        if request.kind in self.fail_start_kinds:
            raise ConnectionError("Temporal frontend unreachable")
        self.started.append(request)

    async def report_verified(self, request_id: str, signal: VerifiedSignal) -> None:
        if self.fail_verified:
            raise ConnectionError("Temporal frontend unreachable")
        self.verified.append((request_id, signal))

    async def decide_erasure(
        self, request_id: str, decision: ErasureDecision
    ) -> ErasureDecisionResult:
        if self.fail_decision:
            raise ConnectionError("Temporal frontend unreachable")
        if self.reject_decision_with is not None:
            raise DecisionRejectedError(self.reject_decision_with)
        # The same checks, with the same messages, as the request workflow's update validator.
        earlier = [sent for sent_id, sent in self.decisions if sent_id == request_id]
        if earlier:
            raise DecisionRejectedError(
                f"this erasure was already decided ({earlier[0].decision}); "
                "a second decision is not accepted"
            )
        if decision.decision == "deny" and decision.basis not in DENIAL_BASES:
            raise DecisionRejectedError(f"a denial needs a legal basis (got {decision.basis!r})")
        self.decisions.append((request_id, decision))
        return ErasureDecisionResult(accepted=True, decision=decision.decision)

    async def extend_deadline(
        self, request_id: str, extension: DeadlineExtension
    ) -> DeadlineExtensionResult:
        if self.fail_extension:
            raise ConnectionError("Temporal frontend unreachable")
        assert self.engine is not None, "extend_deadline needs the gateway's engine"
        row = load_request(self.engine, request_id)

        # The same checks, in the same order and with the same messages, as the request
        # workflow's update validator.
        if row.status not in OPEN_STATUSES:
            raise ExtensionRejectedError(
                "this request is closed; its deadline can no longer change"
            )
        if row.clarification_requested is not None and row.clarification_received is None:
            raise ExtensionRejectedError(
                "the clock is paused for a clarification; resume it before extending"
            )
        extended_before = any(sent_id == request_id for sent_id, _ in self.extensions)
        if extended_before or row.extended_at is not None:
            raise ExtensionRejectedError(
                f"the deadline was already extended (legal limit {row.legal_limit}); "
                "the law allows one extension"
            )
        if row.extension_notice_by is None:
            raise ExtensionRejectedError("this regime allows no extension for this kind of request")
        notice_at = end_of_local_day(row.extension_notice_by, row.legal_zone or "UTC")
        if self.clock.now >= notice_at:
            raise ExtensionRejectedError(
                "the first period has ended, and an extension must be notified to the subject "
                f"within it (until {notice_at.isoformat()})"
            )
        if extension.basis not in EXTENSION_BASES:
            allowed = ", ".join(sorted(EXTENSION_BASES))
            raise ExtensionRejectedError(
                f"an extension needs a basis, one of: {allowed} (got {extension.basis!r})"
            )

        self.extensions.append((request_id, extension))
        extended = compute_deadlines(
            ClockInput(
                regime=row.regime, received_at=row.received_at, kind=row.kind, extended=True
            ),
            ClockSettings(),
        )
        return DeadlineExtensionResult(
            extended.internal_due.isoformat(), extended.legal_limit.isoformat()
        )

    async def change_clock(self, request_id: str, change: ClockChange) -> ClockChangeResult:
        # Records the call and returns what the workflow would. The clock's dates are covered
        # by the workflow tests.
        assert self.engine is not None, "change_clock needs the gateway's engine"
        row = load_request(self.engine, request_id)
        self.clock_changes.append((request_id, change))
        legal_limit = row.legal_limit or row.due_date
        return ClockChangeResult(
            change.action == "pause", row.due_date.isoformat(), legal_limit.isoformat()
        )


@dataclass
class OutboxMessage:
    id: str
    received_at: datetime
    subject: str
    recipient_count: int
    body: str | None


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        public_base_url="http://testserver",
        max_body_bytes=4096,
        controller_name="Example Controller Ltd",
    )


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    # database_url comes from the suite's root conftest: SQLite, then PostgreSQL.
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def vault(engine: Engine, tmp_path: Path) -> Vault:
    return Vault(
        engine,
        LocalKeyFileProvider(tmp_path / "kek.bin"),
        index_key=os.urandom(32),
        ledger_signer=LedgerSigner.from_file(tmp_path / "ledger.bin"),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gateway(engine: Engine, clock: Clock) -> RecordingGateway:
    return RecordingGateway(engine, clock)


@pytest.fixture
def outbox() -> list[OutboxMessage]:
    return []


@pytest.fixture
def app(
    settings: Settings,
    engine: Engine,
    vault: Vault,
    gateway: RecordingGateway,
    renderer: Renderer,
    clock: Clock,
    outbox: list[OutboxMessage],
) -> FastAPI:
    app = create_app(
        settings,
        engine,
        vault,
        gateway,
        outbox_reader=lambda: outbox,
        renderer=renderer,
    )
    app.dependency_overrides[current_time] = lambda: clock.now
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # httpx's ASGI transport rather than Starlette's TestClient, which warns about httpx.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def portal_user(engine: Engine) -> str:
    with session_scope(engine) as session:
        create_user(session, PORTAL_USERNAME, PORTAL_PASSWORD, NOW)
    return PORTAL_USERNAME


@pytest.fixture
async def portal_client(client: httpx.AsyncClient, portal_user: str) -> httpx.AsyncClient:
    """A client signed in to the portal."""
    response = await log_in(client, portal_user, PORTAL_PASSWORD)
    assert response.status_code == 303, response.text
    return client


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    form_page = await client.get("/portal/login")
    return await client.post(
        "/portal/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_token_in(form_page.text),
        },
        follow_redirects=False,
    )


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, "page has no CSRF field"
    return match.group(1)


def count_rows(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }


def valid_form(**overrides: str) -> dict[str, str]:
    form = {
        "kind": "access",
        "email": "erika.mustermann@example.org",
        "name": "Erika Mustermann",
        "country": "DE",
        "state": "",
        "language": "en",
    }
    form.update(overrides)
    return form


def store_request(
    engine: Engine,
    vault: Vault,
    settings: Settings,
    *,
    kind: RequestKind = RequestKind.ERASURE,
    status: str = "awaiting_verification",
    email: str = "jan.jansen@example.net",
    name: str = "Jan Jansen",
    language: str = "en",
) -> str:
    """Insert a request as the web form would, then force its status; return its id."""
    submission = Submission(
        kind=kind,
        email=email,
        name=name,
        jurisdiction=jurisdiction_for("NL", None),
        language=language,
    )
    with session_scope(engine) as session:
        row = create_request(session, vault, submission, NOW, settings)
        row.status = status
        session.add(row)
        return row.id


def issue_token(
    engine: Engine, request_id: str, *, expires_at: datetime, used_at: datetime | None = None
) -> str:
    """Store a verification token for a request as the verification activity would."""
    token = secrets.token_urlsafe(32)
    with session_scope(engine) as session:
        session.add(
            VerificationToken(
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                request_id=request_id,
                created_at=NOW,
                expires_at=expires_at,
                used_at=used_at,
            )
        )
    return token


def load_request(engine: Engine, request_id: str) -> DataSubjectRequest:
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        return row


def stored_note(engine: Engine, vault: Vault, request_id: str) -> str | None:
    """Decrypt the decision note stored on a request, or return None when there is none."""
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        if row.decision_note_ciphertext is None:
            return None
        place = FieldPlace("data_subject_request", "decision_note", row.id)
        return vault.decrypt(session, row.key_id, place, row.decision_note_ciphertext)
