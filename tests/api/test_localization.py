"""Translated emails and pages, catalog completeness and .mo compilation."""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from localization import Renderer, negotiate_locale
from localization.catalogs import load_translations
from localization.rendering import EMAIL_CONTEXT_KEYS, TEMPLATES_DIR
from workflows.messages import DENIAL_BASES, EXTENSION_BASES

REPOSITORY = TEMPLATES_DIR.parent
EXPIRY = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
EMAIL_CONTEXT = {
    "controller_name": "Example Controller Ltd",
    "link": "https://privacy.example/verify/abc",
    "expires_at": EXPIRY,
    "basis": "legal_obligation",
    "note": "Contract records must be kept until 2031.",
    "request_id": "req_abc",
    "portal_link": "https://privacy.example/portal/requests/req_abc",
    "received_on": date(2026, 2, 16),
    "legal_limit": date(2026, 4, 2),
    "internal_due": date(2026, 3, 31),
    "days_left": 5,
    "clock": "legal_limit",
    "date": date(2026, 4, 2),
}
TEAM_CONTEXT = {
    "controller_name": "Example Controller Ltd",
    "request_id": "req_abc",
    "portal_link": "https://privacy.example/portal/requests/req_abc",
    "internal_due": date(2026, 3, 31),
    "legal_limit": date(2026, 4, 2),
}


