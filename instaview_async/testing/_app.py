"""The fake API as a pure ASGI app: faults, rate limit, auth, idempotency, routing, envelope.

Every request takes the same path (``FakeApp.handle``): draw the injected faults; wait the
added latency; then, under the store's lock, count it against the key's rate limit, route it
(404 or 405 before any authentication, as a real server's router answers first),
authenticate it, replay or refuse a repeated ``Idempotency-Key``, check scopes and the
company, parse the JSON body and run the handler. Injected 5xx and malformed replies happen
before all of this, like a gateway in front of the API, so they use no rate-limit budget,
carry no rate-limit headers and write nothing.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import anyio
import attrs

from ._auth import ApiKey, KeyRing, request_company
from ._context import Config, Context
from ._faults import FaultInjector, FaultPlan
from ._http import JSON_TYPE, Problem, Reply, envelope, error_envelope, iso, json_bytes
from ._idempotency import IdempotencyStore, Stored, fingerprint
from ._ratelimit import Limited, RateLimitBody, RateLimiter, envelope_body, number, throttler_body
from ._records import RecordedRequest
from ._routing import Route, Router, normalize
from ._state import Store

__all__ = ["ConnectionDropped", "FakeApp", "Incoming", "Outgoing"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_SERVER_CODES = {
    500: ("INTERNAL_SERVER_ERROR", "Internal server error"),
    502: ("BAD_GATEWAY", "Bad gateway"),
    503: ("SERVICE_UNAVAILABLE", "Service temporarily unavailable"),
    504: ("GATEWAY_TIMEOUT", "Gateway timeout"),
}
_HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


class ConnectionDropped(Exception):
    """Raised by the app after a write was committed, when its response must be lost."""


@attrs.frozen
class Incoming:
    """A request as read from ASGI: header names lower-case, query as a flat mapping."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@attrs.define
class Outgoing:
    """A response about to be sent (or dropped)."""

    status: int
    body: bytes = b""
    content_type: str | None = JSON_TYPE
    headers: dict[str, str] = attrs.field(factory=dict)
    drop: bool = False
    replayed: bool = False

    def header_list(self) -> list[tuple[bytes, bytes]]:
        """The ASGI header list."""
        headers = dict(self.headers)
        if self.content_type is not None:
            headers["content-type"] = self.content_type
        if self.status != 204:  # a 204 has no body and no Content-Length (RFC 9110)
            headers["content-length"] = str(len(self.body))
        return [(k.lower().encode(), v.encode()) for k, v in headers.items()]


@attrs.define(eq=False)
class FakeApp:
    """The ASGI app of a FakeInstaView; its state lives on the fake, shared with every server."""

    store: Store
    keys: KeyRing
    limiter: RateLimiter
    idempotency: IdempotencyStore
    faults: FaultInjector
    router: Router
    config: Config
    clock: Callable[[], float]
    requests: deque[RecordedRequest]
    rate_limit_body: RateLimitBody = "envelope"
    _serial: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope (``http``; ``lifespan`` is acknowledged)."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        incoming = await _read(scope, receive)
        if incoming is None:  # the client went away before its body arrived: do nothing
            return
        outgoing = await self.handle(incoming)
        if outgoing.drop:
            raise ConnectionDropped(f"{incoming.method} {incoming.path}: response dropped")
        await send(
            {
                "type": "http.response.start",
                "status": outgoing.status,
                "headers": outgoing.header_list(),
            }
        )
        await send({"type": "http.response.body", "body": outgoing.body})

    async def handle(self, incoming: Incoming) -> Outgoing:
        """Answer one request (faults, latency, then the API itself) and record it."""
        with self.store.lock:
            plan = self.faults.draw(incoming.method)
        if self.faults.faults.latency > 0:
            await anyio.sleep(self.faults.faults.latency)
        with self.store.lock:
            self._serial += 1
            request_id = f"req-{self._serial:06d}-{self.store.new_hex(4)}"
            outgoing = _fault_reply(plan, self.clock()) if plan.kind else self._process(incoming)
            outgoing.drop = plan.drop
            outgoing.headers["x-request-id"] = request_id
            self.requests.append(_record(incoming, outgoing, request_id, plan))
        return outgoing

    def _process(self, incoming: Incoming) -> Outgoing:
        now = self.clock()
        token = incoming.headers.get("authorization", "")
        limit_headers, refused = self.limiter.hit(token, now)
        if refused is not None:
            outgoing = self._too_many(refused, now)
        else:
            outgoing = self._routed(incoming, now)
        outgoing.headers.update(limit_headers)
        return outgoing

    def _too_many(self, refused: Limited, now: float) -> Outgoing:
        if self.rate_limit_body == "throttler":
            body = throttler_body(refused)
        else:
            body = envelope_body(refused, iso(now))
        return Outgoing(429, json_bytes(body), headers={"Retry-After": number(refused.retry_after)})

    def _routed(self, incoming: Incoming, now: float) -> Outgoing:
        try:
            route, params = self.router.match(incoming.method, incoming.path)
            key = self.keys.authenticate(incoming.headers.get("authorization"))
        except Problem as problem:
            return _problem_reply(problem, now)
        idem = incoming.headers.get("idempotency-key") if incoming.method != "GET" else None
        if not idem:
            return self._dispatch(incoming, route, params, key, now)
        path = normalize(incoming.path)
        print_ = fingerprint(incoming.method, path, incoming.query, incoming.body)
        try:
            stored = self.idempotency.lookup(key.id, idem, print_)
        except Problem as problem:
            return _problem_reply(problem, now)
        if stored is not None:
            headers = {"Idempotent-Replayed": "true"}
            return Outgoing(stored.status, stored.body, stored.content_type, headers, replayed=True)
        outgoing = self._dispatch(incoming, route, params, key, now)
        stored = Stored(print_, outgoing.status, outgoing.body, outgoing.content_type)
        self.idempotency.save(key.id, idem, stored)
        return outgoing

    def _dispatch(
        self, incoming: Incoming, route: Route, params: dict[str, str], key: ApiKey, now: float
    ) -> Outgoing:
        self.store.begin()
        try:
            ctx = Context(
                store=self.store,
                keys=self.keys,
                config=self.config,
                key=key,
                query=incoming.query,
                params=params,
                body=_parse_body(incoming),
                now=now,
            )
            ctx.require(*route.scopes)
            if route.company:
                ctx.company_id = request_company(key, incoming.query)
            reply = route.handler(ctx)
        except Problem as problem:
            self.store.rollback()  # e.g. an inline candidate of a refused interview
            return _problem_reply(problem, now)
        self.store.settle()
        return _success_reply(reply, now)


