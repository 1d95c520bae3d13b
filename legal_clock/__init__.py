"""Legal deadlines per regime."""
