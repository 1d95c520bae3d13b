"""Data-subject requests as rows: intake, verification tokens, exports and status."""