def extracted_messages() -> set[str]:
    """Every msgid of the ``messages`` domain used in the page and email templates and in code."""
    method_map = [
        ("templates/pages/**.html", "jinja2"),
        ("templates/emails/**.txt", "jinja2"),
        ("api/**.py", "python"),
        ("request_store/intake.py", "python"),
        ("localization/**.py", "python"),
    ]
    options = {"templates/**": {"trimmed": "true"}}
    # Jinja2 extracts {% trans %} blocks as gettext and ngettext calls.
    found = extract_from_dir(
        str(REPOSITORY),
        method_map=method_map,
        options_map=options,
        keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


@pytest.mark.parametrize("locale", ["de", "fr", "es"])
def test_catalog_translates_every_message(locale: str) -> None:
    po_path = TEMPLATES_DIR / "locale" / locale / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    translated = {
        str(message.id): message.string
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }

    missing = extracted_messages() - set(translated)

    assert not missing, f"untranslated in {locale}: {sorted(missing)}"
    for msgid, translation in translated.items():
        assert placeholders(str(translation)) == placeholders(msgid), msgid


def placeholders(message: str) -> list[str]:
    """Names of the ``%(name)`` placeholders in a message, sorted."""
    return sorted(part.split(")")[0] for part in message.split("%(")[1:])


@pytest.mark.parametrize("name", sorted(EMAIL_CONTEXT_KEYS))
@pytest.mark.parametrize("locale", ["en", "de", "fr", "es"])
def test_every_email_renders(renderer: Renderer, name: str, locale: str) -> None:
    email = renderer.render_email(name, locale, EMAIL_CONTEXT)

    assert email.subject
    assert "\n" not in email.subject
    assert email.text_body.endswith("Example Controller Ltd\n")
    assert "{{" not in email.text_body


def test_verification_email_in_german(renderer: Renderer) -> None:
    email = renderer.render_email("verification", "de", EMAIL_CONTEXT)

    assert email.subject == "Bestätigen Sie Ihren Datenschutzantrag"
    assert "https://privacy.example/verify/abc" in email.text_body
    assert "5. März 2026" in email.text_body
    assert email.text_body.startswith("Guten Tag,\n")


def test_erasure_confirmed_says_last_message(renderer: Renderer) -> None:
    email = renderer.render_email("erasure_confirmed", "en", EMAIL_CONTEXT)

    assert "approved" in email.subject
    assert "This is the last message" in email.text_body
    assert "cannot contact you again" in email.text_body


@pytest.mark.parametrize("basis", sorted(DENIAL_BASES))
def test_denial_email_names_basis_in_english(renderer: Renderer, basis: str) -> None:
    context = {**EMAIL_CONTEXT, "basis": basis, "note": ""}

    email = renderer.render_email("erasure_denied", "en", context)

    assert f"\n\n{DENIAL_BASES[basis]}\n\n" in email.text_body
    assert "Note from our privacy team" not in email.text_body


@pytest.mark.parametrize("basis", sorted(DENIAL_BASES))
@pytest.mark.parametrize("locale", ["de", "fr", "es"])
def test_denial_email_translates_basis(renderer: Renderer, basis: str, locale: str) -> None:
    context = {**EMAIL_CONTEXT, "basis": basis, "note": ""}

    email = renderer.render_email("erasure_denied", locale, context)

    english = DENIAL_BASES[basis]
    assert english not in email.text_body
    # The legal references survive translation: the article and every Californian section.
    assert "17" in email.text_body
    for section in re.findall(r"1798\.105\(d\)\(\d\)", english):
        assert section in email.text_body


def test_denial_email_includes_note(renderer: Renderer) -> None:
    context = {**EMAIL_CONTEXT, "basis": "legal_claims", "note": "Fall 4 O 12/26\nLG Köln"}

    email = renderer.render_email("erasure_denied", "de", context)

    assert "Geltendmachung, Ausübung oder Verteidigung von Rechtsansprüchen" in email.text_body
    assert "Hinweis unseres Datenschutzteams:\nFall 4 O 12/26\nLG Köln\n" in email.text_body


def test_denial_email_shows_unknown_code(renderer: Renderer) -> None:
    context = {**EMAIL_CONTEXT, "basis": "new_basis", "note": ""}

    email = renderer.render_email("erasure_denied", "fr", context)

    assert "\n\nnew_basis\n\n" in email.text_body


def test_approval_email_carries_id_and_link_only(renderer: Renderer) -> None:
    context = {
        "controller_name": "Example Controller Ltd",
        "request_id": "req_abc",
        "portal_link": "https://privacy.example/portal/requests/req_abc",
    }

    email = renderer.render_email("approval_needed", "en", context)

    assert email.subject == "Erasure request req_abc needs approval"
    assert "https://privacy.example/portal/requests/req_abc" in email.text_body


def test_email_missing_context_names_keys(renderer: Renderer) -> None:
    with pytest.raises(ValueError, match="missing context keys: expires_at, link"):
        renderer.render_email("verification", "en", {"controller_name": "X"})


def test_unknown_email_rejected(renderer: Renderer) -> None:
    with pytest.raises(ValueError, match="unknown email 'welcome'"):
        renderer.render_email("welcome", "en", EMAIL_CONTEXT)


def test_stale_mo_recompiled(tmp_path: Path) -> None:
    source = TEMPLATES_DIR / "locale" / "de" / "LC_MESSAGES" / "messages.po"
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po_path = folder / "messages.po"
    shutil.copy(source, po_path)
    mo_path = folder / "messages.mo"
    mo_path.write_bytes(b"stale")
    os.utime(mo_path, (0, 0))

    translations = load_translations(tmp_path, "de")

    assert translations.gettext("Submit request") == "Antrag absenden"
    assert mo_path.stat().st_mtime >= po_path.stat().st_mtime
    assert load_translations(tmp_path, "de").gettext("Submit request") == "Antrag absenden"


def test_read_only_folder_compiles_in_memory(tmp_path: Path) -> None:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(TEMPLATES_DIR / "locale" / "fr" / "LC_MESSAGES" / "messages.po", folder)
    folder.chmod(0o555)
    try:
        translations = load_translations(tmp_path, "fr")
    finally:
        folder.chmod(0o755)

    assert translations.gettext("Submit request") == "Envoyer la demande"


@pytest.mark.parametrize(
    ("requested", "header", "expected"),
    [
        ("de", "fr", "de"),
        ("xx", "fr-CA,fr;q=0.9", "fr"),
        (None, "en;q=0.2, es;q=0.8", "es"),
        (None, "es;q=0, de", "de"),
        (None, "*", "en"),
        (None, "de;q=abc, fr", "fr"),
        (None, None, "en"),
    ],
)
def test_negotiate_locale(requested: str | None, header: str | None, expected: str) -> None:
    assert negotiate_locale(requested, header) == expected


def test_acknowledgement_names_legal_limit(renderer: Renderer) -> None:
    context = {
        "controller_name": "X",
        "request_id": "req_abc",
        "received_on": date(2026, 2, 16),
        "legal_limit": date(2026, 4, 2),
    }

    english = renderer.render_email("acknowledgement", "en", context)
    german = renderer.render_email("acknowledgement", "de", context)

    assert english.subject == "We received your privacy request"
    assert "Its reference is req_abc;" in english.text_body
    assert "We will answer by April 2, 2026 at the latest." in english.text_body
    assert german.subject == "Wir haben Ihren Datenschutzantrag erhalten"
    assert "spätestens bis zum 2. April 2026." in german.text_body


@pytest.mark.parametrize(
    ("locale", "sentence"),
    [
        ("en", "Your request reached us on February 16, 2026."),
        ("de", "Ihr Antrag ist am 16. Februar 2026 bei uns eingegangen."),
        ("fr", "Votre demande nous est parvenue le 16 février 2026."),
        ("es", "Su solicitud nos llegó el 16 de febrero de 2026."),
    ],
)
def test_acknowledgement_names_receipt_date(renderer: Renderer, locale: str, sentence: str) -> None:
    context = {**EMAIL_CONTEXT, "received_on": date(2026, 2, 16)}

    email = renderer.render_email("acknowledgement", locale, context)

    assert f"\n\n{sentence}\n\n" in email.text_body


def test_extension_email_labels_match_bases() -> None:
    template = (TEMPLATES_DIR / "emails" / "extension_notice.txt").read_text()

    for code, label in EXTENSION_BASES.items():
        assert f'"{code}": _("{label}")' in template


@pytest.mark.parametrize("basis", sorted(EXTENSION_BASES))
def test_extension_email_names_basis_in_english(renderer: Renderer, basis: str) -> None:
    context = {**EMAIL_CONTEXT, "basis": basis, "legal_limit": date(2026, 6, 2)}

    email = renderer.render_email("extension_notice", "en", context)

    assert email.subject == "We need more time to answer your privacy request"
    assert "privacy request req_abc, for the following reason:" in email.text_body
    assert f"\n\n{EXTENSION_BASES[basis]}\n\n" in email.text_body
    assert "We will answer by June 2, 2026 at the latest." in email.text_body


@pytest.mark.parametrize("basis", sorted(EXTENSION_BASES))
@pytest.mark.parametrize("locale", ["de", "fr", "es"])
def test_extension_email_translates_basis(renderer: Renderer, basis: str, locale: str) -> None:
    context = {**EMAIL_CONTEXT, "basis": basis, "legal_limit": date(2026, 6, 2)}

    email = renderer.render_email("extension_notice", locale, context)

    assert EXTENSION_BASES[basis] not in email.text_body
    assert "req_abc" in email.text_body
    assert "2026" in email.text_body


def test_extension_email_in_french(renderer: Renderer) -> None:
    context = {**EMAIL_CONTEXT, "basis": "complexity", "legal_limit": date(2026, 6, 2)}

    email = renderer.render_email("extension_notice", "fr", context)

    assert "\n\nLa demande est complexe\n\n" in email.text_body
    assert "au plus tard le 2 juin 2026." in email.text_body


def test_extension_email_shows_unknown_code(renderer: Renderer) -> None:
    context = {**EMAIL_CONTEXT, "basis": "backlog"}

    email = renderer.render_email("extension_notice", "es", context)

    assert "\n\nbacklog\n\n" in email.text_body


@pytest.mark.parametrize(
    ("days_left", "sentence"),
    [
        (5, "Request req_abc is due in 5 days."),
        (1, "Request req_abc is due in 1 day."),
        (0, "Request req_abc is due today."),
        (-1, "Request req_abc is 1 day overdue."),
        (-3, "Request req_abc is 3 days overdue."),
    ],
)
def test_reminder_counts_days(renderer: Renderer, days_left: int, sentence: str) -> None:
    context = {**TEAM_CONTEXT, "days_left": days_left}

    email = renderer.render_email("deadline_reminder", "en", context)

    assert email.subject == "Request req_abc is due soon"
    assert email.text_body.startswith(f"Hello,\n\n{sentence}\n\n")
    assert "Internal due date: March 31, 2026\nLegal limit: April 2, 2026\n" in email.text_body
    assert "https://privacy.example/portal/requests/req_abc" in email.text_body


def test_reminder_plural_in_german(renderer: Renderer) -> None:
    one = renderer.render_email("deadline_reminder", "de", {**TEAM_CONTEXT, "days_left": 1})
    many = renderer.render_email("deadline_reminder", "de", {**TEAM_CONTEXT, "days_left": 4})

    assert "Antrag req_abc ist in 1 Tag fällig." in one.text_body
    assert "Antrag req_abc ist in 4 Tagen fällig." in many.text_body


@pytest.mark.parametrize(
    ("clock", "subject", "sentence"),
    [
        (
            "legal_limit",
            "Request req_abc has reached its legal limit",
            "Request req_abc is still open, and its legal limit is April 2, 2026. "
            "An answer after that date is late under the law.",
        ),
        (
            "internal_due",
            "Request req_abc has reached its internal due date",
            "Request req_abc is still open, and its internal due date is April 2, 2026.",
        ),
        (
            "acknowledge_by",
            "Request req_abc has reached its acknowledge_by",
            "Request req_abc is still open, and its acknowledge_by is April 2, 2026.",
        ),
    ],
)
def test_escalation_names_clock(
    renderer: Renderer, clock: str, subject: str, sentence: str
) -> None:
    context = {**TEAM_CONTEXT, "clock": clock, "date": date(2026, 4, 2)}

    email = renderer.render_email("deadline_escalation", "en", context)

    assert email.subject == subject
    assert f"\n\n{sentence}\n\n" in email.text_body
    assert "https://privacy.example/portal/requests/req_abc" in email.text_body


@pytest.mark.parametrize(
    ("name", "missing"),
    [
        ("acknowledgement", "legal_limit, received_on, request_id"),
        ("extension_notice", "basis, legal_limit, request_id"),
        ("deadline_reminder", "days_left, internal_due, legal_limit, portal_link, request_id"),
        ("deadline_escalation", "clock, date, portal_link, request_id"),
    ],
)
def test_deadline_email_missing_keys(renderer: Renderer, name: str, missing: str) -> None:
    with pytest.raises(ValueError, match=f"missing context keys: {missing}$"):
        renderer.render_email(name, "en", {"controller_name": "X"})
