"""Access log records keep tokens, query strings and client addresses out."""

from __future__ import annotations

import logging

import pytest

from api.access_log import RedactedAccessFilter, redact_path, uvicorn_log_config


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/verify/Zm9vYmFy-token", "/verify/<token>"),
        ("/requests/req_1/export/json?token=secret", "/requests/req_1/export/json"),
        ("/portal?status=completed", "/portal"),
        ("/healthz", "/healthz"),
    ],
)
def test_redact_path(path: str, expected: str) -> None:
    assert redact_path(path) == expected


def test_filter_rewrites_uvicorn_record() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("203.0.113.9:5000", "POST", "/verify/abc123?x=1", "1.1", 200),
        None,
    )

    assert RedactedAccessFilter().filter(record)
    message = record.getMessage()

    assert message == "POST /verify/<token> 200"
    assert "203.0.113.9" not in message


def test_log_config_attaches_filter() -> None:
    config = uvicorn_log_config()

    assert config["handlers"]["access"]["filters"] == ["redact"]
    assert config["loggers"]["uvicorn.access"]["handlers"] == ["access"]
