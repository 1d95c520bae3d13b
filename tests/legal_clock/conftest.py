"""Fixtures of the legal clock tests: settings that ignore the machine's environment."""

from __future__ import annotations

import os

import pytest

from legal_clock.settings import ClockSettings


@pytest.fixture
def clock_settings(monkeypatch: pytest.MonkeyPatch) -> ClockSettings:
    """Default clock settings, whatever DSRFLOW_CLOCK_ variables the shell has set."""
    for name in list(os.environ):
        if name.startswith("DSRFLOW_CLOCK_"):
            monkeypatch.delenv(name)
    return ClockSettings()
