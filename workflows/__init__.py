"""Temporal workflows. Deterministic code only: no I/O, time from ``workflow.now()``."""
