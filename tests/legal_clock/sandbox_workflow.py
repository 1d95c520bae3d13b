"""A tiny workflow that computes deadlines inside the Temporal workflow sandbox."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

# The holidays package imports one module per country on first use, and the sandbox reports
# such late imports. Passing the package and the clock through avoids that, and the clock's
# caches then live once per worker process.
with workflow.unsafe.imports_passed_through():
    import holidays  # noqa: F401

    from legal_clock.deadlines import ClockInput, compute_deadlines, extension_allowed
    from legal_clock.settings import ClockSettings


@workflow.defn
class DeadlineProbeWorkflow:
    @workflow.run
    async def run(self, regime: str, received_iso: str, subdivision: str | None) -> list[str]:
        # model_construct reads no environment, so the workflow stays deterministic.
        settings = ClockSettings.model_construct()
        deadlines = compute_deadlines(
            ClockInput(
                regime,
                datetime.fromisoformat(received_iso),
                country="DE" if regime == "gdpr" else None,
                subdivision=subdivision,
            ),
            settings,
        )
        allowed = extension_allowed(deadlines, workflow.now())
        return [
            deadlines.internal_due.isoformat(),
            deadlines.legal_limit.isoformat(),
            str(allowed),
        ]
