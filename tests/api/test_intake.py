"""The public web form: validation at the edge, successful submissions, GPC and failures."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from audit.log import AuditEvent
from request_store.models import DataSubjectRequest
from tests.api.conftest import Clock, RecordingGateway, count_rows, valid_form
from vault.fields import FieldPlace
from vault.service import Vault

# Each case: the fields to change, the field that gets the message, and the message.
INVALID_SUBMISSIONS = [
    (
        {"email": "not-an-address"},
        "email",
        "Enter a valid email address, such as name@example.com.",
    ),
    (
        {"email": "someone@localhost"},
        "email",
        "Enter a valid email address, such as name@example.com.",
    ),
    (
        {"email": "a@b@example.org"},
        "email",
        "Enter a valid email address, such as name@example.com.",
    ),
    ({"email": ""}, "email", "This field is required."),
    (
        {"name": "Erika\nBcc: x@example.org"},
        "name",
        "Enter your name on one line, without line breaks or control characters.",
    ),
    (
        {"name": "Erika\u0007"},
        "name",
        "Enter your name on one line, without line breaks or control characters.",
    ),
    (
        {"name": "Erika\u2028Mustermann"},
        "name",
        "Enter your name on one line, without line breaks or control characters.",
    ),
    *[
        (
            {"name": f"Erika{char}Mustermann"},
            "name",
            "Remove the invisible formatting characters from your name, such as text direction "
            "marks or zero-width spaces. Type or paste it again as plain text.",
        )
        for char in (
            *(chr(code) for code in range(0x202A, 0x202F)),  # embeddings and overrides
            *(chr(code) for code in range(0x2066, 0x206A)),  # isolates
            "\u200b",  # zero-width space
            "\u2060",  # word joiner
            "\ufeff",  # zero-width no-break space (byte order mark)
            "\u200e",  # left-to-right mark
            "\u00ad",  # soft hyphen
            "\U000e0041",  # tag latin capital letter A
        )
    ],
    ({"name": "E" * 201}, "name", "Shorten your name to at most 200 characters."),
    ({"name": "   "}, "name", "This field is required."),
    ({"country": "XX"}, "country", "Choose your country from the list."),
    ({"country": ""}, "country", "This field is required."),
    ({"country": "US", "state": ""}, "state", "Choose your US state of residence."),
    (
        {"country": "US", "state": "TX"},
        "state",
        "Requests from this state cannot be handled here. "
        "Supported states: CA, CO, CT, FL, IA, UT, VA.",
    ),
    ({"language": "it"}, "language", "Choose one of the offered languages."),
    ({"language": ""}, "language", "This field is required."),
    ({"kind": "rectify_everything"}, "kind", "Choose one of the request types."),
    ({"kind": ""}, "kind", "This field is required."),
]


@pytest.mark.parametrize(("changes", "field", "message"), INVALID_SUBMISSIONS)
async def test_invalid_submission_writes_nothing(
    client: httpx.AsyncClient,
    engine: Engine,
    gateway: RecordingGateway,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = count_rows(engine)

    response = await client.post("/requests", data=valid_form(**changes))

    assert response.status_code == 422
    page = html.unescape(response.text)
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in page
    assert count_rows(engine) == before
    assert gateway.started == []


async def test_invalid_submission_keeps_entries(client: httpx.AsyncClient) -> None:
    response = await client.post("/requests", data=valid_form(email="broken", country="FR"))

    assert 'value="Erika Mustermann"' in response.text
    assert 'value="broken"' in response.text
    assert '<option value="FR" selected>' in response.text


async def test_missing_fields_all_reported(client: httpx.AsyncClient, engine: Engine) -> None:
    before = count_rows(engine)

    response = await client.post("/requests", data={})

    assert response.status_code == 422
    for field in ("kind", "email", "name", "country", "language"):
        assert f'id="{field}-error"' in response.text
    assert count_rows(engine) == before


async def test_german_submission_errors_in_german(client: httpx.AsyncClient) -> None:
    response = await client.post("/requests", data=valid_form(email="kaputt", language="de"))

    assert response.status_code == 422
    assert "Geben Sie eine gültige E-Mail-Adresse ein" in html.unescape(response.text)


async def test_submission_in_english(
    client: httpx.AsyncClient, engine: Engine, vault: Vault, gateway: RecordingGateway
) -> None:
    response = await client.post("/requests", data=valid_form())

    assert response.status_code == 200
    assert "<h1>Check your email</h1>" in response.text
    assert len(gateway.started) == 1
    started = gateway.started[0]
    assert started.kind == "access"
    assert started.verification_required is True
    assert started.approval_required is True
    assert started.verification_window_seconds == 72 * 3600
    assert started.request_id in response.text

    with Session(engine) as session:
        row = session.get(DataSubjectRequest, started.request_id)
        assert row is not None
        assert row.regime == "gdpr"
        assert row.status == "awaiting_verification"
        assert row.locale == "en"
        place = FieldPlace("data_subject_request", "email", row.id)
        assert vault.decrypt(session, row.key_id, place, row.email_ciphertext) == (
            "erika.mustermann@example.org"
        )
        assert b"Erika" not in row.name_ciphertext
        events = session.exec(select(AuditEvent)).all()
    assert [event.event for event in events] == ["request.received"]
    assert events[0].detail == {"kind": "access", "regime": "gdpr", "source": "web_form"}


async def test_submission_in_german(
    client: httpx.AsyncClient, engine: Engine, gateway: RecordingGateway
) -> None:
    response = await client.post(
        "/requests", data=valid_form(kind="erasure", language="de", name="Jürgen Groß")
    )

    assert response.status_code == 200
    assert '<html lang="de">' in response.text
    assert "<h1>Prüfen Sie Ihre E-Mails</h1>" in html.unescape(response.text)
    assert "innerhalb von 72 Stunden" in response.text
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, gateway.started[0].request_id)
        assert row is not None
        assert row.locale == "de"
        assert row.kind == "erasure"


@pytest.mark.parametrize(
    "name",
    [
        # Persian "Aliakbar Mohammadi": a zero-width non-joiner keeps "Ali" from joining "Akbar".
        "\u0639\u0644\u06cc\u200c\u0627\u06a9\u0628\u0631 \u0645\u062d\u0645\u062f\u06cc",
        # Malayalam: a virama and a zero-width joiner, the spelling of a chillu letter before
        # Unicode 5.1 encoded chillus as characters of their own.
        "\u0d28\u0d3f\u0d24\u0d4d\u0d2f\u0d7b \u0d15\u0d4d\u200d\u0d37",
        # Hindi "Nikhil Sharma", with the joiner that selects the eyelash ra.
        "\u0928\u093f\u0916\u093f\u0932 \u0936\u0930\u094d\u200d\u092e\u093e",
    ],
)
async def test_joiner_characters_accepted(
    client: httpx.AsyncClient, engine: Engine, vault: Vault, gateway: RecordingGateway, name: str
) -> None:
    response = await client.post("/requests", data=valid_form(name=name))

    assert response.status_code == 200
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, gateway.started[0].request_id)
        assert row is not None
        place = FieldPlace("data_subject_request", "name", row.id)
        assert vault.decrypt(session, row.key_id, place, row.name_ciphertext) == name


async def test_format_character_message_in_german(client: httpx.AsyncClient) -> None:
    form = valid_form(name="Erika\u202eMustermann", language="de")

    response = await client.post("/requests", data=form)

    assert response.status_code == 422
    assert "unsichtbaren Formatierungszeichen" in html.unescape(response.text)


async def test_internationalized_email_accepted(
    client: httpx.AsyncClient, gateway: RecordingGateway
) -> None:
    response = await client.post("/requests", data=valid_form(email="jürgen@bücher.example"))

    assert response.status_code == 200
    assert len(gateway.started) == 1


@pytest.mark.parametrize(
    ("accept_language", "heading"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "Datenschutzantrag stellen"),
        ("fr-CH, fr;q=0.9", "Faire une demande relative à la vie privée"),
        ("es", "Presentar una solicitud de privacidad"),
        ("it, en;q=0.5", "Make a privacy request"),
        ("", "Make a privacy request"),
    ],
)
async def test_form_language_negotiated(
    client: httpx.AsyncClient, accept_language: str, heading: str
) -> None:
    response = await client.get("/", headers={"Accept-Language": accept_language})

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in html.unescape(response.text)


async def test_form_language_parameter_wins(client: httpx.AsyncClient) -> None:
    response = await client.get("/?language=fr", headers={"Accept-Language": "de"})

    text = html.unescape(response.text)
    assert "<h1>Faire une demande relative à la vie privée</h1>" in text
    assert "Allemagne" in text
    assert "Californie" in text


async def test_gpc_signal_adds_opt_out(
    client: httpx.AsyncClient, engine: Engine, gateway: RecordingGateway
) -> None:
    form = valid_form(country="US", state="CA")

    response = await client.post("/requests", data=form, headers={"Sec-GPC": "1"})

    assert response.status_code == 200
    assert "Global Privacy Control" in response.text
    assert [(s.kind, s.verification_required) for s in gateway.started] == [
        ("access", True),
        ("opt_out", False),
    ]
    with Session(engine) as session:
        opt_out = session.get(DataSubjectRequest, gateway.started[1].request_id)
        access = session.get(DataSubjectRequest, gateway.started[0].request_id)
    assert opt_out is not None and access is not None
    assert opt_out.source == "gpc"
    assert opt_out.regime == "ccpa"
    assert opt_out.status == "in_progress"
    assert opt_out.subject_id == access.subject_id


async def test_gpc_ignored_outside_opt_out_regimes(
    client: httpx.AsyncClient, gateway: RecordingGateway
) -> None:
    response = await client.post("/requests", data=valid_form(), headers={"Sec-GPC": "1"})

    assert response.status_code == 200
    assert "Global Privacy Control" not in response.text
    assert [s.kind for s in gateway.started] == ["access"]


async def test_start_failure_writes_nothing(
    client: httpx.AsyncClient, engine: Engine, gateway: RecordingGateway
) -> None:
    gateway.fail_start_kinds.add("access")
    before = count_rows(engine)

    response = await client.post("/requests", data=valid_form(language="de"))

    assert response.status_code == 503
    assert count_rows(engine) == before
    text = html.unescape(response.text)
    assert "Wir konnten Ihren Antrag gerade nicht annehmen." in text
    assert 'value="erika.mustermann@example.org"' in text
    assert 'value="Erika Mustermann"' in text
    assert '<option value="DE" selected>' in text


async def test_gpc_start_failure_keeps_main_request(
    client: httpx.AsyncClient, engine: Engine, gateway: RecordingGateway
) -> None:
    gateway.fail_start_kinds.add("opt_out")

    response = await client.post(
        "/requests", data=valid_form(country="US", state="VA"), headers={"Sec-GPC": "1"}
    )

    assert response.status_code == 200
    assert "Global Privacy Control" not in response.text
    with Session(engine) as session:
        rows = session.exec(select(DataSubjectRequest)).all()
    assert [row.kind for row in rows] == ["access"]


@pytest.mark.parametrize(
    ("reported", "stored"),
    [
        ("Pacific/Honolulu", "Pacific/Honolulu"),
        ("Mars/Olympus_Mons", None),
        ("../../etc/passwd", None),
        ("Europe/" + "x" * 80, None),
        ("", None),
    ],
)
async def test_browser_zone_kept_only_when_known(
    client: httpx.AsyncClient,
    engine: Engine,
    gateway: RecordingGateway,
    clock: Clock,
    reported: str,
    stored: str | None,
) -> None:
    # 05:00 UTC on 2 March is still 1 March in Honolulu but 2 March in Ireland, the default
    # establishment, so the subject's zone moves the internal due date a day earlier.
    clock.now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)

    response = await client.post("/requests", data=valid_form(time_zone=reported))

    assert response.status_code == 200
    with Session(engine) as session:
        row = session.get(DataSubjectRequest, gateway.started[0].request_id)
    assert row is not None
    assert row.subject_time_zone == stored
    assert row.legal_limit == date(2026, 4, 2)
    assert row.due_date == (date(2026, 4, 1) if stored else date(2026, 4, 2))
