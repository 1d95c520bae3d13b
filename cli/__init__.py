"""The ``dsrflow`` command."""
