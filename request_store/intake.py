"""Intake of a new request from the public web form: validate, encrypt, store, audit.

Validation messages are English source strings marked with ``N_`` for the catalog extractor.
The page that shows them translates them into the requester's language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session

from audit.log import record_event
from database.identifiers import new_id
from legal_clock.deadlines import ClockInput, compute_deadlines
from legal_clock.instants import load_zone
from legal_clock.regimes import (
    US_STATE_REGIMES,
    Jurisdiction,
    UnsupportedJurisdictionError,
    jurisdiction_for,
    supported_countries,
)
from legal_clock.settings import ClockSettings
from localization.markers import N_
from request_store.models import DataSubjectRequest, RequestKind, RequestStatus
from settings import Settings
from vault.fields import FieldPlace
from vault.service import Vault

MAX_NAME_LENGTH = 200
MAX_ZONE_LENGTH = 64
SUPPORTED_LANGUAGES = ("en", "de", "fr", "es")
# Unicode categories rejected in names: control characters and the line and paragraph
# separators, because a name ends up in email headers and log-like views.
_FORBIDDEN_NAME_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
# Format characters (category Cf) are invisible: bidirectional overrides and isolates can make
# a name display as different text, and zero-width characters can make two names that look
# the same compare as different. The zero-width non-joiner and joiner (U+200C, U+200D) stay
# allowed, because Persian and Indic scripts need them to spell names correctly.
_ALLOWED_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})


MISSING = N_("This field is required.")
INVALID_KIND = N_("Choose one of the request types.")
INVALID_EMAIL = N_("Enter a valid email address, such as name@example.com.")
NAME_CONTROL_CHARACTERS = N_(
    "Enter your name on one line, without line breaks or control characters."
)
NAME_FORMAT_CHARACTERS = N_(
    "Remove the invisible formatting characters from your name, such as text direction marks "
    "or zero-width spaces. Type or paste it again as plain text."
)
NAME_TOO_LONG = N_("Shorten your name to at most %(max)d characters.")
UNKNOWN_COUNTRY = N_("Choose your country from the list.")
MISSING_STATE = N_("Choose your US state of residence.")
UNSUPPORTED_STATE = N_(
    "Requests from this state cannot be handled here. Supported states: %(states)s."
)
UNKNOWN_LANGUAGE = N_("Choose one of the offered languages.")


@dataclass(frozen=True)
class FieldError:
    """A message for one form field; ``params`` fill the placeholders after translation."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)


