"""Process wiring: Temporal client, worker, dev supervisor."""
