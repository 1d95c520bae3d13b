"""Completion record data model and its canonical JSON form.

The JSON form is what gets embedded in the signed PDF, so it must be byte-for-byte
reproducible: keys are sorted, separators are compact, text is UTF-8, datetimes are
ISO 8601 in UTC with a "Z" suffix and dates are ISO 8601.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from workflows.messages import EXTENSION_BASES

KINDS = frozenset({"access", "erasure", "opt_out", "rectification"})
STATUSES = frozenset({"completed", "denied", "closed_unverified"})
LOCALES = frozenset({"en", "de", "fr", "es"})

# Fields added with the legal clock: records issued before it lack them.
LEGAL_CLOCK_FIELDS = frozenset(
    {"legal_limit", "internal_due_met", "legal_limit_met", "extended", "extension_basis"}
)

# Fields added to show the whole legal clock: the local receipt date and its zone, the clock
# start and pause, the dates an extension replaced, the intermediate clocks and the rule's
# readings. Records issued before them lack them.
CLOCK_DETAIL_FIELDS = frozenset(
    {
        "received_on",
        "legal_zone",
        "clock_started_on",
        "paused_days",
        "original_due_date",
        "original_legal_limit",
        "extended_at",
        "extension_notice_by",
        "acknowledge_by",
        "readings",
    }
)

# A calendar date alone, because date.fromisoformat also accepts forms such as "20180525".
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

T = TypeVar("T")


class InvalidRecordError(ValueError):
    """Completion record data that is missing, of the wrong type or out of range.

    ``field`` is the path of the offending field, such as ``stores[1].outcome``, and
    ``problem`` describes what is wrong with its value.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"invalid completion record field {field!r}: {problem}")
        self.field = field
        self.problem = problem


