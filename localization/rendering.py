"""Rendering translated pages and emails from the Jinja2 templates in ``templates/``.

Each locale gets its own Jinja2 environment with ``jinja2.ext.i18n`` installed for that
locale's catalog, because the gettext callables live in the environment's globals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from localization.catalogs import load_translations
from localization.negotiation import DEFAULT_LOCALE, SUPPORTED_LOCALES

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# Context keys each email template needs besides ``controller_name``.
EMAIL_CONTEXT_KEYS: dict[str, frozenset[str]] = {
    "verification": frozenset({"link", "expires_at"}),
    "access_ready": frozenset({"link", "expires_at"}),
    "erasure_confirmed": frozenset(),
    "erasure_denied": frozenset({"basis", "note"}),
    "opt_out_done": frozenset(),
    "request_closed_unverified": frozenset(),
    "approval_needed": frozenset({"request_id", "portal_link"}),
    # ``legal_limit`` is a date; ``basis`` is an EXTENSION_BASES code.
    "acknowledgement": frozenset({"request_id", "received_on", "legal_limit"}),
    "extension_notice": frozenset({"request_id", "basis", "legal_limit"}),
    # Privacy-team emails. ``internal_due``, ``legal_limit`` and ``date`` are dates,
    # ``days_left`` an int counted to the internal due date, and ``clock`` is
    # "internal_due" or "legal_limit".
    "deadline_reminder": frozenset(
        {"request_id", "portal_link", "internal_due", "legal_limit", "days_left"}
    ),
    "deadline_escalation": frozenset({"request_id", "portal_link", "clock", "date"}),
}
EMAIL_NAMES = frozenset(EMAIL_CONTEXT_KEYS)

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text_body: str


class Renderer:
    """Jinja2 environments for every supported locale, built once at start-up."""

    def __init__(self, templates_dir: Path = TEMPLATES_DIR) -> None:
        self.templates_dir = templates_dir
        self._environments = {
            locale: _build_environment(templates_dir, locale) for locale in SUPPORTED_LOCALES
        }

    def environment(self, locale: str) -> Environment:
        return self._environments.get(locale, self._environments[DEFAULT_LOCALE])

    def render_page(self, name: str, locale: str, **context: Any) -> str:
        """Render an HTML template such as ``pages/form.html`` in ``locale``."""
        environment = self.environment(locale)
        return environment.get_template(name).render(locale=locale, **context)

    def render_email(self, name: str, locale: str, context: Mapping[str, Any]) -> RenderedEmail:
        """Render ``emails/<name>.txt``: its ``subject`` block and its body.

        Raises ValueError naming the missing context keys, never their values.
        """
        if name not in EMAIL_CONTEXT_KEYS:
            raise ValueError(f"unknown email {name!r}; known: {', '.join(sorted(EMAIL_NAMES))}")
        missing = (EMAIL_CONTEXT_KEYS[name] | {"controller_name"}) - set(context)
        if missing:
            raise ValueError(
                f"email {name!r} is missing context keys: {', '.join(sorted(missing))}"
            )

        template = self.environment(locale).get_template(f"emails/{name}.txt")
        full_context = {"locale": locale, **context}
        subject_parts = template.blocks["subject"](template.new_context(full_context))
        # A subject is one header line: collapsing whitespace keeps line breaks out of it.
        subject = _WHITESPACE.sub(" ", "".join(subject_parts)).strip()
        body = template.render(full_context).strip() + "\n"
        return RenderedEmail(subject=subject, text_body=body)


@lru_cache(maxsize=1)
def default_renderer() -> Renderer:
    return Renderer()


def render_page(name: str, locale: str, **context: Any) -> str:
    """Render a page with the templates shipped in this repository."""
    return default_renderer().render_page(name, locale, **context)


def render_email(name: str, locale: str, context: Mapping[str, Any]) -> RenderedEmail:
    """Render an email with the templates shipped in this repository."""
    return default_renderer().render_email(name, locale, context)


def _build_environment(templates_dir: Path, locale: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    # Trimmed {% trans %} blocks: line breaks inside a message do not become part of its msgid.
    environment.policies["ext.i18n.trimmed"] = True
    translations = load_translations(templates_dir / "locale", locale)
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]

    babel_locale = Locale.parse(locale)
    environment.filters["datetime"] = lambda value: _format_instant(value, babel_locale)
    environment.filters["date"] = lambda value: _format_day(value, babel_locale)
    environment.globals["country_name"] = lambda code: babel_locale.territories.get(code, code)
    environment.globals["language_name"] = _own_language_name
    return environment


def _format_instant(value: datetime, locale: Locale) -> str:
    # Instants are shown in UTC with the zone named, because the reader's zone is unknown.
    return format_datetime(value.astimezone(UTC), "long", tzinfo=UTC, locale=locale)


def _format_day(value: date, locale: Locale) -> str:
    return format_date(value, "long", locale=locale)


def _own_language_name(code: str) -> str:
    """Name a language in itself ("Deutsch", "français"), as language pickers usually do."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]
