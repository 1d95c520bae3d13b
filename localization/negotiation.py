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


def _ranked_languages(header: str) -> list[str]:
    """Primary language subtags from an Accept-Language header, highest quality first.

    ``de-AT;q=0.8`` counts as ``de``; entries with q=0 or a malformed q are skipped.
    """
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header.split(",")):
        tag, _, parameters = entry.strip().partition(";")
        language = tag.strip().split("-")[0].lower()
        if not language or language == "*":
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
        # Negative position: among equal qualities, the earlier entry wins after sorting.
        ranked.append((quality, -position, language))

    ranked.sort(reverse=True)
    return [language for _, _, language in ranked]