def _parse_body(incoming: Incoming) -> Any:
    """The JSON body (None when empty); 400 for a body that is not JSON, naming why."""
    if not incoming.body.strip():
        return None
    media = incoming.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise _not_json(f"the Content-Type is {media!r}; send application/json")
    try:
        return json.loads(incoming.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _not_json(f"it does not parse ({exc})") from None


def _not_json(why: str) -> Problem:
    message = f"The request body is not JSON: {why}"
    return Problem(400, "VALIDATION_ERROR", message, {"fields": {"body": message}})


def _success_reply(reply: Reply, now: float) -> Outgoing:
    if reply.status == 204:
        return Outgoing(204, content_type=None)
    return Outgoing(reply.status, json_bytes(envelope(reply.data, now)))


def _problem_reply(problem: Problem, now: float) -> Outgoing:
    body = json_bytes(error_envelope(problem, now))
    return Outgoing(problem.status, body, headers=dict(problem.headers))


def _fault_reply(plan: FaultPlan, now: float) -> Outgoing:
    code, message = _SERVER_CODES.get(plan.status, ("SERVER_ERROR", "Server error"))
    if plan.kind == "malformed":
        if plan.html:
            return Outgoing(502, _HTML_502, "text/html")
        full = json_bytes({"success": False, "data": None, "error": {"code": code}})
        return Outgoing(plan.status, full[: len(full) // 2])
    return Outgoing(
        plan.status, json_bytes(error_envelope(Problem(plan.status, code, message), now))
    )


def _record(
    incoming: Incoming, outgoing: Outgoing, request_id: str, plan: FaultPlan
) -> RecordedRequest:
    try:
        body = json.loads(incoming.body) if incoming.body.strip() else None
    except ValueError:
        body = None
    return RecordedRequest(
        method=incoming.method,
        path=incoming.path,
        query=dict(incoming.query),
        headers=_masked(incoming.headers),
        json=body,
        status=None if outgoing.drop else outgoing.status,
        request_id=request_id,
        fault=plan.name,
        replayed=outgoing.replayed,
    )


def _masked(headers: dict[str, str]) -> dict[str, str]:
    """The headers with the bearer key shortened, so a record's repr shows no whole key."""
    out = dict(headers)
    auth = out.get("authorization")
    if auth and len(auth) > 24:
        out["authorization"] = f"{auth[:15]}...{auth[-4:]}"
    return out


async def _read(scope: Scope, receive: Receive) -> Incoming | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            # A server never acts on half a request: processing it (and storing its reply
            # under its Idempotency-Key) would refuse the complete retry as a reused key.
            return None
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    raw_query = scope.get("query_string", b"").decode("latin-1")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    return Incoming(
        method=scope["method"].upper(),
        path=scope["path"],
        query=dict(parse_qsl(raw_query, keep_blank_values=True)),
        headers=headers,
        body=b"".join(chunks),
    )


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
