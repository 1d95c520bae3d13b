"""Structured JSON log lines on stderr. Fields come from ``extra=``; no message formatting."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed through ``extra=``.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, default=str)


# dsrflow's own loggers, whose events carry ids only. Libraries stay at WARNING because
# several log personal data at INFO: aiosmtpd ("mail.log") logs every recipient address,
# and httpx logs full URLs, verification tokens included.
OWN_LOGGERS = ("activities", "api", "cli", "mail.sink", "runtime", "workflows", "temporalio")


def configure_logging(level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON; call once at process start."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
