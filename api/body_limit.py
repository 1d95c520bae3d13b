"""ASGI middleware that rejects request bodies larger than a fixed number of bytes with 413.

A declared Content-Length over the limit is rejected before the application runs. A body sent
without one (chunked) is counted as it streams in: once it passes the limit, the middleware
sends 413 and hands the application a client disconnect, so nothing parses the rest.
The 413 response itself comes from a ``respond`` callable, so the app can send a page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

# Builds the 413 response for a request scope, given the limit in bytes.
RejectionResponder = Callable[[Scope, int], Response]


def plain_text_rejection(scope: Scope, max_body_bytes: int) -> Response:
    return PlainTextResponse(
        f"Request body too large: the limit is {max_body_bytes} bytes.\n", status_code=413
    )


class BodySizeLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        respond: RejectionResponder = plain_text_rejection,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = _declared_length(scope)
        # A malformed Content-Length is rejected too: its size cannot be trusted.
        if declared is None or declared > self.max_body_bytes:
            await self._reject(scope, send)
            return

        await _LimitedExchange(self, scope, receive, send).run()

    async def _reject(self, scope: Scope, send: Send) -> None:
        logger.info("request.body_too_large", extra={"path_template": _route_hint(scope)})
        response = self.respond(scope, self.max_body_bytes)
        # The rest of the body is never read, so the connection cannot be reused.
        response.headers["connection"] = "close"
        await response(scope, _receive_disconnect, send)


async def _receive_disconnect() -> Message:
    return {"type": "http.disconnect"}


class _LimitedExchange:
    """One request whose body is counted while the application reads it."""

    def __init__(
        self, middleware: BodySizeLimitMiddleware, scope: Scope, receive: Receive, send: Send
    ) -> None:
        self.middleware = middleware
        self.scope = scope
        self.receive = receive
        self.send = send
        self.received = 0
        self.rejected = False
        self.response_started = False

    async def run(self) -> None:
        try:
            await self.middleware.app(self.scope, self.limited_receive, self.guarded_send)
        except Exception:
            # After a rejection the application fails on the simulated disconnect; the client
            # already has its 413, so that failure is expected and not an error.
            if not self.rejected:
                raise

    async def limited_receive(self) -> Message:
        if self.rejected:
            return {"type": "http.disconnect"}

        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.middleware.max_body_bytes:
                self.rejected = True
                if not self.response_started:
                    await self.middleware._reject(self.scope, self.send)
                return {"type": "http.disconnect"}
        return message

    async def guarded_send(self, message: Message) -> None:
        # The 413 went out already: drop whatever response the application still produces.
        if self.rejected:
            return
        if message["type"] == "http.response.start":
            self.response_started = True
        await self.send(message)


def _declared_length(scope: Scope) -> int | None:
    """Return the Content-Length as a number, 0 when absent, None when malformed."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None
            return length if length >= 0 else None
    return 0


def _route_hint(scope: Scope) -> str:
    # Only the first path segment: full paths can carry single-use tokens.
    path: str = scope.get("path", "")
    return "/" + path.lstrip("/").split("/", 1)[0]
