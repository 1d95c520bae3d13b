"""The shape of a development outbox message, as the portal's outbox page reads it.

A protocol rather than a class, so the mail package can hand over its own records unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class OutboxEntry(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def received_at(self) -> datetime: ...

    @property
    def subject(self) -> str: ...

    @property
    def recipient_count(self) -> int: ...

    @property
    def body(self) -> str | None:
        """The text body, or None once the message was erased with its subject."""
        ...
