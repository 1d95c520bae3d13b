"""HTML responses: rendering a template with the headers every page gets."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse

from api.browser_zone import SCRIPT_HASH
from api.context import AppServices

# Pages carry single-use tokens in their URLs and personal data in their forms: nothing is
# cached, no Referer leaves the site, and only inline styles and the form's time-zone script,
# pinned by its hash, are allowed to run.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src '{SCRIPT_HASH}'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


def page(
    services: AppServices, name: str, locale: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render ``name`` in ``locale`` with the controller's name available to the layout."""
    html = services.renderer.render_page(
        name, locale, controller_name=services.settings.controller_name, **context
    )
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)


def message_page(
    services: AppServices,
    locale: str,
    status_code: int,
    *,
    title: str,
    message: str,
    advice: str = "",
) -> HTMLResponse:
    """Render a page saying what happened and what to do; the texts are untranslated msgids."""
    return page(
        services,
        "pages/message.html",
        locale,
        status_code,
        title=title,
        message=message,
        advice=advice,
    )
