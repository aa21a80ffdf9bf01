"""Webhook configurations: list, get, create, update, delete (permanent), test, reset-circuit.

No HTTP delivery leaves the process: ``test`` answers as if the receiver replied 200, and the
"deliveries" it records are kept on the row for assertions.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from .._context import Context
from .._http import Reply, access_denied, not_found
from .._routing import Route
from .._state import Row
from .._validation import Field, boolean, check_body, invalid, items, obj, string, uuid
from ._common import patch, timestamps

__all__ = ["EVENTS", "ROUTES", "index_keys", "open_circuit"]

EVENTS = (
    "analysis.completed",
    "analysis.failed",
    "ping",
    "interview.completed",
    "interview.failed",
    "interview.started",
    "sourcing.completed",
    "sourcing.failed",
    "enrich.completed",
    "enrich.failed",
)
"""Event labels as responses spell them; numeric and UPPER_SNAKE spellings are accepted too."""


def event_label(value: Any) -> str | None:
    """The dotted label of an event in any of its three spellings, or None."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 5:
        return EVENTS[value]
    if isinstance(value, str):
        label = value.lower().replace("_", ".") if value.isupper() else value
        return label if label in EVENTS else None
    return None


def _https(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 2048:
        return "must be an HTTPS URL of at most 2048 characters"
    parts = urlsplit(value)
    return None if parts.scheme == "https" and parts.netloc else "must be an HTTPS URL"


def _event(value: Any) -> str | None:
    return None if event_label(value) else "must be one of: " + ", ".join(EVENTS)


_HEADER = (
    Field("name", "string", string(1, 255), required=True),
    Field("value", "string", string(1, 4096), required=True),
)


def _fields(*, update: bool) -> tuple[Field, ...]:
    fields = (
        Field("url", "string (HTTPS URL)", _https, required=True),
        Field("events", "string[]", items(_event, min_items=1), required=True),
        Field("name", "string", string(0, 255)),
        Field("description", "string", string(0, 1000)),
        Field("headers", "object[]", items(obj(_HEADER), max_items=50)),
    )
    if update:
        return (*fields, Field("isActive", "boolean", boolean()))
    return (*fields, Field("companyId", "string (UUID)", uuid()))


def _load(ctx: Context) -> Row:
    row = ctx.store.webhooks.get(ctx.params["id"])
    if row is None:
        raise not_found("WebhookConfig", ctx.params["id"])
    if row.owner_key != ctx.key.id:
        raise access_denied("Access denied to this webhook configuration")
    return row


def _apply(row: Row, body: Mapping[str, Any]) -> dict[str, Any]:
    """Wire fields from a body: events as labels, header values kept out of the response."""
    fields = dict(body)
    if "events" in fields:
        fields["events"] = list(dict.fromkeys(event_label(e) for e in fields["events"]))
    if "headers" in fields:
        headers = fields["headers"] or []
        row.internal["headers"] = {h["name"]: h["value"] for h in headers}
        fields["headers"] = [{"name": h["name"], "isMasked": True} for h in headers]
    return fields


def create_webhook(ctx: Context) -> Reply:
    """``POST /webhooks``: 201; the response alone carries ``signingSecret``."""
    body = check_body(ctx.json(), _fields(update=False))
    company_id = body.pop("companyId", None)
    if company_id is not None and not ctx.key.can_access(company_id):
        raise access_denied("Access denied to this company")
    wid = ctx.store.new_id()
    row = Row(wid, company_id, {}, owner_key=ctx.key.id)
    row.data.update(
        {
            "id": wid,
            "apiKeyId": ctx.key.id,
            "companyId": company_id,
            "url": None,
            "name": None,
            "description": None,
            "headers": [],
            "events": [],
            "isActive": True,
            "maxRetries": 3,
            "timeoutMs": 30000,
            "consecutiveFailures": 0,
            "circuitOpenedAt": None,
            **_apply(row, body),
            **timestamps(ctx.now),
        }
    )
    row.internal["signingSecret"] = ctx.store.new_hex(32)
    row.internal["deliveries"] = []
    ctx.store.webhooks.add(row)
    return Reply({**row.data, "signingSecret": row.internal["signingSecret"]}, 201)


def index_keys(row: Row) -> Iterable[Hashable]:
    """A webhook is filed by the key that made it, and by that key and its company."""
    return (("owner", row.owner_key), ("owner-company", row.owner_key, row.company_id))


def list_webhooks(ctx: Context) -> Reply:
    """``GET /webhooks``: the key's webhooks; ``?companyId=`` keeps that company's only."""
    company_id = ctx.query.get("companyId")
    if company_id is None:
        return ctx.page(ctx.store.webhooks.filed(("owner", ctx.key.id)))
    return ctx.page(ctx.store.webhooks.filed(("owner-company", ctx.key.id, company_id)))


def get_webhook(ctx: Context) -> Reply:
    """``GET /webhooks/{id}``."""
    return Reply(_load(ctx).data)


def update_webhook(ctx: Context) -> Reply:
    """``PATCH /webhooks/{id}``: partial; ``headers`` replaces all headers."""
    row = _load(ctx)
    body = check_body(ctx.json(), _fields(update=True), partial=True)
    if body.get("url", "") is None or body.get("events", []) is None:
        raise invalid({k: f"{k} must not be null" for k in ("url", "events") if k in body})
    patch(row, _apply(row, body), ctx.now)
    return Reply(row.data)


def delete_webhook(ctx: Context) -> Reply:
    """``DELETE /webhooks/{id}``: permanent; 204."""
    ctx.store.webhooks.remove(_load(ctx).id)
    return Reply(status=204)


def test_webhook(ctx: Context) -> Reply:
    """``POST /webhooks/{id}/test``: a ``ping`` "delivery"; failures are in the inner result."""
    row = _load(ctx)
    if "ping" not in row.data["events"]:
        message = "Webhook is not subscribed to ping events; add ping to its events to test it"
        return Reply({"success": False, "message": message})
    if not row.data["isActive"] or row.data["circuitOpenedAt"] is not None:
        message = (
            "No delivery was created. This may indicate the webhook is disabled or "
            "circuit breaker is open"
        )
        return Reply({"success": False, "message": message})
    delivery = ctx.store.new_id()
    row.internal["deliveries"].append({"deliveryId": delivery, "event": "ping"})
    return Reply(
        {
            "success": True,
            "deliveryId": delivery,
            "httpStatus": 200,
            "durationMs": 12,
            "message": "Test webhook delivered successfully",
        }
    )


def open_circuit(row: Row, now: float) -> None:
    """Trip a webhook's circuit as if deliveries kept failing."""
    from .._http import iso

    row.data.update(consecutiveFailures=10, circuitOpenedAt=iso(now), isActive=False)


def reset_circuit(ctx: Context) -> Reply:
    """``POST /webhooks/{id}/reset-circuit``: failures 0, circuit closed, active again."""
    row = _load(ctx)
    patch(row, {"consecutiveFailures": 0, "circuitOpenedAt": None, "isActive": True}, ctx.now)
    return Reply(row.data)


_WRITE = ("write:webhooks",)
ROUTES = (
    Route("GET", "/webhooks", list_webhooks, ("read:webhooks",), company=False),
    Route("POST", "/webhooks", create_webhook, _WRITE, company=False),
    Route("GET", "/webhooks/{id}", get_webhook, ("read:webhooks",), company=False),
    Route("PATCH", "/webhooks/{id}", update_webhook, _WRITE, company=False),
    Route("DELETE", "/webhooks/{id}", delete_webhook, _WRITE, company=False),
    Route("POST", "/webhooks/{id}/test", test_webhook, _WRITE, company=False),
    Route("POST", "/webhooks/{id}/reset-circuit", reset_circuit, _WRITE, company=False),
)
