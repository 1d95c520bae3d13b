"""Cost of computing both dates of a request with the legal clock, across all regimes.

Builds a fixed pseudo-random mix of requests (every regime, every kind the regime accepts,
receipts spread over 2026 and 2027, some extended, some with a subject zone or a UK pause),
then times ``compute_deadlines`` over all of them in one process.

    .venv/bin/python benchmarks/deadlines.py --requests 100000

Holiday calendars are cached per country, subdivision and year, so the first requests of each
calendar pay for building it and the rest only look dates up.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from legal_clock.deadlines import ClockInput, compute_deadlines
from legal_clock.rules import REGIMES
from legal_clock.settings import ClockSettings

GDPR_PLACES = [("IE", None), ("DE", "BY"), ("DE", "BE"), ("FR", None), ("ES", "CN"), ("NL", None)]
SUBJECT_ZONES = [None, None, "America/Los_Angeles", "Asia/Tokyo"]
# Cost per request of the legal clock's first version, recorded in docs/benchmarks.md on a
# 2-core AMD EPYC machine; the ratio shows how later versions compare.
BASELINE_MICROSECONDS = 52.6


def build_inputs(count: int, seed: int) -> list[ClockInput]:
    """Return ``count`` requests drawn from a seeded generator, so every run times the same mix."""
    generator = random.Random(seed)
    first = datetime(2026, 1, 1, tzinfo=UTC)
    inputs = []
    for _ in range(count):
        regime = generator.choice(REGIMES)
        received_at = first + timedelta(minutes=generator.randrange(2 * 365 * 24 * 60))
        kind = generator.choice(["access", "erasure", "opt_out"])
        country, subdivision = None, None
        if regime == "gdpr":
            country, subdivision = generator.choice(GDPR_PLACES)
        clarification: tuple[date, date] | None = None
        if regime == "uk_gdpr" and generator.random() < 0.2:
            requested = received_at.date() + timedelta(days=3)
            clarification = (requested, requested + timedelta(days=generator.randrange(1, 10)))
        inputs.append(
            ClockInput(
                regime=regime,
                received_at=received_at,
                kind=kind,
                country=country,
                subdivision=subdivision,
                subject_tz=generator.choice(SUBJECT_ZONES),
                clarification_requested=clarification[0] if clarification else None,
                clarification_received=clarification[1] if clarification else None,
                extended=regime != "lgpd"
                and not (regime == "ccpa" and kind == "opt_out")
                and generator.random() < 0.3,
            )
        )
    return inputs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000, help="number of requests")
    parser.add_argument("--seed", type=int, default=7, help="seed of the request mix")
    arguments = parser.parse_args()

    settings = ClockSettings.model_construct()
    inputs = build_inputs(arguments.requests, arguments.seed)

    started = time.perf_counter()
    for clock_input in inputs:
        compute_deadlines(clock_input, settings)
    elapsed = time.perf_counter() - started

    per_request_us = elapsed / len(inputs) * 1e6
    ratio = per_request_us / BASELINE_MICROSECONDS
    print(f"requests:    {len(inputs)} across {len(REGIMES)} regimes")
    print(f"total:       {elapsed:.2f} s")
    print(f"per request: {per_request_us:.1f} µs (both dates and the intermediate clocks)")
    print(f"ratio to the first version ({BASELINE_MICROSECONDS} µs): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
