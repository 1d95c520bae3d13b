"""``dsrflow demo``: seed contracts, then drive one request of each kind through the running stack.

Everything goes through the real entry points: the public web form over HTTP, the
verification links from the outbox, and the portal's approval form. The demo reads the
outbox and the database directly only to find what a person would see in their mailbox.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from accounts.models import PortalUser
from accounts.users import create_user
from contract_store.seed import SeededPerson, seed_contracts
from database.engine import make_engine, session_scope
from database.migrate import upgrade_to_head
from mail.outbox import read_outbox
from request_store.models import CLOSED_STATUSES, DataSubjectRequest
from settings import Settings
from vault.service import Vault

VERIFY_LINK = re.compile(r"/verify/([A-Za-z0-9_\-]+)")
CSRF_FIELD = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
WAIT_SECONDS = 180


class DemoError(Exception):
    """A step of the demo did not happen in time; the message names the step."""


@dataclass(frozen=True)
class DemoCase:
    kind: str
    person: SeededPerson
    country: str
    state: str
    language: str


def run_demo(settings: Settings, *, contracts: int, as_json: bool, faker_seed: int) -> int:
    base_url = f"http://{settings.api_host}:{settings.api_port}"
    if not _stack_is_up(base_url):
        sys.stderr.write(
            f"demo needs the running stack, but nothing answers at {base_url}/healthz; "
            "start it with `make run` in another terminal\n"
        )
        return 1

    upgrade_to_head(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    vault = Vault.from_settings(settings, engine)

    summary = seed_contracts(engine, vault, contracts, seed=faker_seed, now=datetime.now(UTC))
    _progress(f"seeded {contracts} contracts")
    cases = _choose_cases(summary.people)

    try:
        with httpx.Client(base_url=base_url, timeout=30, follow_redirects=True) as http:
            request_ids = [_submit(http, engine, vault, case) for case in cases]
            for request_id in request_ids:
                _verify(http, settings, engine, vault, request_id)
            _progress("verified all requests through their emailed links")
            _approve_erasures(http, engine, request_ids)
            rows = _wait_until_closed(engine, request_ids)
    except (DemoError, httpx.HTTPError) as error:
        sys.stderr.write(f"demo failed: {error}\n")
        return 1
    finally:
        engine.dispose()

    results = [
        {"id": row.id, "kind": row.kind, "status": row.status, "record": row.record_path}
        for row in rows
    ]
    if as_json:
        sys.stdout.write(json.dumps({"requests": results}) + "\n")
    else:
        for result in results:
            line = f"{result['kind']:8} {result['id']} {result['status']} {result['record']}"
            sys.stdout.write(line + "\n")
    return 0 if all(r["status"] == "completed" for r in results) else 1


def _stack_is_up(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _progress(line: str) -> None:
    # The last line of standard output is the result, so progress goes to standard error.
    sys.stderr.write(line + "\n")


def _choose_cases(people: list[SeededPerson]) -> list[DemoCase]:
    ranked = sorted(people, key=lambda person: person.contract_count, reverse=True)
    if len(ranked) < 3:
        raise DemoError("seeding produced fewer than three people; seed more contracts")
    return [
        DemoCase("access", ranked[0], "DE", "", "de"),
        DemoCase("erasure", ranked[1], "FR", "", "fr"),
        DemoCase("opt_out", ranked[2], "US", "CA", "en"),
    ]


def _submit(http: httpx.Client, engine: Engine, vault: Vault, case: DemoCase) -> str:
    form = {
        "kind": case.kind,
        "email": case.person.email,
        "name": case.person.full_name,
        "country": case.country,
        "state": case.state,
        "language": case.language,
    }
    submitted_at = datetime.now(UTC)
    response = http.post("/requests", data=form)
    if response.status_code != 200:
        raise DemoError(f"the web form rejected the {case.kind} request ({response.status_code})")

    with Session(engine) as session:
        subject = vault.find_subject(session, case.person.email)
        if subject is None:
            raise DemoError(f"no subject was created for the {case.kind} request")
        row = session.exec(
            select(DataSubjectRequest)
            .where(DataSubjectRequest.subject_id == subject.id)
            .where(DataSubjectRequest.kind == case.kind)
            .where(col(DataSubjectRequest.received_at) >= submitted_at.replace(microsecond=0))
            .order_by(col(DataSubjectRequest.received_at).desc())
        ).first()
    if row is None:
        raise DemoError(f"the {case.kind} request was not stored")
    return row.id


def _verify(
    http: httpx.Client, settings: Settings, engine: Engine, vault: Vault, request_id: str
) -> None:
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        assert row is not None
        key_id = row.key_id

    token = _wait_for_token(settings, vault, key_id)
    http.get(f"/verify/{token}").raise_for_status()
    http.post(f"/verify/{token}").raise_for_status()


def _wait_for_token(settings: Settings, vault: Vault, key_id: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        for entry in read_outbox(settings.outbox_dir, vault):
            match = VERIFY_LINK.search(entry.body or "") if entry.key_id == key_id else None
            if match is not None:
                return match.group(1)
        time.sleep(0.2)
    raise DemoError("no verification email reached the outbox; is `make run` running?")


def _approve_erasures(http: httpx.Client, engine: Engine, request_ids: list[str]) -> None:
    with Session(engine) as session:
        erasures = [
            request_id
            for request_id in request_ids
            if (row := session.get(DataSubjectRequest, request_id)) and row.kind == "erasure"
        ]
    if not erasures:
        return

    username = f"demo-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(24)
    with session_scope(engine) as session:
        create_user(session, username, password, datetime.now(UTC))
    try:
        _log_in(http, username, password)
        for request_id in erasures:
            _wait_for_status(engine, request_id, "awaiting_approval")
            page = http.get(f"/portal/requests/{request_id}")
            page.raise_for_status()
            http.post(
                f"/portal/requests/{request_id}/decision",
                data={"decision": "approve", "reason": "", "csrf_token": _csrf(page.text)},
            ).raise_for_status()
    finally:
        _disable_user(engine, username)


def _log_in(http: httpx.Client, username: str, password: str) -> None:
    page = http.get("/portal/login")
    page.raise_for_status()
    data = {"username": username, "password": password}
    match = CSRF_FIELD.search(page.text)
    if match:
        data["csrf_token"] = match.group(1)
    response = http.post("/portal/login", data=data)
    response.raise_for_status()
    if "/portal/login" in str(response.url):
        raise DemoError("the demo user could not log in to the portal")


def _csrf(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if match is None:
        raise DemoError("the portal page has no CSRF token")
    return match.group(1)


def _disable_user(engine: Engine, username: str) -> None:
    with session_scope(engine) as session:
        user = session.exec(select(PortalUser).where(PortalUser.username == username)).first()
        if user is not None:
            user.disabled = True
            session.add(user)


def _wait_for_status(engine: Engine, request_id: str, status: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with Session(engine) as session:
            row = session.get(DataSubjectRequest, request_id)
            if row is not None and row.status == status:
                return
        time.sleep(0.2)
    raise DemoError(f"request {request_id} never reached status {status}")


def _wait_until_closed(engine: Engine, request_ids: list[str]) -> list[DataSubjectRequest]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with Session(engine) as session:
            rows = [session.get(DataSubjectRequest, request_id) for request_id in request_ids]
        closed = [
            row
            for row in rows
            if row is not None and row.status in CLOSED_STATUSES and row.record_path
        ]
        if len(closed) == len(request_ids):
            return closed
        time.sleep(0.2)
    raise DemoError("not every request completed in time")
