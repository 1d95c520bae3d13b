"""ASGI middleware that rejects request bodies larger than a fixed number of bytes with 413.

A declared Content-Length over the limit is rejected before the application runs. A body sent
without one (chunked) is counted as it streams in: once it passes the limit, the middleware
sends 413 and hands the application a client disconnect, so nothing parses the rest.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

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
        body = f"Request body too large: the limit is {self.max_body_bytes} bytes.\n".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


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
