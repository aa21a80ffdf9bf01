"""OpenTelemetry tracing: one CLIENT span per logical call, each attempt an event (extra ``otel``).

Put the middleware first among the client's middlewares:

    from instaview_async import AsyncClient
    from instaview_async.contrib.otel import OpenTelemetryMiddleware

    client = AsyncClient(middleware=[OpenTelemetryMiddleware()])

It is a user middleware, so it sits outside the SDK's own layers and sees one logical call:
the span covers every retry, backoff and rate-limit wait of that call. The SDK's ``Retry``
layer numbers each attempt in ``request.extensions["instaview_async.attempt"]``; this
middleware watches that key, adds an ``instaview.attempt`` event to the span when an attempt
starts, and sets ``instaview.attempts`` to the final count. With ``retry=None`` there is one
attempt and no event.

Span attributes: ``http.request.method``, ``url.path`` (never the query), ``server.address``,
``server.port``, ``http.response.status_code``, ``instaview.attempts``, ``instaview.request_id``
when the API sent one, and ``error.type`` on failure. No header is recorded: the API key lives
only in the ``Authorization`` header, which the SDK adds inside this middleware anyway.

Only this module imports ``opentelemetry`` (the API package, not the SDK); ``import
instaview_async`` never does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, TracerProvider

from .._version import __version__
from ..middleware.retry import ATTEMPT

if TYPE_CHECKING:
    from .._http import Request, Response
    from ..middleware import CallNext, RequestT, ResponseT

__all__ = ["ATTEMPT_EVENT", "SPAN", "OpenTelemetryMiddleware", "default_span_name"]

SPAN = "instaview_async.otel.span"
"""``request.extensions`` key holding the call's span, for middlewares further in."""

ATTEMPT_EVENT = "instaview.attempt"
"""Name of the span event added when an attempt starts."""

_STATIC_SEGMENT = re.compile(r"[a-z][a-z_-]*")


def default_span_name(request: Request) -> str:
    """``"GET /jobs/{id}"``: the method and the path with every id-like segment replaced.

    A segment stays when it is lowercase letters, ``-`` and ``_`` only (``jobs``,
    ``call-attempts``); anything else (UUIDs, numbers) becomes ``{id}``, so span names stay
    few however many resources there are.
    """
    segments = (
        s if _STATIC_SEGMENT.fullmatch(s) else "{id}" for s in request.url.path.split("/") if s
    )
    return f"{request.method} /{'/'.join(segments)}"


class OpenTelemetryMiddleware:
    """Traces each logical call as a CLIENT span; place it first in ``middleware=[...]``.

    ``tracer_provider`` defaults to the global one; ``span_name`` maps the request to the
    span's name (default `default_span_name`). One instance can serve many clients and tasks:
    it keeps no per-call state.
    """

    __slots__ = ("_span_name", "_tracer")

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        # Any: a function typed for either family's request is welcome.
        span_name: Callable[[Any], str] = default_span_name,
    ) -> None:
        self._tracer = trace.get_tracer(
            "instaview_async", __version__, tracer_provider=tracer_provider
        )
        self._span_name = span_name

    async def __call__(
        self, request: RequestT, call_next: CallNext[RequestT, ResponseT]
    ) -> ResponseT:
        """Run the rest of the chain inside a span and record how the call went."""
        with self._tracer.start_as_current_span(
            self._span_name(request),
            kind=SpanKind.CLIENT,
            attributes=_request_attributes(request),
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            request.extensions = _AttemptEvents(request.extensions, span)
            request.extensions[SPAN] = span
            try:
                response = await call_next(request)
            except Exception as error:  # any failure is recorded, then raised unchanged
                _record_failure(span, error)
                raise
            finally:
                span.set_attribute("instaview.attempts", request.extensions.get(ATTEMPT, 1))
            _record_response(span, response)
            return response


class _AttemptEvents(dict[str, Any]):
    """``request.extensions`` that adds a span event each time Retry numbers a new attempt."""

    __slots__ = ("_span",)

    def __init__(self, extensions: Mapping[str, Any], span: Span) -> None:
        super().__init__(extensions)
        self._span = span

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if key == ATTEMPT:
            self._span.add_event(ATTEMPT_EVENT, {"instaview.attempt": value})


def _request_attributes(request: Request) -> dict[str, str | int]:
    url = request.url
    attributes: dict[str, str | int] = {
        "http.request.method": request.method,
        "url.path": url.path,
        "server.address": url.host,
    }
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    if port is not None:
        attributes["server.port"] = port
    return attributes


def _record_response(span: Span, response: Response) -> None:
    span.set_attribute("http.response.status_code", response.status_code)
    request_id = response.headers.get("x-request-id")
    if request_id:
        span.set_attribute("instaview.request_id", request_id)
    if response.status_code >= 400:
        span.set_attribute("error.type", str(response.status_code))
        span.set_status(Status(StatusCode.ERROR))


def _record_failure(span: Span, error: Exception) -> None:
    span.set_attribute("error.type", type(error).__qualname__)
    span.record_exception(error)
    span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
