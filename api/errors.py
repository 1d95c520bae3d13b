"""Exception handlers that keep submitted values out of error responses."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from api.context import get_services
from api.pages import page
from api.portal_auth import CsrfRejectedError, LoginRequiredError
from api.portal_requests import PortalNotFoundError


async def validation_error(request: Request, error: Exception) -> Response:
    """Report where and why input was invalid, without FastAPI's echo of the input itself."""
    assert isinstance(error, RequestValidationError)
    problems = [
        {
            "loc": list(problem.get("loc", ())),
            "msg": problem.get("msg", ""),
            "type": problem.get("type", ""),
        }
        for problem in error.errors()
    ]
    return JSONResponse({"detail": problems}, status_code=422)


async def login_required(request: Request, error: Exception) -> Response:
    return RedirectResponse("/portal/login", status_code=303)


async def csrf_rejected(request: Request, error: Exception) -> Response:
    return PlainTextResponse(
        "Form expired or submitted from another site: reload the page and submit it again.",
        status_code=403,
    )


async def portal_not_found(request: Request, error: Exception) -> Response:
    # The message names ids only. The page is English, like every portal page.
    return page(get_services(request), "portal/not_found.html", "en", 404, message=str(error))


HANDLERS = {
    RequestValidationError: validation_error,
    LoginRequiredError: login_required,
    CsrfRejectedError: csrf_rejected,
    PortalNotFoundError: portal_not_found,
}
