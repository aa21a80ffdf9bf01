"""Sourcing, preview and enrichment runs, and profile cards.

A run is ``processing`` for ``FakeInstaView(sourcing_seconds=...)`` on the fake's clock (0 by
default: done by the first look), then ``completed`` with generated, deterministic profiles.
Enrichment and render-html know the profiles the company's own runs produced; any other
profile id fails with ``PROFILE_NOT_FOUND``. Credits are not modelled (no 402).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from .._context import Context
from .._http import Problem, Reply, invalid_state, iso
from .._routing import Route
from .._state import Row
from .._validation import Field, check_body, enum, integer, invalid, items, string, uuid

__all__ = ["ROUTES"]

_NAMES = ("Ada Novak", "Ben Horvath", "Cleo Kral", "Dan Varga", "Eva Toth", "Filip Balaz")
_ROLES = ("Backend Engineer", "Data Engineer", "Platform Engineer", "Site Reliability Engineer")


def _run_fields() -> tuple[Field, ...]:
    """The body of ``POST /sourcing`` and ``POST /sourcing/preview`` (``limit`` 1-100)."""
    return (
        Field("title", "string", string(1, 200), required=True),
        Field("jobDescription", "string", string(0, 10000)),
        Field("location", "string", string(0, 200)),
        Field("query", "string", string(0, 500)),
        Field("limit", "integer", integer(1, 100)),
        Field("webhookId", "string (UUID)", uuid()),
    )


def _check_webhook(ctx: Context, webhook_id: str | None, family: str) -> None:
    """The webhook must be the company's and subscribed to ``family``'s events."""
    if webhook_id is None:
        return
    row = ctx.store.webhooks.get(webhook_id)
    if row is None:
        raise Problem(
            404,
            "RESOURCE_NOT_FOUND",
            "Webhook configuration not found",
            {"resourceType": "WebhookConfig", "resourceId": webhook_id},
        )
    mine = row.company_id == ctx.company_id or (
        row.company_id is None and row.owner_key == ctx.key.id
    )
    if not mine:
        raise Problem(403, "RESOURCE_ACCESS_DENIED", "Webhook Ownership Mismatch")
    wanted = {f"{family}.completed", f"{family}.failed"}
    if not wanted & set(row.data["events"]):
        raise Problem(
            422,
            "WEBHOOK_NOT_SUBSCRIBED",
            f"Webhook is not subscribed to {family} events",
            {"webhookId": webhook_id, "required": sorted(wanted)},
        )


def _start(ctx: Context, kind: str, prefix: str, body: Mapping[str, Any], limit: int) -> Row:
    rid = f"{prefix}{ctx.store.new_id()}"
    stamp = iso(ctx.now)
    data = {
        "success": True,
        "requestId": rid,
        "status": "processing",
        "message": "Request accepted and processing",
        "webhookId": body.get("webhookId"),
        "createdAt": stamp,
        "updatedAt": stamp,
    }
    internal = {
        "kind": kind,
        "ready_at": ctx.now + ctx.config.sourcing_seconds,
        "pending": limit,
        "profiles": {},
        "body": dict(body),
    }
    return ctx.store.sourcing.add(Row(rid, ctx.company_id, data, internal=internal))


def _ack(row: Row) -> Reply:
    return Reply(dict(row.data), 202)


def _load(ctx: Context, kind: str) -> Row:
    """A run of this company and kind, brought up to date; else 404 REQUEST_NOT_FOUND."""
    rid = ctx.params["id"]
    row = ctx.store.sourcing.get(rid)
    if row is None or row.company_id != ctx.company_id or row.internal["kind"] != kind:
        raise Problem(404, "REQUEST_NOT_FOUND", f"Request {rid} not found")
    _advance(row, ctx.now)
    return row


def _advance(row: Row, now: float) -> None:
    internal = row.internal
    if row.data["status"] != "processing" or now < internal["ready_at"]:
        return
    made = _profiles(row, internal["pending"], internal["kind"])
    internal["profiles"].update(made)
    internal["pending"] = 0
    row.data.update(status="completed", updatedAt=iso(now), completedAt=iso(now))
    row.data.pop("message", None)


def _profiles(row: Row, count: int, kind: str) -> dict[str, dict[str, Any]]:
    start = len(row.internal["profiles"])
    out = {}
    for n in range(start, start + count):
        digest = hashlib.sha256(f"{row.id}:{n}".encode()).hexdigest()
        pid = f"prof_{digest[:12]}"
        out[pid] = _preview(pid, n) if kind == "preview" else _candidate(pid, n, digest)
    return out


def _candidate(pid: str, n: int, digest: str) -> dict[str, Any]:
    name, role = _NAMES[n % len(_NAMES)], _ROLES[n % len(_ROLES)]
    return {
        "profileId": pid,
        "name": name,
        "linkedinUrl": f"https://www.linkedin.com/in/{pid}",
        "matchScore": 50 + int(digest[:4], 16) % 50,
        "rationale": f"{role} with relevant experience",
        "skills": ["Python", "SQL"],
        "headline": role,
        "location": "Bratislava, Slovakia",
        "currentCompany": "Example s.r.o.",
        "currentRole": role,
        "aiFitPoints": ["Relevant stack"],
        "aiRedFlags": [],
        "aiDetailedRationale": [],
        "detailedExperience": [],
        "emails": [f"{name.split()[0].lower()}.{pid[-4:]}@example.com"],
    }


def _preview(pid: str, n: int) -> dict[str, Any]:
    return {
        "profileId": pid,
        "fullName": _NAMES[n % len(_NAMES)],
        "profileUrl": f"https://www.linkedin.com/in/{pid}",
        "title": _ROLES[n % len(_ROLES)],
        "headline": _ROLES[n % len(_ROLES)],
        "location": "Bratislava",
        "country": "SK",
        "companyName": "Example s.r.o.",
        "companyUrl": "https://example.com",
    }


def _results(row: Row) -> Reply:
    data = row.data
    base = {"success": True, "requestId": row.id, "status": data["status"]}
    if data["status"] == "processing":
        message = "Sourcing is still in progress; poll again in about 10 seconds"
        return Reply({**base, "candidatesSourcedCount": 0, "message": message}, 202)
    found = list(row.internal["profiles"].values())
    return Reply(
        {
            **base,
            "candidates": found,
            "foundCount": len(found),
            "scoredCount": len(found),
            "completedAt": data.get("completedAt"),
        }
    )


# -- handlers -----------------------------------------------------------------------------------


def start_sourcing(ctx: Context) -> Reply:
    """``POST /sourcing``: 202 with ``req_...``."""
    body = check_body(ctx.json(), _run_fields())
    _check_webhook(ctx, body.get("webhookId"), "sourcing")
    return _ack(_start(ctx, "sourcing", "req_", body, body.get("limit") or 10))


def patch_sourcing(ctx: Context) -> Reply:
    """``PATCH /sourcing/{id}``: more candidates or a new query; 409 while processing."""
    fields = (Field("query", "string", string(0, 500)), Field("limit", "integer", integer(1, 50)))
    body = check_body(ctx.json(), fields, partial=True)
    row = _load(ctx, "sourcing")
    if body.get("query") is None and body.get("limit") is None:
        message = "Provide query and/or limit"
        raise invalid({"query": message, "limit": message})
    if row.data["status"] == "processing":
        raise invalid_state("processing", "patch", "The sourcing run is still in progress")
    row.internal.update(ready_at=ctx.now + ctx.config.sourcing_seconds)
    row.internal["pending"] = body.get("limit") or 10
    row.data.update(status="processing", message="Request accepted and processing")
    row.data["updatedAt"] = iso(ctx.now)
    row.data.pop("completedAt", None)
    return _ack(row)


def sourcing_results(ctx: Context) -> Reply:
    """``GET /sourcing/{id}/results``: 202 while processing, 200 when done."""
    return _results(_load(ctx, "sourcing"))


def start_preview(ctx: Context) -> Reply:
    """``POST /sourcing/preview``: 202 with ``req_prev_...``; ``limit`` 1-100, default 20."""
    body = check_body(ctx.json(), _run_fields())
    _check_webhook(ctx, body.get("webhookId"), "sourcing")
    return _ack(_start(ctx, "preview", "req_prev_", body, body.get("limit") or 20))


def preview_results(ctx: Context) -> Reply:
    """``GET /sourcing/preview/{id}/results``."""
    return _results(_load(ctx, "preview"))


def _known_profiles(ctx: Context) -> dict[str, dict[str, Any]]:
    known: dict[str, dict[str, Any]] = {}
    for row in ctx.store.sourcing.live(ctx.company_id):
        if row.internal["kind"] != "enrich":
            _advance(row, ctx.now)
            known.update(row.internal["profiles"])
    return known


_IDS = Field("profileIds", "string[]", items(string(1, 200), min_items=1, max_items=10), True)


def start_enrichment(ctx: Context) -> Reply:
    """``POST /sourcing/enrich``: 202 with ``enr_...``."""
    webhook = Field("webhookId", "string (UUID)", uuid())
    body = check_body(ctx.json(), (_IDS, webhook))
    _check_webhook(ctx, body.get("webhookId"), "enrich")
    row = _start(ctx, "enrich", "enr_", body, 0)
    row.data.pop("updatedAt")
    return _ack(row)


def enrichment_results(ctx: Context) -> Reply:
    """``GET /sourcing/enrich/{id}/results``: per-profile results once done."""
    row = _load(ctx, "enrich")
    base = {"success": True, "requestId": row.id, "status": row.data["status"]}
    base["createdAt"] = row.data["createdAt"]
    if row.data["status"] == "processing":
        return Reply({**base, "message": "Enrichment is still in progress"}, 202)
    known = _known_profiles(ctx)
    results = [_enriched(pid, known) for pid in row.internal["body"]["profileIds"]]
    enriched = sum(1 for r in results if r["success"])
    return Reply(
        {
            **base,
            "completedAt": row.data.get("completedAt"),
            "enrichedCount": enriched,
            "failureCount": len(results) - enriched,
            "creditsConsumed": enriched,
            "data": results,
        }
    )


def _enriched(pid: str, known: Mapping[str, Any]) -> dict[str, Any]:
    if pid not in known:
        return {"profileId": pid, "success": False, "errorCode": "PROFILE_NOT_FOUND"}
    profile = known[pid]
    if "fullName" in profile:  # a preview profile: enrich it into the full shape
        n = sum(pid.encode()) % len(_NAMES)
        profile = {**_candidate(pid, n, hashlib.sha256(pid.encode()).hexdigest())}
        profile["name"] = known[pid]["fullName"]
    return {"profileId": pid, "success": True, "candidate": profile}


def render_html(ctx: Context) -> Reply:
    """``POST /sourcing/render-html``: synchronous profile cards (inline CSS only)."""
    theme = Field("theme", "string", enum(("dark", "light")))
    body = check_body(ctx.json(), (_IDS, theme))
    background = "#ffffff" if body.get("theme") == "light" else "#0f172a"
    known = _known_profiles(ctx)
    cards = [_card(pid, known.get(pid), background) for pid in body["profileIds"]]
    rendered = sum(1 for c in cards if c["success"])
    return Reply({"success": True, "renderedCount": rendered, "data": cards})


def _card(pid: str, profile: Mapping[str, Any] | None, background: str) -> dict[str, Any]:
    if profile is None:
        fail = {"success": False, "name": None, "htmlContent": None}
        return {"profileId": pid, **fail, "errorCode": "PROFILE_NOT_FOUND"}
    name = profile.get("name") or profile.get("fullName")
    html = f'<div style="background:{background};padding:16px"><h3>{name}</h3></div>'
    return {"profileId": pid, "success": True, "name": name, "htmlContent": html}


ROUTES = (
    Route("POST", "/sourcing", start_sourcing, ("sourcing:write",)),
    Route("POST", "/sourcing/preview", start_preview, ("sourcing:write",)),
    Route("POST", "/sourcing/enrich", start_enrichment, ("enrich:write",)),
    Route("POST", "/sourcing/render-html", render_html, ("enrich:write",)),
    Route("GET", "/sourcing/preview/{id}/results", preview_results, ("sourcing:read",)),
    Route("GET", "/sourcing/enrich/{id}/results", enrichment_results, ("enrich:write",)),
    Route("GET", "/sourcing/{id}/results", sourcing_results, ("sourcing:read",)),
    Route("PATCH", "/sourcing/{id}", patch_sourcing, ("sourcing:write",)),
)
