"""Error responses built outside a route: the 413 sent by the body-size middleware."""

from __future__ import annotations

from babel.numbers import format_decimal
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.types import Scope

from api.body_limit import RejectionResponder
from api.context import AppServices
from api.pages import page
from localization import negotiate_locale


def body_too_large_responder(services: AppServices) -> RejectionResponder:
    """Return the middleware's 413 builder: JSON for the API, a short page everywhere else."""

    def respond(scope: Scope, max_body_bytes: int) -> Response:
        path: str = scope.get("path", "")
        if path.startswith("/api/"):
            detail = f"request body too large: the limit is {max_body_bytes} bytes"
            return JSONResponse({"detail": detail}, status_code=413)

        # Portal pages are English only. Public pages follow the browser's language, because
        # the form's own language field is in the body that was rejected.
        if path.startswith("/portal"):
            locale, back_link = "en", "/portal"
        else:
            locale = negotiate_locale(None, Headers(scope=scope).get("accept-language"))
            back_link = f"/?language={locale}"
        return page(
            services,
            "pages/too_large.html",
            locale,
            413,
            limit=format_decimal(max_body_bytes, locale=locale),
            back_link=back_link,
        )

    return respond
