"""Inputs and results of the request workflow, its signals and updates.

Every field is an opaque id, a status or a number, so no personal data reaches Temporal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WORKFLOW_ID_PREFIX = "dsr-"


def workflow_id_for(request_id: str) -> str:
    return WORKFLOW_ID_PREFIX + request_id


@dataclass
class RequestInput:
    request_id: str
    kind: str
    verification_required: bool = True
    approval_required: bool = True
    verification_window_seconds: int = 72 * 3600


@dataclass
class RequestResult:
    request_id: str
    status: str
    record_path: str | None = None


@dataclass
class VerifiedSignal:
    """Sent by the API once the subject opened a valid verification link."""

    token_hash_prefix: str = ""


# Legal bases for refusing an erasure, by code. Only the code travels through Temporal: a
# free-text note could name people, so the portal stores it encrypted under the subject key.
DENIAL_BASES = {
    "legal_obligation": "Retention required by law (GDPR Art. 17(3)(b); "
    "Cal. Civ. Code 1798.105(d)(8))",
    "legal_claims": "Establishment, exercise or defence of legal claims, including a legal "
    "hold (GDPR Art. 17(3)(e))",
    "contract_performance": "Needed to perform a contract with the subject "
    "(GDPR Art. 17(1)(a); Cal. Civ. Code 1798.105(d)(1))",
    "freedom_of_expression": "Exercising the right of freedom of expression and information "
    "(GDPR Art. 17(3)(a); Cal. Civ. Code 1798.105(d)(4))",
    "public_interest_archiving": "Archiving in the public interest, scientific or historical "
    "research or statistics (GDPR Art. 17(3)(d))",
}


# Grounds for extending the time to respond, by code: GDPR Art. 12(3) allows it "taking
# into account the complexity and number of the requests"; CCPA 11 CCR 7021(b) and the other
# US state laws when "reasonably necessary"; PIPEDA s. 8(4) on the three grounds it lists.
EXTENSION_BASES = {
    "complexity": "The request is complex",
    "number_of_requests": "The number of requests received",
    "reasonably_necessary": "Reasonably necessary to respond (US state laws)",
    "unreasonable_interference": "Meeting the time limit would unreasonably interfere with "
    "our activities (PIPEDA s. 8(4)(a))",
    "consultations": "Consultations needed to respond make the time limit impracticable "
    "(PIPEDA s. 8(4)(a))",
    "alternative_format": "Converting the information into an alternative format "
    "(PIPEDA s. 8(4)(b))",
}

_GDPR_EXTENSION_BASES = ("complexity", "number_of_requests")
_PIPEDA_EXTENSION_BASES = ("unreasonable_interference", "consultations", "alternative_format")
_US_STATE_EXTENSION_BASES = ("reasonably_necessary",)
EXTENSION_BASES_BY_REGIME = {
    "gdpr": _GDPR_EXTENSION_BASES,
    "uk_gdpr": _GDPR_EXTENSION_BASES,
    "pipeda": _PIPEDA_EXTENSION_BASES,
    **{
        regime: _US_STATE_EXTENSION_BASES
        for regime in ("ccpa", "vcdpa", "ctdpa", "ucpa", "cpa", "fdbr", "icdpa")
    },
}


def extension_bases_for(regime: str) -> tuple[str, ...]:
    """Return the extension codes a regime accepts; none for a regime without extensions."""
    return EXTENSION_BASES_BY_REGIME.get(regime, ())


@dataclass
class DeadlineExtension:
    """A privacy-team member's extension of the time to respond, sent as a workflow update."""

    requested_by: str  # portal username of the staff member
    basis: str  # an EXTENSION_BASES code


@dataclass
class DeadlineExtensionResult:
    internal_due: str  # ISO dates of the extended deadlines
    legal_limit: str


@dataclass
class ClockChange:
    """Stop the clock while a scope clarification is awaited, or restart it, by update."""

    requested_by: str  # portal username of the staff member
    action: str  # "pause" when the clarification is requested, "resume" when it arrives


@dataclass
class ClockChangeResult:
    paused: bool
    internal_due: str  # ISO dates in force after the change
    legal_limit: str


@dataclass
class ErasureDecision:
    """A privacy-team member's decision on an erasure, sent as a workflow update."""

    decision: str  # "approve" or "deny"
    decided_by: str  # portal username of the staff member, not a data subject
    basis: str = ""  # a DENIAL_BASES code; required when denying


@dataclass
class ErasureDecisionResult:
    accepted: bool
    decision: str


@dataclass
class RequestProgress:
    """Current stage and completed steps of the workflow, returned by the ``progress`` query."""

    stage: str
    verified: bool
    decision: str | None = None
    completed_steps: list[str] = field(default_factory=list)
