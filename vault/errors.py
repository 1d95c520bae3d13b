"""Vault errors. Decryption failures are deliberately opaque and give no reason."""


class DecryptionError(Exception):
    """A value could not be decrypted: its key is destroyed, or the value or its place changed."""

    def __init__(self) -> None:
        super().__init__("value could not be decrypted")


class SubjectNotFoundError(Exception):
    """No subject matches the given identifier."""
