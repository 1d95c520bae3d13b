"""Outgoing email over SMTP, and the development sink that stores it in the data directory."""