class SubmissionInvalidError(ValueError):
    """One or more form fields are invalid; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, FieldError]) -> None:
        super().__init__("invalid fields: " + ", ".join(sorted(errors)))
        self.errors = errors


@dataclass(frozen=True)
class Submission:
    """A validated web-form submission."""

    kind: RequestKind
    email: str
    name: str
    jurisdiction: Jurisdiction
    language: str
    time_zone: str | None = None  # the browser's IANA zone, when it reported a known one


@dataclass(frozen=True)
class SubmissionForm:
    """The raw fields of the public web form, exactly as posted."""

    kind: str = ""
    email: str = ""
    name: str = ""
    country: str = ""
    state: str = ""
    language: str = ""
    time_zone: str = ""

    def validate(self) -> Submission:
        """Return the cleaned submission or raise SubmissionInvalidError listing every problem."""
        errors: dict[str, FieldError] = {}

        kind = _check_kind(self.kind.strip(), errors)
        email = _check_email(self.email.strip(), errors)
        name = _check_name(self.name.strip(), errors)
        jurisdiction = _check_jurisdiction(self.country.strip(), self.state.strip(), errors)
        language = _check_language(self.language.strip(), errors)
        time_zone = _known_zone(self.time_zone.strip())

        if errors:
            raise SubmissionInvalidError(errors)
        assert kind is not None and jurisdiction is not None
        return Submission(kind, email, name, jurisdiction, language, time_zone)


def _check_kind(value: str, errors: dict[str, FieldError]) -> RequestKind | None:
    if not value:
        errors["kind"] = FieldError(MISSING)
        return None
    try:
        return RequestKind(value)
    except ValueError:
        errors["kind"] = FieldError(INVALID_KIND)
        return None


def _check_email(value: str, errors: dict[str, FieldError]) -> str:
    if not value:
        errors["email"] = FieldError(MISSING)
        return ""
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        errors["email"] = FieldError(INVALID_EMAIL)
        return ""
    # email-validator 2.x already rejects dotless domains in its default globally-deliverable
    # mode; this check keeps the rule in place should those options ever change.
    if "." not in result.ascii_domain:
        errors["email"] = FieldError(INVALID_EMAIL)
        return ""
    return result.normalized


def _check_name(value: str, errors: dict[str, FieldError]) -> str:
    if not value:
        errors["name"] = FieldError(MISSING)
        return ""
    if any(unicodedata.category(char) in _FORBIDDEN_NAME_CATEGORIES for char in value):
        errors["name"] = FieldError(NAME_CONTROL_CHARACTERS)
        return ""
    if any(_is_disguising_format_character(char) for char in value):
        errors["name"] = FieldError(NAME_FORMAT_CHARACTERS)
        return ""
    if len(value) > MAX_NAME_LENGTH:
        errors["name"] = FieldError(NAME_TOO_LONG, {"max": MAX_NAME_LENGTH})
        return ""
    return value


def _is_disguising_format_character(char: str) -> bool:
    return unicodedata.category(char) == "Cf" and char not in _ALLOWED_FORMAT_CHARACTERS


def _check_jurisdiction(
    country: str, state: str, errors: dict[str, FieldError]
) -> Jurisdiction | None:
    country = country.upper()
    if not country:
        errors["country"] = FieldError(MISSING)
        return None
    if country not in supported_countries():
        errors["country"] = FieldError(UNKNOWN_COUNTRY)
        return None

    # The state only selects a regime in the US; the form sends it for every country.
    if country != "US":
        return jurisdiction_for(country, None)
    if not state:
        errors["state"] = FieldError(MISSING_STATE)
        return None
    try:
        return jurisdiction_for(country, state)
    except UnsupportedJurisdictionError:
        states = ", ".join(sorted(US_STATE_REGIMES))
        errors["state"] = FieldError(UNSUPPORTED_STATE, {"states": states})
        return None


def _known_zone(value: str) -> str | None:
    """Return the browser's zone if it is a known IANA name, else None.

    The field is filled by the page's script, not typed, so an unknown value is dropped rather
    than reported: the subject could not correct it, and without it only the controller's zone
    counts, which the legal limit uses anyway.
    """
    if not value or len(value) > MAX_ZONE_LENGTH:
        return None
    try:
        load_zone(value)
    except ValueError:
        return None
    return value


def _check_language(value: str, errors: dict[str, FieldError]) -> str:
    if not value:
        errors["language"] = FieldError(MISSING)
    elif value not in SUPPORTED_LANGUAGES:
        errors["language"] = FieldError(UNKNOWN_LANGUAGE)
    return value


def create_request(
    session: Session,
    vault: Vault,
    submission: Submission,
    now: datetime,
    settings: Settings,
    *,
    kind: RequestKind | None = None,
    source: str = "web_form",
    verification_required: bool = True,
) -> DataSubjectRequest:
    """Store a new request in the caller's transaction and audit its receipt.

    ``kind`` overrides the submitted kind, which lets one submission also create the opt-out
    request that a Global Privacy Control signal represents. Nothing is committed here.
    """
    del settings  # the legal clock reads its own DSRFLOW_CLOCK_ settings
    request_kind = kind or submission.kind
    subject = vault.find_or_create_subject(session, submission.email, now)
    request_id = new_id("req")
    # The controller's establishment sets the calendar and zone of the GDPR family; a US
    # state regime uses that state's. Both come from the clock's settings, not the form.
    deadlines = compute_deadlines(
        ClockInput(
            regime=submission.jurisdiction.regime,
            received_at=now,
            kind=request_kind,
            subject_tz=submission.time_zone,
        ),
        ClockSettings(),
    )

    row = DataSubjectRequest(
        id=request_id,
        kind=request_kind,
        regime=submission.jurisdiction.regime,
        rule=deadlines.rule,
        status=(
            RequestStatus.AWAITING_VERIFICATION
            if verification_required
            else RequestStatus.IN_PROGRESS
        ),
        subject_id=subject.id,
        key_id=subject.key_id,
        country=submission.jurisdiction.country,
        subdivision=submission.jurisdiction.subdivision,
        locale=submission.language,
        source=source,
        received_at=now,
        due_date=deadlines.internal_due,
        legal_limit=deadlines.legal_limit,
        acknowledge_by=deadlines.acknowledge_by,
        extension_notice_by=deadlines.extension_notice_by,
        legal_zone=deadlines.legal_zone,
        subject_time_zone=submission.time_zone,
        email_ciphertext=vault.encrypt(
            session,
            subject.key_id,
            FieldPlace("data_subject_request", "email", request_id),
            submission.email,
        ),
        name_ciphertext=vault.encrypt(
            session,
            subject.key_id,
            FieldPlace("data_subject_request", "name", request_id),
            submission.name,
        ),
    )
    session.add(row)
    session.flush()

    record_event(
        session,
        at=now,
        request_id=request_id,
        actor=source,
        event="request.received",
        detail={"kind": str(request_kind), "regime": row.regime, "source": source},
    )
    return row
