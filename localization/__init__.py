"""Translated pages and emails: Jinja2 with babel message catalogs for en, de, fr and es."""

from localization.negotiation import DEFAULT_LOCALE, SUPPORTED_LOCALES, negotiate_locale
from localization.rendering import (
    EMAIL_NAMES,
    RenderedEmail,
    Renderer,
    default_renderer,
    render_email,
    render_page,
)

__all__ = [
    "DEFAULT_LOCALE",
    "EMAIL_NAMES",
    "SUPPORTED_LOCALES",
    "RenderedEmail",
    "Renderer",
    "default_renderer",
    "negotiate_locale",
    "render_email",
    "render_page",
]
