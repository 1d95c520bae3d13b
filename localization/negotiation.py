"""Choosing the page language: an explicit form field first, then the Accept-Language header."""

from __future__ import annotations

DEFAULT_LOCALE = "en"
# English is the source language of every catalog, so it needs no translation file.
SUPPORTED_LOCALES = ("en", "de", "fr", "es")


def negotiate_locale(requested: str | None, accept_language: str | None) -> str:
    """Return ``requested`` when supported, else the best Accept-Language match, else English."""
    if requested and requested in SUPPORTED_LOCALES:
        return requested
    for language in _ranked_languages(accept_language or ""):
        if language in SUPPORTED_LOCALES:
            return language
    return DEFAULT_LOCALE


# A longer header is cut here, so a crafted one cannot make every request sort thousands.
MAX_LANGUAGE_ENTRIES = 20


def _ranked_languages(header: str) -> list[str]:
    """Primary language subtags from an Accept-Language header, highest quality first.

    ``de-AT;q=0.8`` counts as ``de``.
    """
    return [tag.split("-")[0].lower() for tag in ranked_language_tags(header)]


def ranked_language_tags(header: str) -> list[str]:
    """Language tags from an Accept-Language header, highest quality first.

    Entries with q=0, a malformed q, or the wildcard are left out.
    """
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header.split(",")[:MAX_LANGUAGE_ENTRIES]):
        tag, _, parameters = entry.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue

        quality = 1.0
        parameters = parameters.strip()
        if parameters.startswith("q="):
            try:
                quality = float(parameters[2:])
            except ValueError:
                continue
        if quality <= 0:
            continue
        # Negative position: among equal qualities, the earlier entry sorts first.
        ranked.append((quality, -position, tag))

    ranked.sort(reverse=True)
    return [tag for _, _, tag in ranked]
