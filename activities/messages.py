"""Inputs and results of the request activities: opaque ids, statuses and counts only."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RequestRef:
    request_id: str


@dataclass
class VerificationInput:
    request_id: str
    window_seconds: int


@dataclass
class StatusInput:
    request_id: str
    status: str
    event: str
    reason: str = ""


@dataclass
class DiscoveryResult:
    subject_found: bool
    records_by_table: dict[str, int] = field(default_factory=dict)


@dataclass
class ExportResult:
    export_id: str
    expires_in_seconds: int


@dataclass
class NotificationInput:
    request_id: str
    template: str  # name of a localized email template
    export_id: str = ""
    reason: str = ""  # a code (such as a DENIAL_BASES key), never free text


@dataclass
class DecisionRecordInput:
    request_id: str
    decision: str
    decided_by: str
    reason: str  # the DENIAL_BASES code of a denial; empty for an approval


@dataclass
class DestructionResult:
    key_id: str
    sequence: int
    entry_hash: str


@dataclass
class OptOutResult:
    subject_id: str
    stores: list[str] = field(default_factory=list)


@dataclass
class ApprovalEntry:
    decision: str
    decided_by: str
    decided_at_iso: str
    reason: str


@dataclass
class StoreEntry:
    store: str
    outcome: str
    detail: str


@dataclass
class CompletionInput:
    request_id: str
    status: str
    status_reason: str
    stores: list[StoreEntry] = field(default_factory=list)
    destroyed_keys: list[DestructionResult] = field(default_factory=list)
    approvals: list[ApprovalEntry] = field(default_factory=list)
    exemptions: list[str] = field(default_factory=list)  # DENIAL_BASES codes applied
    # The workflow's clock when the answer was complete; deadlines are judged against it.
    completed_at_iso: str = ""


@dataclass
class CompletionResult:
    record_path: str
    sha256: str


@dataclass
class DeadlinePlan:
    """The instants the workflow's deadline timers aim at, as UTC ISO-8601 strings.

    Computed by an activity, not in the workflow, so that a later change of holiday data
    cannot alter the timers of a workflow being replayed.
    """

    internal_due: str  # ISO date
    legal_limit: str  # ISO date
    internal_due_at: str
    legal_limit_at: str
    extension_notice_at: str = ""  # empty where the regime allows no extension
    reminder_ats: list[str] = field(default_factory=list)
    acknowledgement_required: bool = False
    extended: bool = False
    pausable: bool = False  # the regime stops the clock while a clarification is awaited
    paused: bool = False  # a clarification is awaited now: no deadline runs
    # EXTENSION_BASES codes the regime accepts; empty in plans made before this field.
    extension_bases: list[str] = field(default_factory=list)


@dataclass
class ClockChangeInput:
    request_id: str
    requested_by: str
    action: str  # "pause" or "resume"
    at_iso: str  # the workflow's time of the change


@dataclass
class IdentityConfirmation:
    """The subject confirmed identity; regimes that start the clock then recount from it."""

    request_id: str
    confirmed_at_iso: str  # the workflow's time of the confirmation


@dataclass
class ExtensionInput:
    request_id: str
    requested_by: str
    basis: str
