"""Logging configuration for uvicorn that keeps tokens and client addresses out of access logs.

Verification links carry their single-use token in the path (``/verify/<token>``) and export
links carry it in the query string. The filter here rewrites every access log record to
method, path and status: the query string is dropped, the token segment of ``/verify/`` paths
is replaced by ``<token>``, and the client address (personal data) is not logged at all.
Pass ``log_config=uvicorn_log_config()`` to ``uvicorn.run``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_VERIFY_PATH = re.compile(r"^/verify/[^/?#]+")


def redact_path(full_path: str) -> str:
    path = full_path.split("?", 1)[0]
    return _VERIFY_PATH.sub("/verify/<token>", path)


class RedactedAccessFilter(logging.Filter):
    """Rewrite uvicorn access records, whose args are (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            _client, method, full_path, _version, status = args
            record.msg = "%s %s %s"
            record.args = (method, redact_path(str(full_path)), status)
        return True


def uvicorn_log_config(level: str = "INFO") -> dict[str, Any]:
    """Return a ``logging.config.dictConfig`` mapping for uvicorn with redacted access logs."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactedAccessFilter}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "plain"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact"],
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
        },
    }
