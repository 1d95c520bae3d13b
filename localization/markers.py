"""The gettext no-op marker for messages defined in Python and translated where they are shown."""


def N_(message: str) -> str:
    """Mark a message for the catalog extractor without translating it here."""
    return message
