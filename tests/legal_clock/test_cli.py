"""``dsrflow deadlines`` run as a subprocess, as an operator would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def _run(*arguments: str, **settings: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("DSRFLOW_CLOCK_")
    }
    environment.update(settings)
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "deadlines", *arguments],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_json_output_exact_fields() -> None:
    result = _run("--regime", "ccpa", "--received", "2026-11-20T18:00:00Z", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "internal_due": "2027-01-03",
        "legal_limit": "2027-01-04",
        "acknowledge_by": "2026-12-04",
        "extension_notice_by": "2027-01-03",
        "rule": "ccpa@2023-03-29",
    }


def test_json_subdivision_and_extension() -> None:
    result = _run(
        "--regime",
        "gdpr",
        "--country",
        "DE",
        "--subdivision",
        "BY",
        "--received",
        "2026-05-04T08:00:00+02:00",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["internal_due"] == "2026-06-04"
    assert output["legal_limit"] == "2026-06-05"
    assert output["acknowledge_by"] is None

    extended = _run("--regime", "cpa", "--received", "2026-05-20T18:00:00Z", "--extended", "--json")
    assert json.loads(extended.stdout)["legal_limit"] == "2026-08-18"


def test_json_uk_pause() -> None:
    result = _run(
        "--regime",
        "uk_gdpr",
        "--received",
        "2026-03-02T10:00:00Z",
        "--clarification-requested",
        "2026-03-05",
        "--clarification-received",
        "2026-03-10",
        "--json",
    )
    assert json.loads(result.stdout)["legal_limit"] == "2026-04-08"


def test_readable_summary() -> None:
    result = _run("--regime", "gdpr", "--country", "DE", "--received", "2026-01-31T10:00:00Z")
    assert result.returncode == 0, result.stderr
    assert "internal due:        Sat 28 Feb 2026" in result.stdout
    assert "legal limit:         Mon 02 Mar 2026" in result.stdout
    assert "readings:" in result.stdout


def test_opt_out_summary_readings() -> None:
    arguments = ("--regime", "ccpa", "--kind", "opt_out", "--received", "2026-03-25T17:00:00Z")
    summary = _run(*arguments)
    as_json = _run(*arguments, "--json")

    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.endswith(
        "readings:\n"
        "  - receipt date 2026-03-25 taken in America/Los_Angeles\n"
        "  - opt-out limit: 15 business days, counted from the day after receipt\n"
        "  - business days of the opt-out limit: legal Monday to Friday less US federal "
        "holidays; internal Monday to Friday\n"
    )
    assert "day one" not in summary.stdout
    assert json.loads(as_json.stdout) == {
        "internal_due": "2026-04-15",
        "legal_limit": "2026-04-15",
        "acknowledge_by": None,
        "extension_notice_by": None,
        "rule": "ccpa@2023-03-29",
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--regime", "hipaa", "--received", "2026-03-02T10:00:00Z"], "unknown regime"),
        (["--regime", "gdpr", "--received", "yesterday"], "not an ISO 8601 instant"),
        (["--regime", "gdpr", "--received", "2026-03-02T10:00:00"], "has no UTC offset"),
        (["--regime", "gdpr"], "--received is required"),
        (["--received", "2026-03-02T10:00:00Z"], "--regime is required"),
        (
            ["--regime", "gdpr", "--received", "2026-03-02T10:00:00Z", "--subject-tz", "Nowhere"],
            "unknown time zone",
        ),
        (
            [
                "--regime",
                "uk_gdpr",
                "--received",
                "2026-03-02T10:00:00Z",
                "--clarification-requested",
                "2026-03-05",
            ],
            "must be given together",
        ),
        (
            [
                "--regime",
                "uk_gdpr",
                "--received",
                "2026-03-02T10:00:00Z",
                "--identity-received",
                "3/5",
            ],
            "is not a date",
        ),
        (["--regime", "lgpd", "--received", "2026-03-02T10:00:00Z", "--extended"], "no extension"),
        (
            ["--regime", "gdpr", "--received", "2026-03-02T10:00:00Z", "--kind", "delete"],
            "unknown request kind",
        ),
        (["--regime", "gdpr", "--received", "9999-12-31T23:59:59-12:00"], "outside the years"),
        (["--regime", "gdpr", "--received", "0001-01-01T00:00:00+14:00"], "outside the years"),
        (["--regime", "ccpa", "--received", "9999-12-15T09:00:00Z"], "outside the years"),
        (
            [
                "--regime",
                "uk_gdpr",
                "--received",
                "2026-03-02T09:00:00Z",
                "--clarification-requested",
                "2026-03-03",
                "--clarification-received",
                "9999-12-31",
            ],
            "clarification_received 9999-12-31 is outside the years",
        ),
        (
            ["--regime", "gdpr", "--received", "2026-03-02T10:00:00Z", "--subdivision", "DE-BY"],
            "belongs to country DE, not IE",
        ),
        (
            [
                "--regime",
                "gdpr",
                "--country",
                "SE",
                "--subdivision",
                "AB",
                "--received",
                "2026-03-02T10:00:00Z",
            ],
            "country SE has no subdivisions",
        ),
    ],
)
def test_bad_input_exit_code(arguments: list[str], message: str) -> None:
    result = _run(*arguments)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_identifiers_any_case() -> None:
    result = _run(
        "--regime", "GDPR", "--kind", "OPT_OUT", "--received", "2026-03-02T10:00:00Z", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["legal_limit"] == "2026-04-02"


def test_bad_setting_named() -> None:
    result = _run(
        "--regime",
        "gdpr",
        "--received",
        "2026-03-02T10:00:00Z",
        DSRFLOW_CLOCK_ESTABLISHMENT_TIME_ZONE="Bad/Zone",
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: invalid setting DSRFLOW_CLOCK_ESTABLISHMENT_TIME_ZONE: unknown time zone "
        "'Bad/Zone'; use an IANA name such as Europe/Berlin\n"
    )


def test_empty_setting_keeps_default() -> None:
    # 6 March + 1 month is Monday 6 April 2026, Easter Monday in England but not in the
    # package's UK-wide list, which an empty subdivision once selected.
    result = _run(
        "--regime",
        "uk_gdpr",
        "--received",
        "2026-03-06T09:00:00Z",
        "--json",
        DSRFLOW_CLOCK_UK_SUBDIVISION="",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["legal_limit"] == "2026-04-07"