def _require_text(field: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecordError(field, f"expected a non-empty string, got {value!r}")


def _require_string(field: str, value: object) -> None:
    if not isinstance(value, str):
        raise InvalidRecordError(field, f"expected a string, got {value!r}")


def _require_choice(field: str, value: object, choices: frozenset[str]) -> None:
    if value not in choices:
        raise InvalidRecordError(field, f"expected one of {sorted(choices)}, got {value!r}")


def _require_utc(field: str, value: object) -> None:
    if not isinstance(value, datetime):
        raise InvalidRecordError(field, f"expected a datetime, got {value!r}")
    if value.utcoffset() is None:
        raise InvalidRecordError(field, f"naive datetime {value.isoformat()}, expected UTC")
    if value.utcoffset():
        raise InvalidRecordError(field, f"datetime {value.isoformat()} is not in UTC")


def _require_date(field: str, value: object) -> None:
    # datetime is a subclass of date, and a datetime here would serialize with a time.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidRecordError(field, f"expected a date, got {value!r}")


def _require_optional_date(field: str, value: object) -> None:
    if value is not None:
        _require_date(field, value)


def _require_optional_count(field: str, value: object) -> None:
    if value is None:
        return
    # bool is a subclass of int, and True is no count of days.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRecordError(field, f"expected an integer or null, got {value!r}")
    if value < 0:
        raise InvalidRecordError(field, f"expected 0 or more, got {value}")


def _require_optional_bool(field: str, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise InvalidRecordError(field, f"expected true, false or null, got {value!r}")


def _require_list_of(field: str, value: object, item_type: type) -> None:
    if not isinstance(value, list):
        raise InvalidRecordError(field, f"expected a list, got {type(value).__name__}")
    for index, item in enumerate(value):
        if not isinstance(item, item_type):
            raise InvalidRecordError(
                f"{field}[{index}]", f"expected {item_type.__name__}, got {type(item).__name__}"
            )


@dataclass(frozen=True)
class StoreOutcome:
    """Result of applying the request to one data store."""

    store: str
    outcome: str
    detail: str

    def __post_init__(self) -> None:
        _require_text("store", self.store)
        _require_text("outcome", self.outcome)
        _require_string("detail", self.detail)


@dataclass(frozen=True)
class LedgerReference:
    """Key ledger entry that records the destruction of one encryption key."""

    key_id: str
    sequence: int
    entry_hash: str

    def __post_init__(self) -> None:
        _require_text("key_id", self.key_id)
        # bool is a subclass of int, and True is no ledger sequence number.
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise InvalidRecordError("sequence", f"expected an integer, got {self.sequence!r}")
        if self.sequence < 0:
            raise InvalidRecordError("sequence", f"expected 0 or more, got {self.sequence}")
        _require_text("entry_hash", self.entry_hash)


@dataclass(frozen=True)
class Approval:
    """Decision by a person on the request, such as an erasure approval."""

    decision: str
    decided_by: str
    decided_at: datetime
    reason: str

    def __post_init__(self) -> None:
        _require_text("decision", self.decision)
        _require_text("decided_by", self.decided_by)
        _require_utc("decided_at", self.decided_at)
        _require_string("reason", self.reason)


@dataclass(frozen=True)
class CompletionRecord:
    """Evidence of what was done for one data-subject request.

    Construction raises InvalidRecordError, a ValueError, for a naive or non-UTC
    datetime, an unknown kind, status, locale or extension basis, or an empty identifier.
    NOTE: the list fields make instances unhashable despite ``frozen=True``.

    The fields after ``locale`` came with the legal clock. Their defaults describe a record
    issued before it: no legal limit, "not applicable" for both deadlines, no extension.
    ``internal_due_met`` and ``legal_limit_met`` are None where no deadline applied, such as
    a request closed because the subject never verified their identity.

    The fields from ``received_on`` on show how the clock was counted, and None or empty
    means "not recorded". Dates are local dates in ``legal_zone``, an IANA zone name.
    ``clock_started_on`` is the date the period runs from, later than ``received_on`` where
    the clock waited for identity information. ``paused_days`` counts the days a scope
    clarification stopped the clock. ``original_due_date`` and ``original_legal_limit`` are
    the dates an extension replaced. ``readings`` are English sentences that name the
    contested choices of the rule, quoted as the legal clock states them.
    """

    request_id: str
    kind: str
    regime: str
    rule: str
    status: str
    status_reason: str
    controller: str
    received_at: datetime
    verified_at: datetime | None
    due_date: date
    completed_at: datetime
    stores: list[StoreOutcome]
    destroyed_keys: list[LedgerReference]
    approvals: list[Approval]
    exemptions: list[str]
    audit_chain_head: str
    locale: str
    legal_limit: date | None = None
    internal_due_met: bool | None = None
    legal_limit_met: bool | None = None
    extended: bool = False
    extension_basis: str | None = None  # an EXTENSION_BASES code, set exactly when extended
    received_on: date | None = None
    legal_zone: str | None = None
    clock_started_on: date | None = None
    paused_days: int | None = None
    original_due_date: date | None = None
    original_legal_limit: date | None = None
    extended_at: datetime | None = None
    extension_notice_by: date | None = None
    acknowledge_by: date | None = None
    readings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._validate_identifiers()

        self._validate_times()

        self._validate_deadlines()

        self._validate_clock_details()

        _require_list_of("stores", self.stores, StoreOutcome)
        _require_list_of("destroyed_keys", self.destroyed_keys, LedgerReference)
        _require_list_of("approvals", self.approvals, Approval)
        _require_list_of("exemptions", self.exemptions, str)
        for index, exemption in enumerate(self.exemptions):
            _require_text(f"exemptions[{index}]", exemption)

    def _validate_identifiers(self) -> None:
        for name in ("request_id", "regime", "rule", "controller", "audit_chain_head"):
            _require_text(name, getattr(self, name))
        _require_choice("kind", self.kind, KINDS)
        _require_choice("status", self.status, STATUSES)
        _require_choice("locale", self.locale, LOCALES)
        _require_string("status_reason", self.status_reason)

    def _validate_times(self) -> None:
        _require_utc("received_at", self.received_at)
        if self.verified_at is not None:
            _require_utc("verified_at", self.verified_at)
        _require_utc("completed_at", self.completed_at)
        _require_date("due_date", self.due_date)

    def _validate_deadlines(self) -> None:
        if self.legal_limit is not None:
            _require_date("legal_limit", self.legal_limit)
        _require_optional_bool("internal_due_met", self.internal_due_met)
        _require_optional_bool("legal_limit_met", self.legal_limit_met)
        if self.legal_limit is None and self.legal_limit_met is not None:
            raise InvalidRecordError(
                "legal_limit_met", "must be null when the record has no legal_limit"
            )

        if not isinstance(self.extended, bool):
            raise InvalidRecordError("extended", f"expected true or false, got {self.extended!r}")
        if self.extended:
            _require_choice("extension_basis", self.extension_basis, frozenset(EXTENSION_BASES))
        elif self.extension_basis is not None:
            raise InvalidRecordError(
                "extension_basis", "must be null when the deadline was not extended"
            )

    def _validate_clock_details(self) -> None:
        if self.legal_zone is not None:
            _require_text("legal_zone", self.legal_zone)
        for name in (
            "received_on",
            "clock_started_on",
            "original_due_date",
            "original_legal_limit",
            "extension_notice_by",
            "acknowledge_by",
        ):
            _require_optional_date(name, getattr(self, name))
        _require_optional_count("paused_days", self.paused_days)
        if self.extended_at is not None:
            _require_utc("extended_at", self.extended_at)

        # A local receipt date means nothing without the zone it was taken in.
        if self.received_on is not None and self.legal_zone is None:
            raise InvalidRecordError("legal_zone", "must be set when received_on is set")
        # An extended record may still lack the extension's details: records issued before
        # these fields, and requests extended before the original dates were stored.
        if not self.extended:
            for name in ("original_due_date", "original_legal_limit", "extended_at"):
                if getattr(self, name) is not None:
                    raise InvalidRecordError(
                        name, "must be null when the deadline was not extended"
                    )

        _require_list_of("readings", self.readings, str)
        for index, reading in enumerate(self.readings):
            _require_text(f"readings[{index}]", reading)

    def to_json_bytes(self) -> bytes:
        """Serialize the record to its canonical UTF-8 JSON form."""
        document = _to_plain(self)
        text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8")

    @classmethod
    def from_json_bytes(cls, data: bytes) -> "CompletionRecord":
        """Parse and validate a record from JSON.

        Raises InvalidRecordError naming the first bad field. Unknown fields are rejected
        too, because a record that carries data this code cannot show is not trusted.
        Records issued before the legal clock lack the fields in ``LEGAL_CLOCK_FIELDS``, and
        records issued before the clock details lack those in ``CLOCK_DETAIL_FIELDS``. A
        missing field gets its default.

        NOTE: ``to_json_bytes`` of such a record writes the defaults out, so its bytes differ
        from the JSON embedded in the original file.
        """
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InvalidRecordError("<document>", f"not valid UTF-8 JSON: {error}") from error
        return _record_from_plain(document)


def _format_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _to_plain(value: object) -> Any:
    if isinstance(value, datetime):
        return _format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_to_plain(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: _to_plain(getattr(value, field.name)) for field in fields(value)}
    return value


def _parse_datetime(field: str, value: object) -> datetime:
    if not isinstance(value, str):
        raise InvalidRecordError(field, f"expected an ISO 8601 datetime string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise InvalidRecordError(field, f"invalid ISO 8601 datetime {value!r}") from error
    _require_utc(field, parsed)
    return parsed.astimezone(UTC)


def _parse_date(field: str, value: object) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InvalidRecordError(field, f"expected an ISO 8601 date (YYYY-MM-DD), got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidRecordError(field, f"invalid date {value!r}") from error


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _check_keys(
    path: str, document: object, expected: set[str], optional: frozenset[str] = frozenset()
) -> Mapping[str, object]:
    """Check that ``document`` has every expected key, apart from ``optional``, and no other."""
    if not isinstance(document, dict):
        raise InvalidRecordError(
            path or "<document>", f"expected a JSON object, got {type(document).__name__}"
        )
    missing = sorted(expected - optional - document.keys())
    if missing:
        raise InvalidRecordError(_join(path, missing[0]), "missing")
    unknown = sorted(document.keys() - expected)
    if unknown:
        raise InvalidRecordError(_join(path, unknown[0]), "unknown field")
    return document


def _get_str(item: Mapping[str, object], path: str, name: str) -> str:
    value = item[name]
    _require_string(_join(path, name), value)
    return str(value)


def _get_int(item: Mapping[str, object], path: str, name: str) -> int:
    value = item[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRecordError(_join(path, name), f"expected an integer, got {value!r}")
    return value


def _parse_list(path: str, value: object, parse_item: Callable[[str, object], T]) -> list[T]:
    if not isinstance(value, list):
        raise InvalidRecordError(path, f"expected a JSON array, got {type(value).__name__}")
    return [parse_item(f"{path}[{index}]", item) for index, item in enumerate(value)]


def _construct(path: str, build: Callable[[], T]) -> T:
    """Run a constructor and prefix its field error with the path of the enclosing item."""
    try:
        return build()
    except InvalidRecordError as error:
        raise InvalidRecordError(_join(path, error.field), error.problem) from error


def _store_from_plain(path: str, document: object) -> StoreOutcome:
    item = _check_keys(path, document, {"store", "outcome", "detail"})
    store = _get_str(item, path, "store")
    outcome = _get_str(item, path, "outcome")
    detail = _get_str(item, path, "detail")
    return _construct(path, lambda: StoreOutcome(store=store, outcome=outcome, detail=detail))


def _ledger_from_plain(path: str, document: object) -> LedgerReference:
    item = _check_keys(path, document, {"key_id", "sequence", "entry_hash"})
    key_id = _get_str(item, path, "key_id")
    sequence = _get_int(item, path, "sequence")
    entry_hash = _get_str(item, path, "entry_hash")
    return _construct(
        path, lambda: LedgerReference(key_id=key_id, sequence=sequence, entry_hash=entry_hash)
    )


def _approval_from_plain(path: str, document: object) -> Approval:
    item = _check_keys(path, document, {"decision", "decided_by", "decided_at", "reason"})
    decision = _get_str(item, path, "decision")
    decided_by = _get_str(item, path, "decided_by")
    decided_at = _parse_datetime(_join(path, "decided_at"), item["decided_at"])
    reason = _get_str(item, path, "reason")
    return _construct(
        path,
        lambda: Approval(
            decision=decision, decided_by=decided_by, decided_at=decided_at, reason=reason
        ),
    )


def _exemption_from_plain(path: str, value: object) -> str:
    _require_text(path, value)
    return str(value)


def _optional_datetime(field: str, value: object) -> datetime | None:
    return None if value is None else _parse_datetime(field, value)


def _optional_date(field: str, value: object) -> date | None:
    return None if value is None else _parse_date(field, value)


def _optional_bool(field: str, value: object) -> bool | None:
    _require_optional_bool(field, value)
    return None if value is None else bool(value)


def _optional_str(field: str, value: object) -> str | None:
    if value is None:
        return None
    _require_string(field, value)
    return str(value)


def _record_from_plain(document: object) -> CompletionRecord:
    item = _check_keys(
        "",
        document,
        {field.name for field in fields(CompletionRecord)},
        LEGAL_CLOCK_FIELDS | CLOCK_DETAIL_FIELDS,
    )

    return CompletionRecord(
        request_id=_get_str(item, "", "request_id"),
        kind=_get_str(item, "", "kind"),
        regime=_get_str(item, "", "regime"),
        rule=_get_str(item, "", "rule"),
        status=_get_str(item, "", "status"),
        status_reason=_get_str(item, "", "status_reason"),
        controller=_get_str(item, "", "controller"),
        received_at=_parse_datetime("received_at", item["received_at"]),
        verified_at=_optional_datetime("verified_at", item["verified_at"]),
        due_date=_parse_date("due_date", item["due_date"]),
        completed_at=_parse_datetime("completed_at", item["completed_at"]),
        stores=_parse_list("stores", item["stores"], _store_from_plain),
        destroyed_keys=_parse_list("destroyed_keys", item["destroyed_keys"], _ledger_from_plain),
        approvals=_parse_list("approvals", item["approvals"], _approval_from_plain),
        exemptions=_parse_list("exemptions", item["exemptions"], _exemption_from_plain),
        audit_chain_head=_get_str(item, "", "audit_chain_head"),
        locale=_get_str(item, "", "locale"),
        **_legal_clock_fields(item),
        **_clock_detail_fields(item),
    )


def _legal_clock_fields(item: Mapping[str, object]) -> dict[str, Any]:
    """Parse the legal-clock fields; a missing one keeps the dataclass default."""
    parsers: dict[str, Callable[[str, object], object]] = {
        "legal_limit": _optional_date,
        "internal_due_met": _optional_bool,
        "legal_limit_met": _optional_bool,
        "extended": _parse_bool,
        "extension_basis": _optional_str,
    }
    return {name: parsers[name](name, item[name]) for name in LEGAL_CLOCK_FIELDS if name in item}


def _clock_detail_fields(item: Mapping[str, object]) -> dict[str, Any]:
    """Parse the clock-detail fields; a missing one keeps the dataclass default."""
    parsers: dict[str, Callable[[str, object], object]] = {
        "received_on": _optional_date,
        "legal_zone": _optional_str,
        "clock_started_on": _optional_date,
        "paused_days": _optional_int,
        "original_due_date": _optional_date,
        "original_legal_limit": _optional_date,
        "extended_at": _optional_datetime,
        "extension_notice_by": _optional_date,
        "acknowledge_by": _optional_date,
        "readings": _parse_readings,
    }
    return {name: parsers[name](name, item[name]) for name in CLOCK_DETAIL_FIELDS if name in item}


def _optional_int(field: str, value: object) -> int | None:
    _require_optional_count(field, value)
    return value if isinstance(value, int) else None


def _parse_readings(field: str, value: object) -> list[str]:
    return _parse_list(field, value, _reading_from_plain)


def _reading_from_plain(path: str, value: object) -> str:
    _require_text(path, value)
    return str(value)


def _parse_bool(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidRecordError(field, f"expected true or false, got {value!r}")
    return value
