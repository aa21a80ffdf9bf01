"""Billing: ``GET /billing/usage``, computed from the interviews the fake holds."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from .._context import Context
from .._http import Reply, access_denied
from .._routing import Route
from .._validation import invalid, parse_datetime

__all__ = ["ROUTES"]

_DAY = 86400.0


def _bound(ctx: Context, name: str, default: float, end: bool) -> float:
    raw = ctx.query.get(name)
    if raw is None:
        return default
    try:  # a bare date means the whole day
        day = date.fromisoformat(raw)
    except ValueError:
        parsed = parse_datetime(raw)
        if parsed is None:
            raise invalid({name: f"{name} must be a valid ISO 8601 date string"}) from None
        return parsed
    moment = datetime.combine(day, time(), tzinfo=timezone.utc).timestamp()
    return moment + _DAY if end else moment


def _usage(ctx: Context, company_id: str, start: float, end: float) -> dict[str, Any]:
    billable = [
        r
        for r in ctx.store.interviews.filed(("billable", company_id))
        if start <= r.internal["created"] <= end
    ]
    done = [r for r in billable if r.data["status"] == "COMPLETED"]
    minutes = float(sum(r.data.get("durationMinutes") or 0 for r in done))
    return {
        "companyId": company_id,
        "companyName": ctx.store.companies.rows[company_id].data["name"],
        "billingSystem": "minutes",
        "totalInterviews": len(billable),
        "totalMinutesUsed": minutes,
        "breakdownByCostKey": [
            {"costKey": "interview_minutes", "events": len(done), "minutesUsed": minutes}
        ],
    }


def get_usage(ctx: Context) -> Reply:
    """Usage per company (minutes billing) plus totals; an ATS key sees all its companies."""
    end = _bound(ctx, "end", ctx.now, end=True)
    start = _bound(ctx, "start", end - 30 * _DAY, end=False)
    companies = ctx.key.companies()
    wanted = ctx.query.get("companyId") if ctx.key.ats else None
    if wanted:
        if wanted not in companies:
            raise access_denied("Access denied to this company")
        companies = [wanted]
    rows = [_usage(ctx, c, start, end) for c in companies]
    minutes = sum(r["totalMinutesUsed"] for r in rows)
    events = sum(r["breakdownByCostKey"][0]["events"] for r in rows)
    return Reply(
        {
            "companies": rows,
            "totalInterviews": sum(r["totalInterviews"] for r in rows),
            "totalMinutesUsed": minutes,
            "breakdownByCostKey": [
                {"costKey": "interview_minutes", "events": events, "minutesUsed": minutes}
            ],
        }
    )


ROUTES = (Route("GET", "/billing/usage", get_usage, ("read:billing",), company=False),)
